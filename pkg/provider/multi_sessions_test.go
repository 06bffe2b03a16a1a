package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// TestMultiRoutesToWorkspaceURL: two workspaces on two emulators. auth.test
// is answered by a front (like slack.com) that names each workspace's own
// emulator as its URL; every later call of a tenant lands there.
func TestMultiRoutesToWorkspaceURL(t *testing.T) {
	t.Parallel()
	wsA, wsB := newWorkspace("TA", 3), newWorkspace("TB", 3)
	apiA, apiB := newEmu(t, wsA, slackemu.Options{}), newEmu(t, wsB, slackemu.Options{})
	loginA := newEmu(t, wsA, slackemu.Options{WorkspaceURL: apiA.URL + "/"})
	loginB := newEmu(t, wsB, slackemu.Options{WorkspaceURL: apiB.URL + "/"})
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		tok := form.Get("token") + r.Header.Get("Authorization")
		if strings.Contains(tok, "-ta-") {
			loginA.Handler().ServeHTTP(w, r)
			return
		}
		loginB.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	m, _ := newMultiFor(t, newFactory(t, front.URL, hostOf(t, apiA.URL), hostOf(t, apiB.URL)), nil)

	for _, tc := range []struct {
		tok         string
		want, other *slackemu.Server
		login       *slackemu.Server
		channel     string
	}{
		{userToken("TA", 0), apiA, apiB, loginA, "CTAGEN"},
		{userToken("TB", 1), apiB, apiA, loginB, "CTBGEN"},
	} {
		ctx := withCaller(t, m, tc.tok)
		s, err := m.Session(ctx)
		require.NoError(t, err)
		assert.Equal(t, tc.want.URL+"/api/", s.Client.APIURL())
		before := tc.other.Calls("conversations.history")
		_, err = s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: tc.channel})
		require.NoError(t, err)
		assert.Equal(t, 1, tc.want.Calls("conversations.history"))
		assert.Equal(t, before, tc.other.Calls("conversations.history"))
		assert.Equal(t, 1, tc.login.Calls("auth.test"))
		require.Eventually(t, func() bool { return s.Users.Ready() && s.Channels.Ready() }, 5*time.Second, 5*time.Millisecond)
	}
	for _, login := range []*slackemu.Server{loginA, loginB} {
		counts := login.CallCounts()
		delete(counts, "auth.test")
		assert.Empty(t, counts, "only auth.test goes to the login host")
	}
	for _, api := range []*slackemu.Server{apiA, apiB} {
		assert.Equal(t, 1, api.Calls("users.list"))
		assert.Equal(t, 1, api.Calls("conversations.list"))
		assert.Zero(t, api.Calls("auth.test"))
	}
	assert.Equal(t, 2, m.Stats()["workspaces"])
}

func hostOf(t testing.TB, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.Host
}

