package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

type fakeClock = testkit.Clock

func newClock() *fakeClock { return testkit.NewClock(time.Unix(1_763_800_000, 0)) }

// userToken is the token of user i of team.
func userToken(team string, i int) string {
	return fmt.Sprintf("xoxp-%s-%04d-secret", strings.ToLower(team), i)
}

func userID(i int) string { return fmt.Sprintf("U%04d", i) }

// newWorkspace builds team with n users, each with a user token, a
// public channel everyone is in and a private channel per user.
func newWorkspace(team string, n int) *slackemu.Workspace {
	ws := slackemu.NewWorkspace(slackemu.Team{ID: team, Name: "Team " + team, Domain: strings.ToLower(team)})
	all := make([]string, 0, n)
	for i := range n {
		ws.AddUser(slackemu.User{ID: userID(i), Name: fmt.Sprintf("user%d", i), RealName: fmt.Sprintf("User %d", i)})
		ws.AddToken(userToken(team, i), slackemu.Token{UserID: userID(i), Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
		all = append(all, userID(i))
	}
	ws.AddChannel(slackemu.Channel{ID: "C" + team + "GEN", Name: "general", Members: all})
	for i := range n {
		ws.AddChannel(slackemu.Channel{ID: fmt.Sprintf("G%sP%04d", team, i), Name: fmt.Sprintf("private-%d", i), IsPrivate: true, Members: []string{userID(i)}})
	}
	ws.AddMessage("C"+team+"GEN", slackemu.Message{User: userID(0), Text: "hello"})
	return ws
}

func newEmu(t testing.TB, ws *slackemu.Workspace, o slackemu.Options) *slackemu.Server {
	t.Helper()
	srv := slackemu.NewServer(ws, o)
	t.Cleanup(srv.Close)
	return srv
}

func newFactory(t testing.TB, base string, trusted ...string) *slackapi.Factory {
	t.Helper()
	f, err := slackapi.NewFactory(slackapi.Options{BaseURL: base, MaxRetries: -1, TrustedHosts: trusted})
	require.NoError(t, err)
	return f
}

// testOptions configure the provider, its validator and their caller
// resolver in one value, so a test changes any with one function.
type testOptions struct {
	MultiOptions
	caller.ValidatorOptions
	caller.Options
}

// testMulti is the provider under test with the Validator it takes its
// sessions from, so a test authenticates and asks for sessions through
// one value, as the server does through two.
type testMulti struct {
	*Multi
	v *caller.Validator
}

func (m testMulti) Authenticate(ctx context.Context, bearer string) (*tenant.Caller, error) {
	return m.v.Authenticate(ctx, bearer)
}

func (m testMulti) Identity(ctx context.Context) (slackapi.Identity, bool) { return m.v.Identity(ctx) }

func (m testMulti) Validated(bearer string) bool { return m.v.Validated(bearer) }

func newMultiFor(t testing.TB, f *slackapi.Factory, mod func(*testOptions)) (testMulti, *fakeClock) {
	t.Helper()
	clock := newClock()
	o := testOptions{
		MultiOptions:     MultiOptions{Factory: f, Logger: zerolog.Nop(), Now: clock.Now},
		ValidatorOptions: caller.ValidatorOptions{Factory: f, Logger: zerolog.Nop(), Now: clock.Now},
		Options:          caller.Options{AcceptSlackTokens: true, Now: clock.Now},
	}
	if mod != nil {
		mod(&o)
	}
	o.ValidatorOptions.Resolver = caller.New(o.Options)
	v := caller.NewValidator(o.ValidatorOptions)
	o.MultiOptions.Validator = v
	m := NewMulti(o.MultiOptions)
	t.Cleanup(m.Close)
	return testMulti{Multi: m, v: v}, clock
}

// withCaller authenticates tok and returns a context carrying its caller.
func withCaller(t testing.TB, m testMulti, tok string) context.Context {
	t.Helper()
	c, err := m.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	return tenant.With(context.Background(), c)
}

func TestMultiSteadyStateCostsNoAuthTest(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	m, clock := newMultiFor(t, newFactory(t, emu.URL), nil)
	tok := userToken("T1", 0)
	for range 1000 {
		c, err := m.Authenticate(context.Background(), tok)
		require.NoError(t, err)
		require.Equal(t, tenant.KeyOf(tok), c.Key)
		require.Equal(t, tok, c.Bearer)
		s, err := m.Session(tenant.With(context.Background(), c))
		require.NoError(t, err)
		require.NotNil(t, s.Client)
		clock.Advance(time.Millisecond)
	}
	assert.Equal(t, 1, emu.Calls("auth.test"))
	id, ok := m.Identity(withCaller(t, m, tok))
	require.True(t, ok)
	assert.Equal(t, "T1", id.TeamID)
	assert.Equal(t, userID(0), id.UserID)
	_, ok = m.Identity(context.Background())
	assert.False(t, ok)

	// Past ValidationTTL the token is checked again, once, and keeps its session.
	ctx := withCaller(t, m, tok)
	before, err := m.Session(ctx)
	require.NoError(t, err)
	clock.Advance(caller.DefaultValidationTTL)
	after, err := m.Session(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, emu.Calls("auth.test"))
	assert.Same(t, before, after)
	_, err = m.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	assert.Equal(t, 2, emu.Calls("auth.test"))
}

func TestMultiConcurrentFirstUseSharesOneAuthTest(t *testing.T) {
	t.Parallel()
	ws := newWorkspace("T1", 1)
	release := make(chan struct{})
	emu := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(emu.Close)
	arrived := make(chan struct{})
	var held sync.Once
	// A front that holds the first auth.test until the test releases it.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/auth.test") {
			held.Do(func() { close(arrived); <-release })
		}
		emu.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	m, _ := newMultiFor(t, newFactory(t, front.URL), nil)

	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := m.Authenticate(context.Background(), userToken("T1", 0))
			errs <- err
		})
	}
	<-arrived // the first validation is in flight; callers pile up on it
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, emu.Calls("auth.test"))
}

