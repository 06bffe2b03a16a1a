package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// ---- Shared end-to-end test helper (reusable by every tool test) ----

// testEnv drives tool handlers end to end: a Slack emulator serving WS, and
// Deps whose Session is a real slackapi client (real slack-go encoding and
// decoding) connected to it, with users and channels directories started
// for the test's lifetime (their background sweeps call users.list and
// conversations.list; count other methods in assertions).
type testEnv struct {
	WS      *slackemu.Workspace
	Srv     *slackemu.Server
	Session *Session
	Deps    *Deps
}

// testSession is a Provider that always returns one Session.
type testSession struct{ s *Session }

func (p testSession) Session(context.Context) (*Session, error) { return p.s, nil }

// newTestEnv serves ws and connects as userID with a user token (xoxp)
// holding scopes, or every user scope the emulator knows when none are
// given. The server is closed when the test ends.
func newTestEnv(t *testing.T, ws *slackemu.Workspace, userID string, scopes ...string) *testEnv {
	t.Helper()
	return newTestEnvToken(t, ws, "xoxp-test-"+strings.ToLower(userID), slackemu.Token{UserID: userID, Kind: slackemu.UserToken, Scopes: scopes})
}

// newTestEnvToken is newTestEnv with an explicit token (e.g. a bot token:
// "xoxb-..." with Kind slackemu.BotToken).
func newTestEnvToken(t *testing.T, ws *slackemu.Workspace, token string, tok slackemu.Token) *testEnv {
	t.Helper()
	if len(tok.Scopes) == 0 {
		if tok.Kind == slackemu.BotToken {
			tok.Scopes = slackemu.BotScopes()
		} else {
			tok.Scopes = slackemu.AllUserScopes()
		}
	}
	ws.AddToken(token, tok)
	srv := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(srv.Close)
	f, err := slackapi.NewFactory(slackapi.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	client, err := f.Connect(t.Context(), slackapi.Credentials{Token: token})
	require.NoError(t, err)
	s := &Session{
		Client:   client,
		Users:    workspace.NewUsers(client, workspace.Options{}),
		Channels: workspace.NewChannels(client, workspace.Options{}),
	}
	srv.ResetCalls() // auth.test of Connect is not the tool's
	s.Users.Start(t.Context())
	s.Channels.Start(t.Context())
	return &testEnv{WS: ws, Srv: srv, Session: s, Deps: &Deps{Provider: testSession{s}}}
}

// call runs tool's handler with args.
func (e *testEnv) call(t *testing.T, tool Tool, args Args) (*mcp.CallToolResult, error) {
	t.Helper()
	return tool.Handler(t.Context(), e.Deps, args)
}

// resultText joins the text contents of a result.
func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// requireInputError asserts err is an *InputError (an isError result the
// model can act on) whose message contains want.
func requireInputError(t *testing.T, err error, want string) {
	t.Helper()
	var ie *InputError
	require.Error(t, err)
	require.True(t, errors.As(err, &ie), "want *InputError, got %T: %v", err, err)
	require.Contains(t, ie.Msg, want)
}

// testTeam is the team of the shared fixtures.
var testTeam = slackemu.Team{ID: "T1", Name: "Acme", Domain: "acme"}

// ---- conversations_unreads ----

// testMeID is the caller (user token owner) of the shared fixtures.
const testMeID = "U0ME1"

// unreadsWorkspace builds a workspace where the caller (U0ME1) has:
// a DM with bob (unread), a group DM (unread), a Slack Connect channel
// (unread, no mention), #general (one mention among unreads), #random
// (all read), #alerts (@here), #team (a user group mention), and a channel
// they are not in (unread, must never show).
func unreadsWorkspace() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(testTeam)
	for _, u := range []slackemu.User{
		{ID: testMeID, Name: "alice", RealName: "Alice"},
		{ID: "U0BOB1", Name: "bob", RealName: "Bob"},
		{ID: "U0CAROL1", Name: "carol", RealName: "Carol"},
	} {
		ws.AddUser(u)
	}
	all := []string{testMeID, "U0BOB1", "U0CAROL1"}
	// Internal channels first in workspace order, so priority ordering
	// (not insertion order) is what the test sees.
	ws.AddChannel(slackemu.Channel{ID: "C0GENERAL1", Name: "general", Members: all})
	ws.AddChannel(slackemu.Channel{ID: "C0RANDOM1", Name: "random", Members: all})
	ws.AddChannel(slackemu.Channel{ID: "C0ALERTS1", Name: "alerts", Members: all})
	ws.AddChannel(slackemu.Channel{ID: "C0TEAM1", Name: "team", Members: all})
	ws.AddChannel(slackemu.Channel{ID: "C0OTHER1", Name: "other", Members: []string{"U0BOB1"}})
	ws.AddChannel(slackemu.Channel{ID: "C0PARTNER1", Name: "ext-partner", IsExtShared: true, Members: all})
	ws.AddChannel(slackemu.Channel{ID: "G0MPIM1", IsMPIM: true, Members: all})
	ws.AddChannel(slackemu.Channel{ID: "D0BOB1", IsIM: true, User: "U0BOB1", Members: []string{testMeID, "U0BOB1"}})
	ws.AddUserGroup(slackemu.UserGroup{ID: "S0TEAM1", Handle: "team", Name: "Team", Users: []string{testMeID, "U0BOB1"}})

	read := ws.AddMessage("D0BOB1", slackemu.Message{User: "U0BOB1", Text: "old news"})
	ws.SetLastRead("D0BOB1", testMeID, read)
	ws.AddMessage("D0BOB1", slackemu.Message{User: "U0BOB1", Text: "are you there?"})
	ws.AddMessage("D0BOB1", slackemu.Message{User: testMeID, Text: "my own reply"})

	ws.AddMessage("G0MPIM1", slackemu.Message{User: "U0CAROL1", Text: "lunch?"})

	ws.AddMessage("C0PARTNER1", slackemu.Message{User: "U0BOB1", Text: "partner update"})

	read = ws.AddMessage("C0GENERAL1", slackemu.Message{User: "U0BOB1", Text: "already read"})
	ws.SetLastRead("C0GENERAL1", testMeID, read)
	ws.AddMessage("C0GENERAL1", slackemu.Message{User: "U0BOB1", Text: "hey <@U0ME1> please review"})
	ws.AddMessage("C0GENERAL1", slackemu.Message{User: "U0CAROL1", Text: "unrelated chatter"})

	read = ws.AddMessage("C0RANDOM1", slackemu.Message{User: "U0BOB1", Text: "all read"})
	ws.SetLastRead("C0RANDOM1", testMeID, read)

	ws.AddMessage("C0ALERTS1", slackemu.Message{User: "U0BOB1", Text: "<!here|here> deploy in 5"})

	ws.AddMessage("C0TEAM1", slackemu.Message{User: "U0CAROL1", Text: "<!subteam^S0TEAM1|@team> standup"})
	ws.AddMessage("C0TEAM1", slackemu.Message{User: "U0CAROL1", Text: "<@U0BOB1> only"})

	ws.AddMessage("C0OTHER1", slackemu.Message{User: "U0BOB1", Text: "you cannot see this"})
	return ws
}

