package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/memory"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// tenantWorkspace builds workspace team with n people. Person i has a
// private channel and a DM with person i+1, each holding a message that
// names its owner, so a leak is visible in any response.
func tenantWorkspace(team string, n int) *slackemu.Workspace {
	ws := slackemu.NewWorkspace(slackemu.Team{ID: team, Name: "Team " + team, Domain: strings.ToLower(team)})
	var all []string
	for i := range n {
		ws.AddUser(slackemu.User{ID: tenantUser(team, i), Name: fmt.Sprintf("%s-user%d", strings.ToLower(team), i)})
		ws.AddToken(tenantToken(team, i), slackemu.Token{UserID: tenantUser(team, i), Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
		all = append(all, tenantUser(team, i))
	}
	ws.AddChannel(slackemu.Channel{ID: "C" + team + "GENERAL", Name: "general", Members: all})
	ws.AddMessage("C"+team+"GENERAL", slackemu.Message{User: all[0], Text: "hello everyone in " + team})
	for i := range n {
		priv := fmt.Sprintf("G%sPRIV%03d", team, i)
		ws.AddChannel(slackemu.Channel{ID: priv, Name: fmt.Sprintf("private-%s-%d", strings.ToLower(team), i), IsPrivate: true, Members: []string{tenantUser(team, i)}})
		ws.AddMessage(priv, slackemu.Message{User: tenantUser(team, i), Text: fmt.Sprintf("secret %s %d", team, i)})
		dm := fmt.Sprintf("D%sDM%03d", team, i)
		peer := tenantUser(team, (i+1)%n)
		ws.AddChannel(slackemu.Channel{ID: dm, IsIM: true, User: peer, Members: []string{tenantUser(team, i), peer}})
		ws.AddMessage(dm, slackemu.Message{User: tenantUser(team, i), Text: fmt.Sprintf("whisper %s %d", team, i)})
	}
	return ws
}

func tenantUser(team string, i int) string { return fmt.Sprintf("U%s%04d", team, i) }
func tenantToken(team string, i int) string {
	return fmt.Sprintf("xoxp-%s-%04d-tenant-token", strings.ToLower(team), i)
}

// multiEnv is one OAuth-mode HTTP deployment in front of two workspaces:
// one replica, or several sharing a store behind a round-robin front.
type multiEnv struct {
	emus map[string]*slackemu.Server
	base string
}

func newMultiEnv(t testing.TB, kind string, perWorkspace int) *multiEnv {
	t.Helper()
	return newReplicatedEnv(t, kind, perWorkspace, 1)
}

func newReplicatedEnv(t testing.TB, kind string, perWorkspace, replicas int) *multiEnv {
	t.Helper()
	e := &multiEnv{emus: map[string]*slackemu.Server{}}
	var trusted []string
	for _, team := range []string{"TA", "TB"} {
		emu := slackemu.NewServer(tenantWorkspace(team, perWorkspace), slackemu.Options{})
		t.Cleanup(emu.Close)
		e.emus[team] = emu
		u, _ := url.Parse(emu.URL)
		trusted = append(trusted, u.Host)
	}
	// A front standing in for slack.com: auth.test is answered by the
	// token's workspace, which names its own URL; later calls go there.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		tok := form.Get("token") + r.Header.Get("Authorization")
		team := "TA"
		if strings.Contains(tok, "-tb-") {
			team = "TB"
		}
		e.emus[team].Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	// What replicas share: directory snapshots through one store.
	st := memory.New(store.Options{})
	snaps := provider.SealedSnapshots{Store: st, Keys: testkit.Keyring(t)}
	var handlers []http.Handler
	for range replicas {
		factory, err := slackapi.NewFactory(slackapi.Options{BaseURL: front.URL, TrustedHosts: trusted, Logger: zerolog.Nop()})
		require.NoError(t, err)
		validator := caller.NewValidator(caller.ValidatorOptions{Factory: factory, Resolver: caller.New(caller.Options{AcceptSlackTokens: true}), Logger: zerolog.Nop()})
		mo := provider.MultiOptions{Factory: factory, Validator: validator, Logger: zerolog.Nop()}
		if replicas > 1 {
			mo.Snapshots = snaps
		}
		multi := provider.NewMulti(mo)
		t.Cleanup(multi.Close)
		srv, err := server.New(server.Options{Provider: multi, Logger: zerolog.Nop()})
		require.NoError(t, err)
		h, closeSessions := mcptransport.Handler(srv, mcptransport.Options{
			Transport: kind, Logger: zerolog.Nop(), SessionSecret: []byte("replicas share it"),
			Authenticate: func(next http.Handler) http.Handler {
				return authn.Middleware(validator, authn.Options{Logger: zerolog.Nop()}, next)
			},
		})
		t.Cleanup(func() { closeSessions(context.Background()) })
		handlers = append(handlers, h)
	}
	var next atomic.Uint64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers[int(next.Add(1)%uint64(len(handlers)))].ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.base = ts.URL
	return e
}

func (e *multiEnv) connect(t testing.TB, kind, token string) *client.Client {
	t.Helper()
	var c *client.Client
	var err error
	auth := map[string]string{"Authorization": "Bearer " + token}
	if kind == mcptransport.SSE {
		c, err = client.NewSSEMCPClient(e.base+"/sse", transport.WithHeaders(auth))
	} else {
		c, err = client.NewStreamableHttpClient(e.base+"/mcp", transport.WithHTTPHeaders(auth))
	}
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	return c
}

func callText(c *client.Client, name string, args map[string]any) (string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		return "", err
	}
	if res.IsError {
		return "", fmt.Errorf("tool error: %s", text(res))
	}
	return text(res), nil
}

var (
	ownedText    = regexp.MustCompile(`(secret|whisper) (T[AB]) (\d+)`)
	ownedChannel = regexp.MustCompile(`private-t[ab]-\d+`)
)

// 100 tenants across 2 workspaces call concurrently over SSE and Streamable
// HTTP; no response ever holds another tenant's private channel, DM or
// message, and each workspace's calls land on its own Slack.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.HTTP, mcptransport.SSE} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			const perWorkspace = 50
			e := newMultiEnv(t, kind, perWorkspace)
			var wg sync.WaitGroup
			errs := make(chan error, 2*perWorkspace)
			for _, team := range []string{"TA", "TB"} {
				for i := range perWorkspace {
					c := e.connect(t, kind, tenantToken(team, i))
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs <- checkTenant(c, team, i)
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.Equal(t, 1, e.emus["TA"].Calls("users.list"), "one users.list sweep per workspace, shared by its 50 people")
			require.Equal(t, 1, e.emus["TB"].Calls("users.list"))
		})
	}
}

