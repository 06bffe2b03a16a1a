package provider

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// Tokens of the visibility workspace besides the full-scope user tokens of
// newWorkspace.
const (
	tokGuest   = "xoxp-t1-guest-secret"
	tokChat    = "xoxp-t1-chat-only-secret" // user 1, chat:write only
	tokBot     = "xoxb-t1-bot-secret"       // bot scopes: users:read, no email
	tokNoScope = "xoxp-t1-unknown-scopes"   // auth.test sends no X-OAuth-Scopes
	guestID    = "UGUEST"
)

// visibilityWorkspace is newWorkspace("T1", 3) with emails, a guest who
// shares a channel with user 0 only, a bot, and low-scope tokens.
func visibilityWorkspace() *slackemu.Workspace {
	ws := newWorkspace("T1", 0)
	all := []string{}
	for i := range 3 {
		ws.AddUser(slackemu.User{ID: userID(i), Name: "user" + string(rune('0'+i)), Email: "user" + string(rune('0'+i)) + "@t1.test"})
		ws.AddToken(userToken("T1", i), slackemu.Token{UserID: userID(i), Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
		all = append(all, userID(i))
	}
	ws.AddChannel(slackemu.Channel{ID: "CT1ALL", Name: "all", Members: all})
	ws.AddUser(slackemu.User{ID: guestID, Name: "guest", Email: "guest@t1.test", IsRestricted: true})
	ws.AddChannel(slackemu.Channel{ID: "CT1GUESTS", Name: "guests", Members: []string{userID(0), guestID}})
	ws.AddToken(tokGuest, slackemu.Token{UserID: guestID, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	ws.AddToken(tokChat, slackemu.Token{UserID: userID(1), Kind: slackemu.UserToken, Scopes: []string{"chat:write"}})
	ws.AddUser(slackemu.User{ID: "UBOT", Name: "bot", IsBot: true, BotID: "BBOT"})
	ws.AddToken(tokBot, slackemu.Token{UserID: "UBOT", Kind: slackemu.BotToken, Scopes: slackemu.BotScopes()})
	ws.AddToken(tokNoScope, slackemu.Token{UserID: userID(2), Kind: slackemu.UserToken})
	return ws
}

// sweepLog records which token made each users.list call.
type sweepLog struct {
	mu     sync.Mutex
	tokens []string
}

func (l *sweepLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.tokens)
}

// recordingFront serves emu and logs the token of every users.list.
func recordingFront(t *testing.T, emu *slackemu.Server) (string, *sweepLog) {
	t.Helper()
	log := &sweepLog{}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/users.list") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			form, _ := url.ParseQuery(string(body))
			tok := form.Get("token") + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			log.mu.Lock()
			log.tokens = append(log.tokens, tok)
			log.mu.Unlock()
		}
		emu.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL, log
}

func sessionOf(t *testing.T, m testMulti, tok string) *tools.Session {
	t.Helper()
	s, err := m.Session(withCaller(t, m, tok))
	require.NoError(t, err)
	return s
}

func ids(users []workspace.User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.ID)
	}
	slices.Sort(out)
	return out
}

func neededScope(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "missing_scope" {
		return se.Needed
	}
	return ""
}