func unreadsOf(t *testing.T, res *mcp.CallToolResult) Unreads {
	t.Helper()
	u, ok := res.StructuredContent.(Unreads)
	require.True(t, ok, "structuredContent is %T", res.StructuredContent)
	return u
}

func unreadChannelIDs(u Unreads) []string {
	ids := make([]string, 0, len(u.Channels))
	for _, c := range u.Channels {
		ids = append(ids, c.ChannelID)
	}
	return ids
}

func unreadTexts(u Unreads, channel string) []string {
	var out []string
	for _, m := range u.Messages {
		if m.Channel == channel {
			out = append(out, m.Text)
		}
	}
	return out
}

func TestUnreadsOrderingAndContent(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, unreadsWorkspace(), testMeID)
	res, err := env.call(t, conversationsUnreads(), Args{})
	require.NoError(t, err)
	u := unreadsOf(t, res)

	// DMs > group DMs > partner > internal; read and foreign channels absent.
	require.Equal(t, []string{"D0BOB1", "G0MPIM1", "C0PARTNER1", "C0GENERAL1", "C0ALERTS1", "C0TEAM1"}, unreadChannelIDs(u))
	require.Equal(t, []string{"dm", "group_dm", "partner", "internal", "internal", "internal"},
		[]string{u.Channels[0].Type, u.Channels[1].Type, u.Channels[2].Type, u.Channels[3].Type, u.Channels[4].Type, u.Channels[5].Type})
	require.Equal(t, "@bob", u.Channels[0].ChannelName)
	require.Equal(t, "#ext-partner", u.Channels[2].ChannelName)
	require.Equal(t, "#general", u.Channels[3].ChannelName)
	require.Equal(t, 1, u.Channels[0].UnreadCount, "own messages are not unread")
	require.Equal(t, 2, u.Channels[3].UnreadCount)

	// Only messages after last_read, never the caller's own.
	require.Equal(t, []string{"are you there?"}, unreadTexts(u, "D0BOB1"))
	require.Len(t, unreadTexts(u, "C0GENERAL1"), 2)
	require.NotContains(t, strings.Join(unreadTexts(u, "C0GENERAL1"), "|"), "already read")
	for _, m := range u.Messages {
		require.NotEmpty(t, m.ChannelName)
		require.NotEqual(t, "C0OTHER1", m.Channel)
	}

	// With messages the text is one message CSV, as 1.3.0 answers.
	text := resultText(res)
	require.True(t, strings.HasPrefix(text, "MsgID,"), text)
	require.NotContains(t, text, "ChannelID,")
	require.Equal(t, 7, u.Total, "member conversations of all types")
	require.Equal(t, 7, u.Scanned)
	require.Contains(t, text, "note: scanned 7 of 7 conversations with ")

	// Without, the channel CSV in 1.3.0's column order.
	res, err = env.call(t, conversationsUnreads(), Args{"include_messages": false})
	require.NoError(t, err)
	text = resultText(res)
	require.True(t, strings.HasPrefix(text, "ChannelID,ChannelName,ChannelType,UnreadCount,LastRead,Latest,MoreUnread\n"), text)
	require.Contains(t, text, "D0BOB1,@bob,dm,1,")
	require.NotContains(t, text, "MsgID,")
}

func TestUnreadsOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		args        Args
		want        []string
		wantHistory bool
		check       func(t *testing.T, u Unreads, env *testEnv)
	}{
		{
			name: "mentions only keeps DMs, group DMs and mentioning channel messages",
			args: Args{"mentions_only": true},
			want: []string{"D0BOB1", "G0MPIM1", "C0GENERAL1", "C0ALERTS1", "C0TEAM1"},
			check: func(t *testing.T, u Unreads, _ *testEnv) {
				require.Len(t, unreadTexts(u, "C0GENERAL1"), 1)
				require.Contains(t, unreadTexts(u, "C0GENERAL1")[0], "please review")
				require.Len(t, unreadTexts(u, "C0TEAM1"), 1, "a mention of someone else is dropped")
				require.Contains(t, unreadTexts(u, "C0TEAM1")[0], "standup")
			},
		},
		{
			name: "summary only makes no history calls",
			args: Args{"include_messages": false},
			want: []string{"D0BOB1", "G0MPIM1", "C0PARTNER1", "C0GENERAL1", "C0ALERTS1", "C0TEAM1"},
			check: func(t *testing.T, u Unreads, env *testEnv) {
				require.Empty(t, u.Messages)
				require.Equal(t, 7, env.Srv.Calls("conversations.info"))
				// Slack counts unread messages of DMs only: channels and
				// group DMs need a look after last_read; the DM does not.
				require.Equal(t, 6, env.Srv.Calls("conversations.history"))
				require.Equal(t, 1+7+6, u.SlackCalls)
			},
		},
		{
			name:        "dm only",
			args:        Args{"channel_types": "dm"},
			want:        []string{"D0BOB1"},
			wantHistory: true,
		},
		{
			name: "partner only",
			args: Args{"channel_types": "partner", "include_messages": "false"},
			want: []string{"C0PARTNER1"},
		},
		{
			name: "internal only",
			args: Args{"channel_types": "internal", "include_messages": false},
			want: []string{"C0GENERAL1", "C0ALERTS1", "C0TEAM1"},
		},
		{
			name: "max_channels stops the scan early",
			args: Args{"max_channels": 2, "include_messages": false},
			want: []string{"D0BOB1", "G0MPIM1"},
		},
		{
			name: "max_messages_per_channel as a string",
			args: Args{"max_messages_per_channel": "1", "channel_types": "internal"},
			want: []string{"C0GENERAL1", "C0ALERTS1", "C0TEAM1"},
			check: func(t *testing.T, u Unreads, _ *testEnv) {
				require.Equal(t, []string{"unrelated chatter"}, unreadTexts(u, "C0GENERAL1"), "newest first")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, unreadsWorkspace(), testMeID)
			res, err := env.call(t, conversationsUnreads(), tc.args)
			require.NoError(t, err)
			u := unreadsOf(t, res)
			require.Equal(t, tc.want, unreadChannelIDs(u))
			if tc.wantHistory {
				require.Positive(t, env.Srv.Calls("conversations.history"))
			}
			if tc.check != nil {
				tc.check(t, u, env)
			}
		})
	}
}

