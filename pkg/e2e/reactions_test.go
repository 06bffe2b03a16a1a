package e2e

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// The reaction tools keep their idempotent annotation (issue 8): adding a
// reaction that is there, or removing one that is not, succeeds and says
// that nothing changed.
func TestReactionsAreIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateReactions: true}})
	on := func(emoji string) map[string]any {
		return map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": emoji}
	}
	tests := []struct {
		tool, emoji, action, says string
	}{
		{"reactions_add", "eyes", "added", "added :eyes:"},
		{"reactions_add", ":eyes:", "already_there", "nothing changed"},
		{"reactions_remove", "eyes", "removed", "removed :eyes:"},
		{"reactions_remove", "eyes", "not_there", "nothing was removed"},
		{"reactions_remove", "heart", "not_there", "only your own reactions"},
	}
	for _, tc := range tests {
		res := e.call(t, tc.tool, on(tc.emoji))
		require.False(t, res.IsError, "%s %s: %s", tc.tool, tc.emoji, text(res))
		require.Contains(t, text(res), tc.says)
		require.Equal(t, tc.action, res.StructuredContent.(map[string]any)["action"])
	}
	require.Empty(t, e.ws.Messages(generalID)[0].Reactions)
}

// An emoji the workspace does not have is refused before Slack is called
// once the emoji list is known; standard and custom names (aliases too)
// pass, skin tones only on standard emoji (issue 8).
func TestReactionEmojiIsChecked(t *testing.T) {
	t.Parallel()
	ws := fixture()
	ws.AddEmoji("partyparrot", "https://emoji.example/partyparrot.gif")
	ws.AddEmoji("parrot", "alias:partyparrot")
	e := newEnv(t, envOptions{ws: ws, gates: map[tools.Gate]bool{tools.GateReactions: true}})
	tests := []struct {
		emoji string
		want  string // "" for success
	}{
		{"partyparrot", ""},
		{":parrot:", ""},
		{"+1::skin-tone-2", ""},
		{"man-shrugging", ""},
		{"partyparot", "neither a standard emoji nor one of this workspace's 2 custom emoji"},
		{"partyparrot::skin-tone-3", "skin tones apply only to standard emoji"},
	}
	for _, tc := range tests {
		before := e.emu.Calls("reactions.add")
		res := e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(60), "emoji": tc.emoji})
		if tc.want == "" {
			require.False(t, res.IsError, "%s: %s", tc.emoji, text(res))
			continue
		}
		require.True(t, res.IsError, "%s: %s", tc.emoji, text(res))
		require.Contains(t, text(res), tc.want)
		require.Equal(t, before, e.emu.Calls("reactions.add"), "refused before calling Slack")
	}
	require.Equal(t, 1, e.emu.Calls("emoji.list"), "the list is asked for once and cached")
}

// Without emoji:read the list cannot be had: Slack judges the name, and
// its invalid_name still comes back as an error, not a success.
func TestReactionEmojiWithoutEmojiScope(t *testing.T) {
	t.Parallel()
	const token = "xoxp-test-no-emoji-read-123456"
	ws := fixture()
	ws.AddToken(token, slackemu.Token{UserID: meID, Kind: slackemu.UserToken,
		Scopes: []string{"channels:read", "groups:read", "im:read", "mpim:read", "users:read", "channels:history", "reactions:write"}})
	e := newEnv(t, envOptions{ws: ws, token: token, gates: map[tools.Gate]bool{tools.GateReactions: true}})
	res := e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "nosuchemoji"})
	require.True(t, res.IsError, text(res))
	require.Equal(t, 1, e.emu.Calls("reactions.add"))
	res = e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "tada"})
	require.False(t, res.IsError, text(res))
	require.Equal(t, 1, e.emu.Calls("emoji.list"), "a failed list is not asked for on every reaction")
}
