package e2e

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// reactions_get names who reacted with what; conversations_members lists
// a conversation's people with their names, page by page. Each refuses
// bad input with a specific error.
func TestReactionsGetAndMembers(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ws := fixture()
			ws.AddMessage(generalID, slackemu.Message{TS: ts(400), User: aliceID, Text: "ship it?",
				Reactions: []slackemu.Reaction{{Name: "tada", Users: []string{meID, bobID}}, {Name: "eyes", Users: []string{aliceID}}}})
			e := newEnv(t, envOptions{transport: kind, ws: ws})

			res := e.call(t, "reactions_get", map[string]any{"channel_id": "#general", "timestamp": ts(400)})
			require.False(t, res.IsError, text(res))
			var page tools.Page[tools.Reaction]
			raw, _ := json.Marshal(res.StructuredContent)
			require.NoError(t, json.Unmarshal(raw, &page))
			require.Len(t, page.Items, 2)
			assert.Equal(t, tools.Reaction{Emoji: "tada", Count: 2, UserIDs: meID + " " + bobID, UserNames: "@me @bob"}, page.Items[0])
			assert.Contains(t, text(res), "Emoji,Count,UserIDs,UserNames")

			none := e.call(t, "reactions_get", map[string]any{"channel_id": "#general", "timestamp": ts(0)})
			require.False(t, none.IsError, text(none))
			assert.Contains(t, text(none), "no reactions")

			members := e.call(t, "conversations_members", map[string]any{"channel_id": "#general", "limit": 2})
			require.False(t, members.IsError, text(members))
			var mp tools.Page[tools.Member]
			raw, _ = json.Marshal(members.StructuredContent)
			require.NoError(t, json.Unmarshal(raw, &mp))
			require.Len(t, mp.Items, 2)
			require.NotEmpty(t, mp.NextCursor)
			rest := e.call(t, "conversations_members", map[string]any{"channel_id": "#general", "limit": 2, "cursor": mp.NextCursor})
			require.False(t, rest.IsError, text(rest))
			assert.Contains(t, text(members)+text(rest), "Alice Anders")

			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"reactions_get", map[string]any{"channel_id": "#general"}, "timestamp"},
				{"reactions_get", map[string]any{"channel_id": "#general", "timestamp": "yesterday"}, "timestamp"},
				{"reactions_get", map[string]any{"channel_id": "#general", "timestamp": ts(999)}, "message"},
				{"conversations_members", map[string]any{"channel_id": "#nope"}, "#nope"},
				{"conversations_members", map[string]any{"channel_id": "#general", "limit": 5000}, "between 1 and 1000"},
				{"conversations_members", map[string]any{"channel_id": "#general", "cursor": "garbage"}, "cursor"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}
		})
	}
}