// fakePATs resolves PATs from a table; each entry of errs fails once.
type fakePATs struct {
	mu    sync.Mutex
	creds map[string]slackapi.Credentials
	errs  map[string]error
	calls int
}

func (f *fakePATs) ResolvePAT(_ context.Context, tok string) (slackapi.Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err, ok := f.errs[tok]; ok {
		delete(f.errs, tok) // one failure each; refusals are cached by Multi
		return slackapi.Credentials{}, err
	}
	if c, ok := f.creds[tok]; ok {
		return c, nil
	}
	return slackapi.Credentials{}, fmt.Errorf("unknown personal access token: %w", authn.ErrInvalidToken)
}

func TestMultiAuthenticate(t *testing.T) {
	t.Parallel()
	const (
		pat        = "smcp_valid-personal-token"
		patRevoked = "smcp_revoked-personal-token"
		patUnknown = "smcp_unknown-personal-token"
		patOutage  = "smcp_store-down-token"
		patDead    = "smcp_points-at-dead-slack-token"
	)
	for _, tc := range []struct {
		name       string
		token      string
		noSlack    bool // AcceptSlackTokens=false
		noPATs     bool
		inject     string // Slack error auth.test answers once
		want       error  // nil = accepted; else the sentinel, or errOutage
		authTests  int    // after two attempts
		resolves   int    // PAT lookups after two attempts (every request asks the store)
		deletedUsr bool
	}{
		{name: "user token", token: userToken("T1", 0), authTests: 1},
		{name: "bot token", token: "xoxb-t1-bot-secret", authTests: 1},
		{name: "slack tokens refused", token: userToken("T1", 0), noSlack: true, want: authn.ErrInvalidToken},
		{name: "unknown slack token", token: "xoxp-not-known-anywhere", want: authn.ErrInvalidToken, authTests: 1},
		{name: "revoked slack token", token: userToken("T1", 0), inject: "token_revoked", want: authn.ErrRevokedToken, authTests: 1},
		{name: "deactivated account", token: userToken("T1", 1), deletedUsr: true, want: authn.ErrRevokedToken, authTests: 1},
		{name: "slack outage is not cached", token: userToken("T1", 0), inject: "internal_error", want: errOutage, authTests: 2},
		{name: "session token", token: "xoxc-1-2-3", want: authn.ErrInvalidToken},
		{name: "garbage", token: "hello", want: authn.ErrInvalidToken},
		{name: "oversized", token: "xoxp-" + strings.Repeat("a", authn.MaxTokenBytes), want: authn.ErrInvalidToken},
		{name: "empty", token: "  ", want: authn.ErrMissingToken},
		{name: "pat", token: pat, authTests: 1, resolves: 2},
		{name: "pat with slack tokens refused", token: pat, noSlack: true, authTests: 1, resolves: 2},
		{name: "pat unknown", token: patUnknown, want: authn.ErrInvalidToken, resolves: 1},
		{name: "pat revoked", token: patRevoked, want: authn.ErrRevokedToken, resolves: 1},
		{name: "pat store outage is not cached", token: patOutage, want: errOutage, authTests: 1, resolves: 2},
		{name: "pat of a revoked slack token", token: patDead, want: authn.ErrInvalidToken, authTests: 1, resolves: 1},
		{name: "pats disabled", token: pat, noPATs: true, want: authn.ErrInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := newWorkspace("T1", 2)
			ws.AddUser(slackemu.User{ID: "UBOT", Name: "bot", IsBot: true, BotID: "B1"})
			ws.AddToken("xoxb-t1-bot-secret", slackemu.Token{UserID: "UBOT", Kind: slackemu.BotToken, Scopes: slackemu.BotScopes()})
			if tc.deletedUsr {
				ws.AddUser(slackemu.User{ID: userID(1), Name: "user1", Deleted: true})
			}
			emu := newEmu(t, ws, slackemu.Options{})
			if tc.inject != "" {
				emu.FailNextWith("auth.test", tc.inject, 1)
			}
			pats := &fakePATs{
				creds: map[string]slackapi.Credentials{
					pat: {Token: userToken("T1", 1)}, patOutage: {Token: userToken("T1", 1)}, patDead: {Token: "xoxp-revoked-long-ago"},
				},
				errs: map[string]error{
					patRevoked: fmt.Errorf("installation disconnected: %w", authn.ErrRevokedToken),
					patOutage:  errors.New("database is locked"),
				},
			}
			m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) {
				o.AcceptSlackTokens = !tc.noSlack
				if !tc.noPATs {
					o.PATs = pats
				}
			})
			for attempt := range 2 {
				c, err := m.Authenticate(context.Background(), tc.token)
				switch {
				case tc.want == nil || (tc.want == errOutage && attempt == 1):
					require.NoError(t, err, "attempt %d", attempt)
					require.NotNil(t, c)
				case tc.want == errOutage:
					require.Error(t, err)
					assert.False(t, errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken), "an outage is not a refusal: %v", err)
				default:
					require.ErrorIs(t, err, tc.want, "attempt %d", attempt)
					assert.Nil(t, c)
				}
				if err != nil {
					assert.NotContains(t, err.Error(), tc.token, "errors never carry the token")
				}
			}
			assert.Equal(t, tc.authTests, emu.Calls("auth.test"), "auth.test calls")
			assert.Equal(t, tc.resolves, pats.calls, "PAT lookups")
		})
	}
}

