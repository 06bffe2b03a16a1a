package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// users_profile labels the workspace's custom fields (the manager by name)
// and users_set_status sets, shows and clears the caller's status.
func TestProfileAndStatus(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ws := fixture()
			ws.SetProfileFields(slackemu.ProfileField{ID: "Xf01", Label: "Manager", Type: "user", Ordering: 1},
				slackemu.ProfileField{ID: "Xf02", Label: "Team", Type: "options_list", Ordering: 2})
			ws.SetProfileValues(aliceID, map[string]slackemu.ProfileValue{"Xf01": {Value: bobID}, "Xf02": {Value: "Platform"}})
			e := newEnv(t, envOptions{transport: kind, ws: ws, gates: allGates(), now: time.Now})

			res := e.call(t, "users_profile", map[string]any{"user": "alice@test.co"})
			require.False(t, res.IsError, text(res))
			for _, want := range []string{"UserName: @alice", "RealName: Alice Anders", "Title: Engineer", "Manager: @bob (" + bobID + ")", "Team: Platform"} {
				assert.Contains(t, text(res), want)
			}
			me := e.call(t, "users_profile", map[string]any{})
			require.False(t, me.IsError, text(me))
			assert.Contains(t, text(me), "UserID: "+meID)

			set := e.call(t, "users_set_status", map[string]any{"status_text": "Heads down", "status_emoji": ":tada:", "expiration": "2h"})
			require.False(t, set.IsError, text(set))
			assert.Contains(t, text(set), "status set: :tada: Heads down until ")
			assert.Equal(t, "Heads down", ws.UserStatus(meID).Text)
			me = e.call(t, "users_profile", map[string]any{"user": meID})
			assert.Contains(t, text(me), "Status: :tada: Heads down (until ")

			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"users_profile", map[string]any{"user": "@nobody"}, "no user named @nobody"},
				{"users_set_status", map[string]any{}, "give status_text and/or status_emoji"},
				{"users_set_status", map[string]any{"status_text": string(make([]rune, 101))}, "at most 100"},
				{"users_set_status", map[string]any{"status_text": "x", "clear": true}, "do not give status_text"},
				{"users_set_status", map[string]any{"status_text": "x", "expiration": "yesterday-ish"}, "expiration: time"},
				{"users_set_status", map[string]any{"status_text": "x", "expiration": "2020-01-01T00:00:00Z"}, "is in the past"},
				{"users_set_status", map[string]any{"status_text": "x", "status_emoji": "no such emoji"}, "status_emoji"},
				{"users_set_status", map[string]any{"status_text": "x", "status_emoji": "definitely_not_an_emoji"}, "neither a standard emoji"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}

			cleared := e.call(t, "users_set_status", map[string]any{"clear": true})
			require.False(t, cleared.IsError, text(cleared))
			assert.Equal(t, slackemu.Status{}, ws.UserStatus(meID))
		})
	}
}

func TestSetStatusRefusesABotToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{token: botToken, gates: allGates()})
	res := e.call(t, "users_set_status", map[string]any{"status_text": "beep"})
	require.True(t, res.IsError, text(res))
	assert.Contains(t, text(res), "needs a person's token")
}
