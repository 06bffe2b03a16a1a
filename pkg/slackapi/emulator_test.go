package slackapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// emuWorkspace is a small workspace: two users, a public and a private
// channel, a few messages, a file, and tokens of every kind.
func emuWorkspace() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(slackemu.Team{ID: "T1", Name: "Acme", Domain: "acme", EnterpriseID: "E1"})
	ws.AddUser(slackemu.User{ID: "U1", Name: "alice"})
	ws.AddUser(slackemu.User{ID: "U2", Name: "bob"})
	ws.AddUser(slackemu.User{ID: "UB", Name: "robot", IsBot: true, BotID: "B1"})
	ws.AddChannel(slackemu.Channel{ID: "C1", Name: "general", Members: []string{"U1", "U2", "UB"}})
	ws.AddChannel(slackemu.Channel{ID: "G1", Name: "secret", IsPrivate: true, Members: []string{"U2"}})
	for _, text := range []string{"one", "two", "three"} {
		ws.AddMessage("C1", slackemu.Message{User: "U2", Text: text})
	}
	ws.AddFile(slackemu.File{ID: "F1", Name: "notes.txt", Mimetype: "text/plain", User: "U2", Content: []byte("file body"), Channels: []string{"C1"}})
	ws.AddFile(slackemu.File{ID: "F2", Name: "hidden.txt", Mimetype: "text/plain", User: "U2", Content: []byte("nope"), Channels: []string{"G1"}})
	ws.AddToken(testUserToken, slackemu.Token{UserID: "U1", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	ws.AddToken(testBotToken, slackemu.Token{UserID: "UB", Kind: slackemu.BotToken, Scopes: slackemu.BotScopes()})
	ws.AddToken(testSessionToken, slackemu.Token{UserID: "U1", Kind: slackemu.SessionToken, Cookie: testCookieRaw})
	ws.AddToken("xoxp-narrow", slackemu.Token{UserID: "U1", Kind: slackemu.UserToken, Scopes: []string{"channels:read"}})
	return ws
}

func newEmu(t *testing.T, o slackemu.Options) *slackemu.Server {
	t.Helper()
	srv := slackemu.NewServer(emuWorkspace(), o)
	t.Cleanup(srv.Close)
	return srv
}

func TestEmulatorConnect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		creds Credentials
		kind  TokenKind
		user  string
	}{
		{"user token", Credentials{Token: testUserToken}, UserToken, "U1"},
		{"bot token", Credentials{Token: testBotToken}, BotToken, "UB"},
		{"session token, raw cookie", Credentials{Token: testSessionToken, Cookie: testCookieRaw}, SessionToken, "U1"},
		{"session token, encoded cookie", Credentials{Token: testSessionToken, Cookie: "d=" + testCookieEnc}, SessionToken, "U1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newEmu(t, slackemu.Options{})
			f, _, _ := newTestFactory(t, emu.URL, nil)
			c, err := f.Connect(context.Background(), tc.creds)
			require.NoError(t, err)
			assert.Equal(t, "T1", c.Identity.TeamID)
			assert.Equal(t, "Acme", c.Identity.TeamName)
			assert.Equal(t, "E1", c.Identity.EnterpriseID)
			assert.Equal(t, tc.user, c.Identity.UserID)
			assert.Equal(t, tc.kind, c.Identity.Kind)
			assert.Equal(t, emu.URL+"/", c.Identity.URL)
			assert.Equal(t, emu.URL+"/api/", c.APIURL())
			assert.Empty(t, c.TeamParam(), "a workspace token in a grid passes no team_id")
			if tc.kind == BotToken {
				assert.Equal(t, "B1", c.Identity.BotID)
			}
			if tc.kind == UserToken {
				assert.True(t, c.Identity.HasScope("channels:history"))
			}

			h, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
			require.NoError(t, err)
			assert.Len(t, h.Messages, 3)
			assert.Equal(t, 1, emu.Calls("auth.test"))
			assert.Equal(t, 1, emu.Calls("conversations.history"), "one tool call, one Slack call")
		})
	}
}

func TestEmulatorConnectFailures(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, slackemu.Options{})
	f, _, _ := newTestFactory(t, emu.URL, nil)
	for _, creds := range []Credentials{
		{Token: "xoxp-not-known"},
		{Token: testSessionToken, Cookie: "xoxd-wrong"},
	} {
		_, err := f.Connect(context.Background(), creds)
		require.Error(t, err)
		assert.True(t, IsAuthFailure(err), "%v", err)
		assert.NotContains(t, err.Error(), creds.Token)
		msg, user := Explain(err)
		assert.True(t, user)
		assert.Contains(t, msg, "re-authenticate")
	}
}