// errOutage marks table rows whose first attempt fails with a non-refusal.
var errOutage = errors.New("outage")

func TestMultiNegativeCacheExpires(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 1), slackemu.Options{})
	m, clock := newMultiFor(t, newFactory(t, emu.URL), nil)
	for range 500 {
		_, err := m.Authenticate(context.Background(), "xoxp-flood-of-bad-tokens")
		require.ErrorIs(t, err, authn.ErrInvalidToken)
	}
	assert.Equal(t, 1, emu.Calls("auth.test"))
	assert.Equal(t, 1, m.Stats()["refused_tokens"])
	clock.Advance(caller.DefaultNegativeTTL)
	_, err := m.Authenticate(context.Background(), "xoxp-flood-of-bad-tokens")
	require.ErrorIs(t, err, authn.ErrInvalidToken)
	assert.Equal(t, 2, emu.Calls("auth.test"))
}

func TestMultiNegativeCacheIsBounded(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 1), slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) { o.MaxRefusals = 20 })
	for i := range 200 {
		_, err := m.Authenticate(context.Background(), fmt.Sprintf("xoxp-bad-%d", i))
		require.ErrorIs(t, err, authn.ErrInvalidToken)
	}
	assert.LessOrEqual(t, m.Stats()["refused_tokens"].(int), 20)
}

func TestMultiInvalidateForcesRevalidation(t *testing.T) {
	t.Parallel()
	ws := newWorkspace("T1", 1)
	emu := newEmu(t, ws, slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	tok := userToken("T1", 0)
	ctx := withCaller(t, m, tok)
	first, err := m.Session(ctx)
	require.NoError(t, err)

	m.Invalidate(ctx)
	assert.Equal(t, 0, m.Stats()["sessions"])
	second, err := m.Session(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, emu.Calls("auth.test"))
	assert.NotSame(t, first, second)

	// Revoked at Slack: the next validation refuses it.
	m.Invalidate(ctx)
	emu.FailNextWith("auth.test", "token_revoked", 1)
	_, err = m.Session(ctx)
	require.ErrorIs(t, err, authn.ErrRevokedToken)
	assert.True(t, slackapi.IsAuthFailure(err), "the Slack error stays visible to the server's error table")
	_, err = m.Authenticate(context.Background(), tok)
	require.ErrorIs(t, err, authn.ErrRevokedToken, "negative-cached")
	assert.Equal(t, 3, emu.Calls("auth.test"))

	m.Invalidate(context.Background()) // no caller: nothing happens
}
