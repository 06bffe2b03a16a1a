package tools

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// The emoji list is fetched once, re-asked at most every emojiRecheck for
// a name it lacks (an emoji added a moment ago) and refreshed after
// emojiTTL; the clock is injected.
func TestEmojiCacheRechecksAndExpires(t *testing.T) {
	t.Parallel()
	ws := slackemu.NewWorkspace(slackemu.Team{ID: "T0EMOJI01", Name: "Emoji", Domain: "emoji"})
	ws.AddUser(slackemu.User{ID: "U0EMOJI01", Name: "me"})
	ws.AddToken("xoxp-emoji-test", slackemu.Token{UserID: "U0EMOJI01", Kind: slackemu.UserToken, Scopes: []string{"emoji:read"}})
	ws.AddEmoji("old", "https://emoji.example/old.png")
	srv := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(srv.Close)
	f, err := slackapi.NewFactory(slackapi.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	client, err := f.Connect(t.Context(), slackapi.Credentials{Token: "xoxp-emoji-test"})
	require.NoError(t, err)
	s := &Session{Client: client}

	var c emojiCache
	t0 := time.Unix(1_700_000_000, 0)
	steps := []struct {
		name    string
		at      time.Duration
		add     string
		emoji   string
		unknown bool
		calls   int
	}{
		{"first use fetches", 0, "", "fresh_parrot", true, 1},
		{"standard names need no list", 0, "", "tada", false, 1},
		{"added but not yet rechecked", 30 * time.Second, "fresh_parrot", "fresh_parrot", true, 1},
		{"rechecked after a minute", 2 * time.Minute, "", "fresh_parrot", false, 2},
		{"known names cost nothing", 2*time.Minute + time.Second, "", "old", false, 2},
		{"expired list is fetched again", 2 * time.Hour, "", "old", false, 3},
	}
	for _, st := range steps {
		if st.add != "" {
			ws.AddEmoji(st.add, "https://emoji.example/x.png")
		}
		err := c.unknownEmoji(t.Context(), s, st.emoji, t0.Add(st.at))
		require.Equal(t, st.unknown, err != nil, "%s: %v", st.name, err)
		require.Equal(t, st.calls, srv.Calls("emoji.list"), st.name)
	}
}