func checkTenant(c *client.Client, team string, i int) error {
	own := fmt.Sprintf("private-%s-%d", strings.ToLower(team), i)
	calls := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"channels_list", map[string]any{"channel_types": "private_channel,im"}, own},
		{"conversations_history", map[string]any{"channel_id": "#" + own, "limit": "10"}, fmt.Sprintf("secret %s %d", team, i)},
		{"conversations_history", map[string]any{"channel_id": fmt.Sprintf("D%sDM%03d", team, i), "limit": "10"}, fmt.Sprintf("whisper %s %d", team, i)},
		{"conversations_search_messages", map[string]any{"search_query": "secret"}, fmt.Sprintf("secret %s %d", team, i)},
		{"conversations_search_messages", map[string]any{"search_query": "whisper"}, ""},
		{"conversations_history", map[string]any{"channel_id": "#general", "limit": "10"}, "hello everyone in " + team},
	}
	for _, call := range calls {
		out, err := callText(c, call.tool, call.args)
		if err != nil {
			return fmt.Errorf("%s %d %s: %w", team, i, call.tool, err)
		}
		if call.want != "" && !strings.Contains(out, call.want) {
			return fmt.Errorf("%s %d %s: missing %q in %s", team, i, call.tool, call.want, out)
		}
		for _, m := range ownedText.FindAllStringSubmatch(out, -1) {
			owner := m[2] + " " + m[3]
			mine := fmt.Sprintf("%s %d", team, i)
			peerDM := m[1] == "whisper" && m[2] == team && m[3] == fmt.Sprint((i+49)%50)
			if owner != mine && !peerDM {
				return fmt.Errorf("LEAK: tenant %s saw %q via %s", mine, m[0], call.tool)
			}
		}
		for _, ch := range ownedChannel.FindAllString(out, -1) {
			if ch != own {
				return fmt.Errorf("LEAK: tenant %s %d saw channel %s via %s", team, i, ch, call.tool)
			}
		}
		for _, other := range []string{"TA", "TB"} {
			if other != team && strings.Contains(out, "hello everyone in "+other) {
				return fmt.Errorf("LEAK: tenant %s %d saw workspace %s", team, i, other)
			}
		}
	}
	return nil
}

// BenchmarkTenantsSteadyState: 100 tenants of 2 workspaces, warm; Slack
// calls per conversations_history call (goal: 1.0, validation and user
// names included).
func BenchmarkTenantsSteadyState(b *testing.B) {
	const perWorkspace = 50
	e := newMultiEnv(b, mcptransport.HTTP, perWorkspace)
	type tenant struct {
		c    *client.Client
		team string
		i    int
	}
	var tenants []tenant
	for _, team := range []string{"TA", "TB"} {
		for i := range perWorkspace {
			tn := tenant{c: e.connect(b, mcptransport.HTTP, tenantToken(team, i)), team: team, i: i}
			if _, err := callText(tn.c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "10"}); err != nil {
				b.Fatal(err)
			}
			tenants = append(tenants, tn)
		}
	}
	// Let the shared directories finish their sweeps.
	time.Sleep(200 * time.Millisecond)
	for _, emu := range e.emus {
		emu.ResetCalls()
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		tn := tenants[n%len(tenants)]
		n++
		if _, err := callText(tn.c, "conversations_history", map[string]any{"channel_id": fmt.Sprintf("G%sPRIV%03d", tn.team, tn.i), "limit": "10"}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	total := 0
	for _, emu := range e.emus {
		for _, c := range emu.CallCounts() {
			total += c
		}
	}
	b.ReportMetric(float64(total)/float64(n), "slack-calls/op")
}

// BenchmarkThousandTenants: 1,000 distinct tenants over Streamable HTTP,
// concurrently; reports throughput and p99 latency.
func BenchmarkThousandTenants(b *testing.B) {
	for _, replicas := range []int{1, 2} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) { thousandTenants(b, replicas) })
	}
}

func thousandTenants(b *testing.B, replicas int) {
	const perWorkspace = 500
	e := newReplicatedEnv(b, mcptransport.HTTP, perWorkspace, replicas)
	var clients []*client.Client
	for _, team := range []string{"TA", "TB"} {
		for i := range perWorkspace {
			clients = append(clients, e.connect(b, mcptransport.HTTP, tenantToken(team, i)))
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	next := 0
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			mu.Lock()
			c := clients[next%len(clients)]
			next++
			mu.Unlock()
			t0 := time.Now()
			if _, err := callText(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "10"}); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "calls/s")
	}
}
