package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// conversations_edit_message and conversations_delete_message change only
// one's own messages, where the operator allows, and say why when Slack
// refuses; each bad input gets a specific error.
func TestEditAndDeleteMessages(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ws := fixture()
			mine := ws.AddMessage(generalID, slackemu.Message{TS: ts(500), User: meID, Text: "tpyo here"})
			theirs := ws.AddMessage(generalID, slackemu.Message{TS: ts(510), User: aliceID, Text: "alice's words"})
			onlyGeneral, err := tools.ParseChannelPolicy("SLACK_MCP_DELETE_MESSAGE_TOOL", generalID)
			require.NoError(t, err)
			policy := &tools.Policy{AddMessage: tools.AllChannels(), Reactions: tools.AllChannels(),
				EditMessage: tools.AllChannels(), DeleteMessage: onlyGeneral}
			e := newEnv(t, envOptions{transport: kind, ws: ws, gates: allGates(), policy: policy})

			res := e.call(t, "conversations_edit_message", map[string]any{"channel_id": "#general", "ts": mine, "text": "typo here"})
			require.False(t, res.IsError, text(res))
			assert.Contains(t, text(res), "edited message ts="+mine)
			hist := e.call(t, "conversations_history", map[string]any{"channel_id": "#general", "limit": "20"})
			assert.Contains(t, text(hist), "typo here")

			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"conversations_edit_message", map[string]any{"channel_id": "#general", "ts": theirs, "text": "mine now"}, "only their own messages"},
				{"conversations_edit_message", map[string]any{"channel_id": "#general", "ts": mine}, "text is required"},
				{"conversations_edit_message", map[string]any{"channel_id": "#general", "ts": mine, "text": "x", "content_type": "text/html"}, "content_type must be"},
				{"conversations_edit_message", map[string]any{"channel_id": "#general", "ts": "soon", "text": "x"}, "ts"},
				{"conversations_delete_message", map[string]any{"channel_id": "#general", "ts": theirs}, "deletes only messages they may delete"},
				{"conversations_delete_message", map[string]any{"channel_id": "#leads", "ts": mine}, "not allowed by this server's SLACK_MCP_DELETE_MESSAGE_TOOL"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}

			del := e.call(t, "conversations_delete_message", map[string]any{"channel_id": "#general", "ts": mine})
			require.False(t, del.IsError, text(del))
			hist = e.call(t, "conversations_history", map[string]any{"channel_id": "#general", "limit": "20"})
			assert.NotContains(t, text(hist), "typo here")
			again := e.call(t, "conversations_delete_message", map[string]any{"channel_id": "#general", "ts": mine})
			require.True(t, again.IsError)
			assert.Contains(t, text(again), "No message with that timestamp")
		})
	}
}