func TestMultiUsersDirectorySharedPerWorkspace(t *testing.T) {
	t.Parallel()
	const n = 50
	emu := newEmu(t, newWorkspace("T1", n), slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	var sessions []*tools.Session
	for i := range n {
		s, err := m.Session(withCaller(t, m, userToken("T1", i)))
		require.NoError(t, err)
		sessions = append(sessions, s)
	}
	require.Eventually(t, func() bool {
		for _, s := range sessions {
			if !s.Users.Ready() || !s.Channels.Ready() {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond)
	for _, s := range sessions[1:] {
		assert.Same(t, sessions[0].Users, s.Users)
		assert.NotSame(t, sessions[0].Channels, s.Channels)
	}
	assert.Equal(t, 1, emu.Calls("users.list"), "one sweep for the whole workspace")
	assert.Equal(t, n, emu.Calls("conversations.list"), "one sweep per user")
	assert.Equal(t, n, emu.Calls("auth.test"))
	assert.Equal(t, n, sessions[0].Users.Len())
	st := m.Stats()
	assert.Equal(t, 1, st["workspaces"])
	assert.Equal(t, n, st["channel_directories"])
	assert.Equal(t, n, st["sessions"])
}

func TestMultiChannelsPerUser(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	for _, tc := range []struct {
		user      int
		see, hide string
	}{
		{0, "GT1P0000", "GT1P0001"},
		{1, "GT1P0001", "GT1P0000"},
	} {
		s, err := m.Session(withCaller(t, m, userToken("T1", tc.user)))
		require.NoError(t, err)
		require.Eventually(t, s.Channels.Ready, 5*time.Second, 5*time.Millisecond)
		var ids []string
		for _, ch := range s.Channels.All() {
			ids = append(ids, ch.ID)
		}
		assert.Contains(t, ids, "CT1GEN")
		assert.Contains(t, ids, tc.see)
		assert.NotContains(t, ids, tc.hide, "user %d must not see another user's private channel", tc.user)
	}
}

// Two tokens of one Slack user share the user's channels directory.
func TestMultiChannelsSharedBetweenTokensOfOneUser(t *testing.T) {
	t.Parallel()
	ws := newWorkspace("T1", 1)
	ws.AddToken("xoxp-second-token-of-user0", slackemu.Token{UserID: userID(0), Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	emu := newEmu(t, ws, slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	a, err := m.Session(withCaller(t, m, userToken("T1", 0)))
	require.NoError(t, err)
	b, err := m.Session(withCaller(t, m, "xoxp-second-token-of-user0"))
	require.NoError(t, err)
	assert.Same(t, a.Channels, b.Channels)
	assert.NotSame(t, a.Client, b.Client)
}

func TestMultiEviction(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 4), slackemu.Options{})
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, m testMulti, clock *fakeClock, ctxs []context.Context)
		want map[string]int
		// revalidated are the tokens whose next use costs an auth.test.
		revalidated []int
	}{
		{
			name: "lru bound",
			run:  func(*testing.T, testMulti, *fakeClock, []context.Context) {},
			want: map[string]int{"sessions": 3, "validated_tokens": 3, "workspaces": 1, "channel_directories": 3},
			// Token 0 was used least recently.
			revalidated: []int{0},
		},
		{
			name: "idle",
			run: func(t *testing.T, m testMulti, clock *fakeClock, ctxs []context.Context) {
				clock.Advance(caller.DefaultIdleTTL - time.Minute)
				_, err := m.Session(ctxs[3]) // keeps token 3 alive
				require.NoError(t, err)
				clock.Advance(time.Minute)
				m.Sweep()
			},
			want:        map[string]int{"sessions": 1, "validated_tokens": 1, "workspaces": 1, "channel_directories": 1},
			revalidated: []int{0, 1, 2},
		},
		{
			name: "all idle",
			run: func(_ *testing.T, m testMulti, clock *fakeClock, _ []context.Context) {
				clock.Advance(caller.DefaultIdleTTL)
				m.Sweep()
			},
			want:        map[string]int{"sessions": 0, "validated_tokens": 0, "workspaces": 0, "channel_directories": 0},
			revalidated: []int{0, 1, 2, 3},
		},
		{
			name: "lazy on access",
			run: func(t *testing.T, m testMulti, clock *fakeClock, ctxs []context.Context) {
				clock.Advance(caller.DefaultIdleTTL)
				_, err := m.Session(ctxs[3]) // revalidates 3, drops the others on the way
				require.NoError(t, err)
			},
			want:        map[string]int{"sessions": 1, "validated_tokens": 1, "workspaces": 1, "channel_directories": 1},
			revalidated: []int{0, 1, 2},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, clock := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) { o.MaxValidations = 3 })
			var ctxs []context.Context
			for i := range 4 { // with MaxValidations 3, token 0 (least recently used) goes
				ctx := withCaller(t, m, userToken("T1", i))
				_, err := m.Session(ctx)
				require.NoError(t, err)
				ctxs = append(ctxs, ctx)
				clock.Advance(time.Second)
			}
			tc.run(t, m, clock, ctxs)
			st := m.Stats()
			for k, v := range tc.want {
				assert.Equal(t, v, st[k], k)
			}
			for i := range 4 {
				m.mu.Lock()
				_, kept := m.entries[tenant.KeyOf(userToken("T1", i))]
				m.mu.Unlock()
				assert.Equal(t, !contains(tc.revalidated, i), kept, "token %d", i)
			}
		})
	}
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// A dropped directory stops refreshing: advancing past its TTL after
// eviction costs no sweep.
func TestMultiEvictedDirectoryStopsRefreshing(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 1), slackemu.Options{})
	m, clock := newMultiFor(t, newFactory(t, emu.URL), nil)
	s, err := m.Session(withCaller(t, m, userToken("T1", 0)))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return s.Users.Ready() && s.Channels.Ready() }, 5*time.Second, 5*time.Millisecond)
	clock.Advance(caller.DefaultIdleTTL)
	m.Sweep()
	clock.Advance(2 * time.Hour)
	_ = s.Users.All() // a stale read would kick a sweep if the refresher still ran
	_ = s.Channels.All()
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, 1, emu.Calls("users.list"))
	assert.Equal(t, 1, emu.Calls("conversations.list"))
}

func TestMultiSessionWithoutCaller(t *testing.T) {
	t.Parallel()
	m := NewMulti(MultiOptions{})
	_, err := m.Session(context.Background())
	require.Error(t, err)
}