func TestEmulatorRetriesInjected429(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, slackemu.Options{})
	f, clock, _ := newTestFactory(t, emu.URL, nil)
	c, err := f.Connect(context.Background(), Credentials{Token: testUserToken})
	require.NoError(t, err)

	emu.FailNext("conversations.history", 2, 3*time.Second)
	require.NoError(t, history(context.Background(), c))
	assert.Equal(t, 3, emu.Calls("conversations.history"))
	assert.Equal(t, []time.Duration{3 * time.Second, 3 * time.Second}, clock.Sleeps())

	emu.FailNext("conversations.history", 10, 3*time.Second)
	var rl *RateLimitError
	require.ErrorAs(t, history(context.Background(), c), &rl)
	assert.Equal(t, 3+4, emu.Calls("conversations.history"), "1 + MaxRetries attempts")
}

func TestEmulatorTierLimitsWithPacing(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	emu := newEmu(t, slackemu.Options{RateLimits: true, Now: clock.Now, TierLimits: map[int]int{3: 2}})
	f, err := NewFactory(Options{
		BaseURL:     emu.URL,
		Pacing:      PaceAlways,
		Limits:      map[string]Limit{"conversations.history": {PerMinute: 2, Burst: 2}},
		RetryBudget: 5 * time.Minute,
		Sleep:       clock.Sleep,
		Now:         clock.Now,
	})
	require.NoError(t, err)
	c, err := f.Connect(context.Background(), Credentials{Token: testUserToken})
	require.NoError(t, err)
	for range 6 {
		require.NoError(t, history(context.Background(), c))
	}
	// Six calls at two per minute take at least two minutes of (fake) waiting,
	// and Slack's fixed windows never saw more than their limit succeed.
	var total time.Duration
	for _, d := range clock.Sleeps() {
		total += d
	}
	assert.GreaterOrEqual(t, total, 2*time.Minute)
	assert.GreaterOrEqual(t, emu.Calls("conversations.history"), 6)
}

func TestEmulatorErrors(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, slackemu.Options{})
	f, _, _ := newTestFactory(t, emu.URL, nil)
	ctx := context.Background()

	narrow, err := f.Connect(ctx, Credentials{Token: "xoxp-narrow"})
	require.NoError(t, err)
	err = history(ctx, narrow)
	require.Error(t, err)
	msg, user := Explain(err)
	assert.True(t, user)
	assert.Contains(t, msg, "channels:history", "the needed scope is named")

	c, err := f.Connect(ctx, Credentials{Token: testUserToken})
	require.NoError(t, err)
	emu.FailNextWith("conversations.history", "channel_not_found", 1)
	msg, _ = Explain(history(ctx, c))
	assert.Contains(t, msg, "channels_list")

	emu.FailNextWith("conversations.history", "token_revoked", 1)
	assert.True(t, IsAuthFailure(history(ctx, c)))
}

func TestEmulatorDownload(t *testing.T) {
	t.Parallel()
	var leaked http.Header
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Clone()
		_, _ = w.Write([]byte("from cdn"))
	}))
	t.Cleanup(cdn.Close)

	ws := emuWorkspace()
	ws.AddFile(slackemu.File{ID: "F3", Name: "moved.bin", User: "U2", Channels: []string{"C1"}, Content: []byte("x"), RedirectTo: cdn.URL + "/blob"})
	emu := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(emu.Close)
	f, _, _ := newTestFactory(t, emu.URL, nil)
	ctx := context.Background()

	for _, creds := range []Credentials{{Token: testUserToken}, {Token: testSessionToken, Cookie: testCookieRaw}} {
		c, err := f.Connect(ctx, creds)
		require.NoError(t, err)

		file, _, _, err := c.GetFileInfoContext(ctx, "F1", 0, 0)
		require.NoError(t, err)
		data, ct, err := c.Download(ctx, file.URLPrivateDownload, 1<<20)
		require.NoError(t, err)
		assert.Equal(t, "file body", string(data))
		assert.Equal(t, "text/plain", ct)

		_, _, err = c.Download(ctx, file.URLPrivateDownload, 4)
		require.ErrorIs(t, err, ErrTooLarge)

		// A file in a channel alice cannot see: Slack redirects to sign-in.
		_, _, err = c.Download(ctx, emu.URL+"/files-pri/T1-F2/download/hidden.txt", 1<<20)
		require.ErrorIs(t, err, ErrLoginPage)

		// A redirect off Slack carries no credentials.
		data, _, err = c.Download(ctx, emu.URL+"/files-pri/T1-F3/download/moved.bin", 1<<20)
		require.NoError(t, err)
		assert.Equal(t, "from cdn", string(data))
		assert.Empty(t, leaked.Get("Authorization"))
		assert.Empty(t, leaked.Get("Cookie"))
	}
}
