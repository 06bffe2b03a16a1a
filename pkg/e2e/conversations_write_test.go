package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// Opening DMs, creating channels and adding people: names resolve from the
// directories, Slack's naming rules are checked before any call, and
// Slack's refusals are explained.
func TestConversationsWrite(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{transport: kind, gates: allGates()})

			dm := e.call(t, "conversations_open", map[string]any{"users": "@bob"})
			require.False(t, dm.IsError, text(dm))
			assert.Contains(t, text(dm), "found "+dmBobID, "the existing DM")
			group := e.call(t, "conversations_open", map[string]any{"users": "alice@test.co, @bob"})
			require.False(t, group.IsError, text(group))
			assert.Contains(t, text(group), "opened ")
			again := e.call(t, "conversations_open", map[string]any{"users": aliceID + "," + bobID})
			require.False(t, again.IsError, text(again))
			groupID := strings.Fields(text(group))[1]
			assert.Contains(t, text(again), "found "+groupID, "opening is idempotent")

			created := e.call(t, "conversations_create", map[string]any{"name": "#launch-crew", "is_private": true,
				"topic": "launch week", "purpose": "everything launch"})
			require.False(t, created.IsError, text(created))
			assert.Contains(t, text(created), "created private channel #launch-crew")
			assert.NotContains(t, text(created), "note:")
			invite := e.call(t, "conversations_invite", map[string]any{"channel_id": "#launch-crew", "users": "@alice, bob@test.co"})
			require.False(t, invite.IsError, text(invite))
			assert.Contains(t, text(invite), "added @alice, @bob to")
			members := e.call(t, "conversations_members", map[string]any{"channel_id": "#launch-crew"})
			for _, who := range []string{meID, aliceID, bobID} {
				assert.Contains(t, text(members), who)
			}

			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"conversations_open", map[string]any{"users": ""}, "users is required"},
				{"conversations_open", map[string]any{"users": "@me"}, "names only you"},
				{"conversations_open", map[string]any{"users": "@nobody"}, "no user named @nobody"},
				{"conversations_open", map[string]any{"users": "U1,U2,U3,U4,U5,U6,U7,U8,U9,U10"}, "a group DM holds at most 8 besides you"},
				{"conversations_open", map[string]any{"users": "<@U0ALICE001>"}, "is not a user ID, @name or email"},
				{"conversations_create", map[string]any{"name": ""}, "name is required"},
				{"conversations_create", map[string]any{"name": "Launch Crew"}, "only lowercase letters"},
				{"conversations_create", map[string]any{"name": "Launch"}, `(try "launch")`},
				{"conversations_create", map[string]any{"name": strings.Repeat("a", 81)}, "at most 80"},
				{"conversations_create", map[string]any{"name": "general"}, "already exists"},
				{"conversations_create", map[string]any{"name": "ok-name", "topic": strings.Repeat("t", 251)}, "topic is 251 characters"},
				{"conversations_create", map[string]any{"name": "ok-name", "purpose": strings.Repeat("p", 251)}, "purpose is 251 characters"},
				{"conversations_invite", map[string]any{"channel_id": "#launch-crew", "users": "@alice"}, "already in the channel"},
				{"conversations_invite", map[string]any{"channel_id": "#launch-crew"}, "users is required"},
				{"conversations_invite", map[string]any{"channel_id": "#random", "users": "@bob"}, "not a member of the channel"},
				{"conversations_invite", map[string]any{"channel_id": "#launch-crew", "users": "@me"}, "cannot invite yourself"},
				{"conversations_invite", map[string]any{"channel_id": "@bob", "users": "@alice"}, "DMs and group DMs take no invitations"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}
		})
	}
}