// TestServerInvalidatesOnAuthFailure: a tool call answered invalid_auth
// evicts the caller, so the next request validates the token again.
func TestServerInvalidatesOnAuthFailure(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 1), slackemu.Options{})
	m, _ := newMultiFor(t, newFactory(t, emu.URL), nil)
	srv, err := server.New(server.Options{Provider: m, Logger: zerolog.Nop()})
	require.NoError(t, err)
	tok := userToken("T1", 0)
	ctx := withCaller(t, m, tok)

	call := func() *mcp.CallToolResult {
		msg := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"conversations_history","arguments":{"channel_id":"CT1GEN","limit":"10"}}}`
		out := srv.MCP.HandleMessage(ctx, json.RawMessage(msg))
		raw, err := json.Marshal(out)
		require.NoError(t, err)
		var resp struct {
			Result mcp.CallToolResult `json:"result"`
		}
		require.NoError(t, json.Unmarshal(raw, &resp), string(raw))
		return &resp.Result
	}
	require.False(t, call().IsError)
	assert.Equal(t, 1, emu.Calls("auth.test"))

	emu.FailNextWith("conversations.history", "invalid_auth", 1)
	res := call()
	require.True(t, res.IsError)
	assert.Equal(t, 0, m.Stats()["validated_tokens"], "the caller was evicted")

	require.False(t, call().IsError)
	assert.Equal(t, 2, emu.Calls("auth.test"), "validated again")
}

// BenchmarkIdleTenantMemory measures the heap and stack an idle tenant
// holds: 1,000 users of one workspace, each with a session whose
// directories have warmed (the shared users directory included, amortised).
func BenchmarkIdleTenantMemory(b *testing.B) {
	const tenants = 1000
	ws := newWorkspace("T1", tenants)
	emu := newEmu(b, ws, slackemu.Options{})
	f := newFactory(b, emu.URL)
	tokens := make([]string, tenants)
	for i := range tokens {
		tokens[i] = userToken("T1", i)
	}
	var perTenant float64
	for b.Loop() {
		v := caller.NewValidator(caller.ValidatorOptions{Factory: f, Resolver: caller.New(caller.Options{AcceptSlackTokens: true}), Logger: zerolog.Nop()})
		m := testMulti{Multi: NewMulti(MultiOptions{Factory: f, Validator: v, Logger: zerolog.Nop()}), v: v}
		base := memInUse()
		sessions := make([]*tools.Session, 0, tenants)
		for _, tok := range tokens {
			c, err := m.Authenticate(context.Background(), tok)
			if err != nil {
				b.Fatal(err)
			}
			s, err := m.Session(tenant.With(context.Background(), c))
			if err != nil {
				b.Fatal(err)
			}
			sessions = append(sessions, s)
		}
		for _, s := range sessions {
			for !s.Channels.Ready() || !s.Users.Ready() {
				time.Sleep(time.Millisecond)
			}
		}
		sessions = nil
		perTenant = float64(memInUse()-base) / tenants
		runtime.KeepAlive(m)
		m.Close()
	}
	b.ReportMetric(perTenant, "bytes/tenant")
	b.ReportMetric(0, "ns/op")
}

// memInUse is the live heap plus goroutine stacks after a collection.
func memInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc) + int64(ms.StackInuse)
}

// TestMultiConcurrentMixedUse runs validation, sessions, invalidation,
// eviction and directory lookups at once (for -race and deadlocks).
func TestMultiConcurrentMixedUse(t *testing.T) {
	t.Parallel()
	const users = 8
	emu := newEmu(t, newWorkspace("T1", users), slackemu.Options{})
	m, clock := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) { o.MaxValidations = users / 2 })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 40 {
				tok := userToken("T1", (g+i)%users)
				c, err := m.Authenticate(context.Background(), tok)
				if err != nil {
					t.Error(err)
					return
				}
				cctx := tenant.With(context.Background(), c)
				if s, err := m.Session(cctx); err == nil {
					_, _ = s.Users.Get(cctx, userID(i%users))
					_ = s.Channels.All()
				}
				switch i % 10 {
				case 3:
					m.Invalidate(cctx)
				case 7:
					clock.Advance(time.Minute)
					m.Sweep()
				}
				_ = m.Stats()
			}
		})
	}
	wg.Wait()
	cancel()
	<-done
	assert.Equal(t, 0, m.Stats()["sessions"], "Run closes the provider when its context ends")
}

// A revoked personal access token is refused at once, even while its
// auth.test answer is cached; a refreshed Slack token replaces the client.
func TestMultiRechecksPATsOnEveryRequest(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	pats := &fakePATs{creds: map[string]slackapi.Credentials{"smcp_live": {Token: userToken("T1", 0)}}, errs: map[string]error{}}
	m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) { o.PATs = pats })
	ctx := withCaller(t, m, "smcp_live")
	s1, err := m.Session(ctx)
	require.NoError(t, err)

	_, err = m.Authenticate(context.Background(), "smcp_live")
	require.NoError(t, err)
	require.Equal(t, 1, emu.Calls("auth.test"), "the store is asked again, Slack is not")

	pats.mu.Lock()
	pats.creds["smcp_live"] = slackapi.Credentials{Token: userToken("T1", 1)}
	pats.mu.Unlock()
	_, err = m.Authenticate(context.Background(), "smcp_live")
	require.NoError(t, err)
	s2, err := m.Session(ctx)
	require.NoError(t, err)
	require.NotSame(t, s1, s2, "a refreshed Slack token gets a new client")

	pats.mu.Lock()
	delete(pats.creds, "smcp_live")
	pats.errs["smcp_live"] = fmt.Errorf("revoked: %w", authn.ErrRevokedToken)
	pats.mu.Unlock()
	_, err = m.Authenticate(context.Background(), "smcp_live")
	require.ErrorIs(t, err, authn.ErrRevokedToken)
	_, err = m.Authenticate(context.Background(), "smcp_live")
	require.ErrorIs(t, err, authn.ErrRevokedToken, "the refusal is remembered")
}
