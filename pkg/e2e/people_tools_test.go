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

// emoji_list lists the workspace's custom emoji (aliases say what they
// stand for), the standard ones on request, filtered by name and paged;
// one emoji.list call serves repeated listings.
func TestEmojiList(t *testing.T) {
	t.Parallel()
	ws := fixture()
	ws.AddEmoji("partyparrot", "https://emoji.slack-edge.com/T0/partyparrot/abc.gif")
	ws.AddEmoji("parrot", "alias:partyparrot")
	ws.AddEmoji("shipit-now", "https://emoji.slack-edge.com/T0/shipit-now/def.png")
	e := newEnv(t, envOptions{ws: ws})

	res := e.call(t, "emoji_list", map[string]any{"query": "parrot"})
	require.False(t, res.IsError, text(res))
	var page tools.Page[tools.EmojiRow]
	raw, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(raw, &page))
	require.Equal(t, []tools.EmojiRow{
		{Name: "parrot", Kind: "alias", Value: "partyparrot"},
		{Name: "partyparrot", Kind: "custom", Value: "https://emoji.slack-edge.com/T0/partyparrot/abc.gif"},
	}, page.Items)

	std := e.call(t, "emoji_list", map[string]any{"query": "thumbsup", "include_standard": true})
	require.False(t, std.IsError, text(std))
	assert.Contains(t, text(std), "thumbsup,standard,👍")

	first := e.call(t, "emoji_list", map[string]any{"include_standard": true, "limit": 2})
	require.False(t, first.IsError, text(first))
	assert.Contains(t, text(first), "next_cursor: ")
	assert.Equal(t, 1, e.emu.Calls("emoji.list"), "the custom emoji are cached")

	none := e.call(t, "emoji_list", map[string]any{"query": "zzzz-nothing"})
	require.False(t, none.IsError, text(none))
	assert.Contains(t, text(none), "no custom emoji name contains")
	bad := e.call(t, "emoji_list", map[string]any{"limit": 5000})
	require.True(t, bad.IsError)
	assert.Contains(t, text(bad), "between 1 and 1000")
}