func TestUnreadsStopsAtMaxChannels(t *testing.T) {
	t.Parallel()
	ws := slackemu.NewWorkspace(testTeam)
	ws.AddUser(slackemu.User{ID: testMeID, Name: "alice"})
	ws.AddUser(slackemu.User{ID: "U0BOB1", Name: "bob"})
	const n = 30
	for i := range n {
		id := fmt.Sprintf("C0BUSY%02d", i)
		ws.AddChannel(slackemu.Channel{ID: id, Name: strings.ToLower(id), Members: []string{testMeID, "U0BOB1"}})
		ws.AddMessage(id, slackemu.Message{User: "U0BOB1", Text: "news"})
	}
	env := newTestEnv(t, ws, testMeID)
	res, err := env.call(t, conversationsUnreads(), Args{"max_channels": 3, "max_messages_per_channel": 1})
	require.NoError(t, err)
	u := unreadsOf(t, res)
	require.Equal(t, []string{"C0BUSY00", "C0BUSY01", "C0BUSY02"}, unreadChannelIDs(u), "the first in priority order, whatever finished first")
	require.Equal(t, n, u.Total)
	// Every channel qualifies, so the scan stops after its first wave.
	require.Equal(t, unreadsConcurrency, env.Srv.Calls("conversations.info"))
	require.Equal(t, u.Scanned, env.Srv.Calls("conversations.info"))
	require.Equal(t, unreadsConcurrency, env.Srv.Calls("conversations.history"), "one look after last_read per channel, which also brings its messages")
	require.Len(t, u.Messages, 3)
	require.False(t, u.BudgetCut)
	require.Equal(t, fmt.Sprintf("scanned %d of %d conversations with %d Slack calls; 3 with unread messages.", unreadsConcurrency, n, 1+2*unreadsConcurrency), u.Note)
}

func TestUnreadsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args Args
		want string
	}{
		{Args{"include_messages": "perhaps"}, "include_messages"},
		{Args{"mentions_only": 3}, "mentions_only"},
		{Args{"channel_types": "public_channel"}, "channel_types"},
		{Args{"channel_types": "dm,group_dm"}, "channel_types"},
		{Args{"max_channels": -1}, "max_channels"},
		{Args{"max_channels": "lots"}, "max_channels"},
		{Args{"max_channels": 1.5}, "max_channels"},
		{Args{"max_messages_per_channel": -5}, "max_messages_per_channel"},
		{Args{"max_messages_per_channel": "ten"}, "max_messages_per_channel"},
		{Args{"include_muted": "sometimes"}, "include_muted"},
		{Args{"include_muted": []any{true}}, "include_muted"},
	}
	env := newTestEnv(t, unreadsWorkspace(), testMeID)
	for _, tc := range tests {
		t.Run(strings.Join(argKeys(tc.args), ","), func(t *testing.T) {
			_, err := env.call(t, conversationsUnreads(), tc.args)
			requireInputError(t, err, tc.want)
		})
	}
	require.Zero(t, env.Srv.Calls("users.conversations"), "bad input costs no Slack call")
}

func TestUnreadsBotToken(t *testing.T) {
	t.Parallel()
	ws := unreadsWorkspace()
	ws.AddUser(slackemu.User{ID: "U0BOT1", Name: "bot", IsBot: true, BotID: "B0BOT1"})
	env := newTestEnvToken(t, ws, "xoxb-test-bot", slackemu.Token{UserID: "U0BOT1", Kind: slackemu.BotToken})
	_, err := env.call(t, conversationsUnreads(), Args{})
	requireInputError(t, err, "user token")
}

func TestUnreadsMissingScope(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, unreadsWorkspace(), testMeID, "channels:read", "channels:history")
	_, err := env.call(t, conversationsUnreads(), Args{})
	require.Error(t, err)
	var ie *InputError
	require.False(t, errors.As(err, &ie), "a Slack error is returned as is for the server to explain")
	require.Equal(t, "missing_scope", slackapi.SlackErrorCode(err))
}

func TestUnreadsRateLimited(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		infoCalls int // conversations.info calls Slack allows before answering 429 for a minute
		wantError bool
	}{
		{name: "partial result when some checks succeeded", infoCalls: 2},
		{name: "error when none did", infoCalls: 0, wantError: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := unreadsWorkspace()
			tok := "xoxp-test-ratelimit"
			ws.AddToken(tok, slackemu.Token{UserID: testMeID, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
			opts := slackemu.Options{}
			if tc.infoCalls > 0 {
				// Per method, as Slack counts: users.conversations (also Tier 3) gets its own window.
				opts = slackemu.Options{RateLimits: true, TierLimits: map[int]int{3: tc.infoCalls}}
			}
			srv := slackemu.NewServer(ws, opts)
			t.Cleanup(srv.Close)
			if tc.infoCalls == 0 {
				srv.FailNext("conversations.info", 1000, time.Minute)
			}
			f, err := slackapi.NewFactory(slackapi.Options{BaseURL: srv.URL})
			require.NoError(t, err)
			client, err := f.Connect(t.Context(), slackapi.Credentials{Token: tok})
			require.NoError(t, err)
			s := &Session{Client: client, Users: workspace.NewUsers(client, workspace.Options{}), Channels: workspace.NewChannels(client, workspace.Options{})}
			res, err := conversationsUnreads().Handler(t.Context(), &Deps{Provider: testSession{s}}, Args{"include_messages": false})
			if tc.wantError {
				require.Error(t, err)
				require.Equal(t, "ratelimited", slackapi.SlackErrorCode(err))
				return
			}
			require.NoError(t, err)
			u := unreadsOf(t, res)
			// Which checks got through is up to the scheduler; one of them
			// may have been a channel without unreads.
			require.NotEmpty(t, u.Channels)
			require.LessOrEqual(t, len(u.Channels), tc.infoCalls)
			require.Contains(t, u.Note, "rate limited")
			require.Contains(t, resultText(res), "note: ")
			for _, id := range unreadChannelIDs(u) {
				require.Contains(t, []string{"D0BOB1", "G0MPIM1", "C0PARTNER1", "C0GENERAL1", "C0ALERTS1", "C0TEAM1"}, id)
			}
		})
	}
}

func argKeys(a Args) []string {
	var out []string
	for k, v := range a {
		out = append(out, fmt.Sprintf("%s=%v", k, v))
	}
	return out
}