// The attack of finding 1: once a full-scope member warmed the shared
// directory, a chat:write-only token, a bot token without
// users:read.email, a guest and a token whose scopes are unknown each read
// it. Each must see exactly what its own token could read from Slack.
func TestMultiUsersDirectoryFollowsCallerPermissions(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, visibilityWorkspace(), slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	member := sessionOf(t, m, userToken("T1", 0))
	require.Eventually(t, member.Users.Ready, 5*time.Second, 5*time.Millisecond)
	everyone := []string{"U0000", "U0001", "U0002", "UBOT", guestID}
	require.Equal(t, everyone, ids(member.Users.All()))
	u, ok := member.Users.Cached("U0001")
	require.True(t, ok)
	require.Equal(t, "user1@t1.test", u.Email, "the shared directory holds emails")

	for _, tc := range []struct {
		name, token string
		people      []string
		emails      bool
		scope       string // missing_scope users_search's lookup answers
	}{
		{"chat:write only", tokChat, nil, false, "users:read"},
		{"bot without users:read.email", tokBot, everyone, false, ""},
		{"guest", tokGuest, []string{"U0000", guestID}, true, ""},
		{"unknown scopes", tokNoScope, nil, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sessionOf(t, m, tc.token)
			assert.NotSame(t, member.Users, s.Users)
			if tc.token == tokGuest {
				require.Eventually(t, s.Users.Ready, 5*time.Second, 5*time.Millisecond)
			}
			assert.Equal(t, tc.people, nilIfEmpty(ids(s.Users.All())))
			for _, u := range s.Users.All() {
				assert.Equal(t, tc.emails, u.Email != "", "email of %s", u.ID)
			}
			assert.Empty(t, s.Users.Search("user1@t1", 5), "no one found by a hidden email")
			_, found := s.Users.Cached("U0002")
			assert.Equal(t, slices.Contains(tc.people, "U0002"), found)
			got := s.Users.GetMany(t.Context(), []string{"U0001"})
			assert.Equal(t, tc.emails && slices.Contains(tc.people, "U0001"), got["U0001"].Email != "")
			if tc.scope != "" {
				_, err := s.Users.Find(t.Context(), "user1")
				assert.Equal(t, tc.scope, neededScope(err))
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Sweeps of the shared directory run only with a member's token that has
// users:read, preferring one with users:read.email; never a guest's, a
// low-scope one's or one whose scopes are unknown.
func TestMultiSharedSweepNeverUsesAnUnfitToken(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, visibilityWorkspace(), slackemu.Options{})
	base, log := recordingFront(t, emu)
	m, _ := newMultiFor(t, newFactory(t, base), nil)

	guest := sessionOf(t, m, tokGuest)
	sessionOf(t, m, tokChat)
	sessionOf(t, m, tokNoScope)
	require.Eventually(t, guest.Users.Ready, 5*time.Second, 5*time.Millisecond)
	m.mu.Lock()
	ws := m.workspaces["/T1"]
	m.mu.Unlock()
	require.NotNil(t, ws)
	assert.False(t, ws.users.Ready(), "no member may sweep the shared directory")
	_, err := usersAPI{ws.shared}.SweepClient()
	require.ErrorIs(t, err, errNoSweeper)
	for _, tok := range log.all() {
		assert.Contains(t, []string{tokGuest, tokNoScope}, tok, "only private directories swept, each with its own token")
	}

	bot := sessionOf(t, m, tokBot)
	member := sessionOf(t, m, userToken("T1", 1))
	cl, err := usersAPI{ws.shared}.SweepClient()
	require.NoError(t, err)
	assert.Equal(t, "U0001", cl.(*slackapi.Client).Identity.UserID, "the token with users:read.email is preferred")
	require.Eventually(t, bot.Users.Ready, 5*time.Second, 5*time.Millisecond)
	require.Eventually(t, member.Users.Ready, 5*time.Second, 5*time.Millisecond)
	for _, tok := range log.all() {
		assert.NotContains(t, []string{tokChat}, tok)
	}
	shared := 0
	for _, tok := range log.all() {
		if tok == tokBot || tok == userToken("T1", 1) {
			shared++
		}
	}
	assert.Equal(t, 1, shared, "one sweep of the shared directory")
}

// Tokens of one user share the channels directory only when their scopes
// match: a chat:write-only token does not list what a full token reads.
func TestMultiChannelsDirectorySplitByScopes(t *testing.T) {
	t.Parallel()
	ws := visibilityWorkspace()
	ws.AddToken("xoxp-t1-user1-second", slackemu.Token{UserID: userID(1), Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	emu := newEmu(t, ws, slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	full := sessionOf(t, m, userToken("T1", 1))
	second := sessionOf(t, m, "xoxp-t1-user1-second")
	chat := sessionOf(t, m, tokChat)
	assert.Same(t, full.Channels, second.Channels)
	assert.NotSame(t, full.Channels, chat.Channels)
	require.Eventually(t, full.Channels.Ready, 5*time.Second, 5*time.Millisecond)
	assert.NotEmpty(t, full.Channels.All())
	assert.Empty(t, chat.Channels.All(), "conversations.list answers missing_scope to this token")
}

// A member whose guest status cannot be established (users.info failed
// while the shared directory was cold) is not trusted with the shared
// directory: it gets a private one. The guest check costs no call once
// the shared directory knows the caller.
func TestMultiUnknownGuestStatusIsNotTrusted(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, visibilityWorkspace(), slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	emu.FailNextWith("users.info", "fatal_error", 1)
	doubtful := sessionOf(t, m, userToken("T1", 2))
	member := sessionOf(t, m, userToken("T1", 0))
	m.mu.Lock()
	shared := m.workspaces["/T1"].users
	m.mu.Unlock()
	assert.Same(t, shared, member.Users)
	assert.NotSame(t, shared, doubtful.Users)
	require.Eventually(t, shared.Ready, 5*time.Second, 5*time.Millisecond)

	before := emu.Calls("users.info")
	again := sessionOf(t, m, userToken("T1", 1))
	assert.Same(t, shared, again.Users)
	assert.Equal(t, before, emu.Calls("users.info"), "the warm directory answered the guest check")
}
