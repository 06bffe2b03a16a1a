package slackemu

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func TestEmojiListAndUnknownReactions(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(1)
	w.AddEmoji("partyparrot", "https://emoji.example/partyparrot.gif")
	w.AddEmoji("parrot", "alias:partyparrot")
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)

	got, err := c.GetEmoji()
	require.NoError(t, err)
	require.Equal(t, map[string]string{"partyparrot": "https://emoji.example/partyparrot.gif", "parrot": "alias:partyparrot"}, got)

	item := slack.NewRefToMessage(cGeneral, ts[0])
	tests := []struct{ name, want string }{
		{"partyparrot", ""},
		{"parrot", ""},
		{"thumbsup::skin-tone-2", ""},
		{"man-shrugging", ""},
		{"nosuchemoji", "invalid_name"},
		{"partyparrot::skin-tone-2", "invalid_name"},
	}
	for _, tc := range tests {
		err := c.AddReaction(tc.name, item)
		if tc.want == "" {
			require.NoError(t, err, tc.name)
			continue
		}
		requireSlackErr(t, err, tc.want)
	}
}

func TestEmojiListNeedsScope(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	w.AddToken("xoxp-no-emoji", Token{UserID: uAlice, Kind: UserToken, Scopes: []string{"reactions:write"}})
	srv := start(t, w, Options{})
	_, err := client(srv, "xoxp-no-emoji").GetEmoji()
	requireSlackErr(t, err, "missing_scope")
}
