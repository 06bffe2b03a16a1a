package workspace

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

const testToken = "xoxp-test"

// fakeClock is the injected clock of a test.
type fakeClock = testkit.Clock

func newClock() *fakeClock { return testkit.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// env is one emulated workspace and a slack-go client pointed at it,
// through a proxy that records request parameters and can hold back a
// method until released.
type env struct {
	ws    *slackemu.Workspace
	emu   *slackemu.Server
	api   *slack.Client
	clock *fakeClock

	mu     sync.Mutex
	params map[string][]url.Values // method -> parameters of each call
	gates  map[string]chan struct{}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ws := slackemu.NewWorkspace(slackemu.Team{ID: "T1", Name: "Acme", Domain: "acme"})
	for _, u := range []slackemu.User{
		{ID: "U0", Name: "me", RealName: "Me Myself", Email: "me@acme.test"},
		{ID: "U1", Name: "jsmith", RealName: "John Smith", DisplayName: "Johnny", Email: "john.smith@acme.test", Title: "Engineer", TZ: "Europe/Paris"},
		{ID: "U2", Name: "jsmith.old", RealName: "John Smith", Email: "old.john@acme.test", Deleted: true},
		{ID: "U3", Name: "ana", RealName: "Ana López", DisplayName: "ana.l", Email: "ana@acme.test", IsRestricted: true},
		{ID: "U4", Name: "bob", RealName: "Bob Smithers", Email: "bob@acme.test"},
		{ID: "U5", Name: "ghost", RealName: "Casper Ghost", Deleted: true},
		{ID: "U6", Name: "deploybot", RealName: "Deploy Bot", IsBot: true, BotID: "B6"},
		{ID: "U7", Name: "dora", RealName: "Dora Explorer"},
	} {
		ws.AddUser(u)
	}
	for _, c := range []slackemu.Channel{
		{ID: "C1", Name: "general", Topic: "Company news", Purpose: "Everyone", Members: []string{"U0", "U1", "U3"}, Created: 1700000000},
		{ID: "C2", Name: "secret-plans", IsPrivate: true, Members: []string{"U0", "U1"}},
		{ID: "C3", Name: "old-stuff", IsArchived: true, Members: []string{"U0"}},
		{ID: "C4", Name: "partners", IsExtShared: true, Members: []string{"U0", "U4"}},
		{ID: "D1", IsIM: true, User: "U1", Members: []string{"U0", "U1"}},
		{ID: "G1", IsMPIM: true, Members: []string{"U0", "U1", "U3"}},
	} {
		ws.AddChannel(c)
	}
	ws.AddToken(testToken, slackemu.Token{UserID: "U0", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	return wrapEnv(t, ws, testToken)
}

func wrapEnv(t testing.TB, ws *slackemu.Workspace, token string) *env {
	emu := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(emu.Close)
	e := &env{ws: ws, emu: emu, clock: newClock(), params: map[string][]url.Values{}, gates: map[string]chan struct{}{}}
	proxy := httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(proxy.Close)
	e.api = slack.New(token, slack.OptionAPIURL(proxy.URL+"/api/"))
	return e
}

func (e *env) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	body, _ := io.ReadAll(r.Body)
	vals, _ := url.ParseQuery(string(body))
	e.mu.Lock()
	e.params[method] = append(e.params[method], vals)
	gate := e.gates[method]
	e.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	e.emu.Handler().ServeHTTP(w, r)
}

// hold makes calls of method wait until the returned func (or the end of
// the test) releases them.
func (e *env) hold(t testing.TB, method string) (release func()) {
	ch := make(chan struct{})
	e.mu.Lock()
	e.gates[method] = ch
	e.mu.Unlock()
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	t.Cleanup(release)
	return release
}

// sent returns the parameters of every call of method so far.
func (e *env) sent(method string) []url.Values {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]url.Values(nil), e.params[method]...)
}

func (e *env) calls(method string) int { return e.emu.Calls(method) }

func (e *env) totalCalls() int {
	n := 0
	for _, c := range e.emu.CallCounts() {
		n += c
	}
	return n
}

func (e *env) opts() Options {
	return Options{Now: e.clock.Now, Logger: zerolog.Nop()}
}

// eventually is require.Eventually with the bounds every test uses.
const (
	waitFor = 5 * time.Second
	tick    = time.Millisecond
)
