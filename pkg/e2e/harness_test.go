package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// Fixture IDs of the test workspace.
const (
	teamID     = "T0TEST0001"
	meID       = "U0ME000001"
	aliceID    = "U0ALICE001"
	bobID      = "U0BOB00001"
	generalID  = "C0GENERAL1"
	randomID   = "C0RANDOM01"
	privateID  = "G0PRIVATE1"
	secretID   = "G0SECRET01"
	dmBobID    = "D0DMBOB001"
	userToken  = "xoxp-test-user-token-123456"
	botToken   = "xoxb-test-bot-token-123456"
	weakToken  = "xoxp-test-weak-token-123456"
	fixtureNow = 1_763_800_000 // 2025-11-22
)

// fixture builds the workspace every e2e test starts from.
func fixture() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(slackemu.Team{ID: teamID, Name: "Test Co", Domain: "testco"})
	ws.AddUser(slackemu.User{ID: meID, Name: "me", RealName: "Me Myself", DisplayName: "me", Email: "me@test.co"})
	ws.AddUser(slackemu.User{ID: aliceID, Name: "alice", RealName: "Alice Anders", DisplayName: "Ally", Email: "alice@test.co", Title: "Engineer"})
	ws.AddUser(slackemu.User{ID: bobID, Name: "bob", RealName: "John Smith", DisplayName: "bobby", Email: "bob@test.co", Title: "Designer"})
	ws.AddChannel(slackemu.Channel{ID: generalID, Name: "general", Topic: "Company news", Members: []string{meID, aliceID, bobID}})
	ws.AddChannel(slackemu.Channel{ID: randomID, Name: "random", Members: []string{aliceID}})
	ws.AddChannel(slackemu.Channel{ID: privateID, Name: "leads", IsPrivate: true, Members: []string{meID, aliceID}})
	ws.AddChannel(slackemu.Channel{ID: secretID, Name: "secret", IsPrivate: true, Members: []string{aliceID}})
	ws.AddChannel(slackemu.Channel{ID: dmBobID, IsIM: true, User: bobID, Members: []string{meID, bobID}})
	ws.AddMessage(generalID, slackemu.Message{TS: ts(0), User: aliceID, Text: "Welcome <@" + bobID + ">! See <#" + randomID + "|random> and <https://example.com|the docs> :tada:"})
	parent := ws.AddMessage(generalID, slackemu.Message{TS: ts(60), User: bobID, Text: "Deploy plan: `make deploy` & (maybe) rollback?"})
	ws.AddReply(generalID, parent, slackemu.Message{TS: ts(120), User: aliceID, Text: "LGTM <@" + meID + ">"})
	ws.AddMessage(generalID, slackemu.Message{TS: ts(180), User: meID, Text: "```go\nfmt.Println(\"hi\")\n```"})
	ws.AddMessage(generalID, slackemu.Message{TS: ts(190), User: aliceID, Subtype: "channel_join", Text: "<@" + aliceID + "> has joined the channel"})
	ws.AddMessage(privateID, slackemu.Message{TS: ts(200), User: aliceID, Text: "private roadmap"})
	ws.AddMessage(secretID, slackemu.Message{TS: ts(210), User: aliceID, Text: "secret plans"})
	ws.AddMessage(dmBobID, slackemu.Message{TS: ts(220), User: bobID, Text: "hey, quick question about the deploy"})
	ws.AddToken(userToken, slackemu.Token{UserID: meID, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	ws.AddToken(botToken, slackemu.Token{UserID: meID, Kind: slackemu.BotToken, Scopes: slackemu.BotScopes()})
	ws.AddToken(weakToken, slackemu.Token{UserID: meID, Kind: slackemu.UserToken, Scopes: []string{"channels:read", "groups:read", "im:read", "mpim:read", "users:read"}})
	return ws
}

func ts(offset int) string {
	return fmt.Sprintf("%d.000100", fixtureNow+offset)
}

// env is one running server in front of one emulator.
type env struct {
	ws     *slackemu.Workspace
	emu    *slackemu.Server
	prov   *provider.Single
	server *server.Server
	client *client.Client
	// url is the HTTP server's base URL (SSE and HTTP transports).
	url string
}

type envOptions struct {
	transport string // stdio, sse or http
	token     string
	cookie    string // the xoxd "d" cookie of a session (xoxc-) token
	gates     map[tools.Gate]bool
	policy    *tools.Policy
	enabled   []string
	emu       slackemu.Options
	apiKey    string
	ws        *slackemu.Workspace
	now       func() time.Time // the server's clock; default fixtureNow + 1h
	logger    *zerolog.Logger
	// beforeStart runs once the emulator is up, before the server connects.
	beforeStart func(*env)
	audit       func(context.Context, server.AuditRecord)
	// countCall and rules are the per-workspace hooks of OAuth mode.
	countCall func(teamID string)
	rules     tools.WorkspaceRulesFunc
	// httpClient, when set, is the Slack HTTP client, built once the
	// emulator's URL is known (e.g. to route a Slack host to it).
	httpClient func(emuURL string) *http.Client
	// factory adjusts the Slack client options (SLACK_MCP_TEAM_ID, limits).
	factory func(*slackapi.Options)
	// confirm asks before writes (SLACK_MCP_CONFIRM_WRITES); nil: never.
	confirm *confirm.Asker
	// elicit answers elicitation requests; nil: the client declares none.
	elicit client.ElicitationHandler
	// protocol is the version the client asks for; default the latest.
	protocol string
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if o.ws == nil {
		o.ws = fixture()
	}
	if o.token == "" {
		o.token = userToken
	}
	if o.now == nil {
		o.now = func() time.Time { return time.Unix(fixtureNow+3600, 0) }
	}
	if o.transport == "" {
		o.transport = mcptransport.HTTP
	}
	e := &env{ws: o.ws, emu: slackemu.NewServer(o.ws, o.emu)}
	t.Cleanup(e.emu.Close)
	if o.beforeStart != nil {
		o.beforeStart(e)
	}
	fo := slackapi.Options{BaseURL: e.emu.URL, MaxRetries: 2, RetryBudget: 2 * time.Second, Logger: zerolog.Nop()}
	if o.httpClient != nil {
		fo.HTTPClient = o.httpClient(e.emu.URL)
	}
	if o.factory != nil {
		o.factory(&fo)
	}
	factory, err := slackapi.NewFactory(fo)
	require.NoError(t, err)
	e.prov, err = provider.NewSingle(ctx, provider.SingleOptions{Factory: factory, Credentials: slackapi.Credentials{Token: o.token, Cookie: o.cookie}, Logger: zerolog.Nop()})
	require.NoError(t, err)
	policy := tools.Policy{UploadMaxBytes: 1 << 20}
	for _, g := range tools.ChannelGates {
		*policy.Channels(g) = tools.AllChannels()
	}
	if o.policy != nil {
		policy = *o.policy
	}
	sess, _ := e.prov.Session(ctx)
	log := zerolog.Nop()
	if o.logger != nil {
		log = *o.logger
	}
	sel, err := server.Select(tools.Catalog(), o.enabled, o.gates)
	require.NoError(t, err)
	e.server, err = server.New(server.Options{
		Provider: e.prov, Policy: policy, Selection: sel,
		Workspace: tools.WorkspaceName(sess), Logger: log, Audit: o.audit,
		Now: o.now, Confirm: o.confirm, CountCall: o.countCall, WorkspaceRules: o.rules,
	})
	require.NoError(t, err)
	e.client, e.url = connect(t, ctx, e.server, o.transport, o.apiKey, clientSide{elicit: o.elicit, protocol: o.protocol})
	return e
}

// clientSide is what the test client declares.
type clientSide struct {
	elicit   client.ElicitationHandler
	protocol string
}

// connect starts the transport and an mcp-go client speaking it.
func connect(t testing.TB, ctx context.Context, s *server.Server, kind, apiKey string, cs clientSide) (*client.Client, string) {
	t.Helper()
	var c *client.Client
	var err error
	base := ""
	switch kind {
	case mcptransport.Stdio:
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- mcptransport.Serve(ctx, s, mcptransport.Options{Transport: mcptransport.Stdio, Stdin: inR, Stdout: outW, Logger: zerolog.Nop()})
		}()
		t.Cleanup(func() { _ = inW.Close(); _ = outW.Close() })
		c = client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))), cs.options()...)
	default:
		h, closeSessions := mcptransport.Handler(s, mcptransport.Options{Transport: kind, APIKey: apiKey, Logger: zerolog.Nop()})
		ts := httptest.NewServer(h)
		base = ts.URL
		t.Cleanup(func() { closeSessions(context.Background()); ts.Close() })
		headers := map[string]string{}
		if apiKey != "" {
			headers["Authorization"] = "Bearer " + apiKey
		}
		if kind == mcptransport.SSE {
			var tr *transport.SSE
			tr, err = transport.NewSSE(ts.URL+"/sse", transport.WithHeaders(headers))
			require.NoError(t, err)
			c = client.NewClient(tr, cs.options()...)
		} else {
			var tr *transport.StreamableHTTP
			tr, err = transport.NewStreamableHTTP(ts.URL+"/mcp", transport.WithHTTPHeaders(headers))
			require.NoError(t, err)
			c = client.NewClient(tr, cs.options()...)
		}
	}
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if cs.protocol != "" {
		init.Params.ProtocolVersion = cs.protocol
	}
	init.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "1"}
	_, err = c.Initialize(ctx, init)
	require.NoError(t, err)
	return c, base
}

func (cs clientSide) options() []client.ClientOption {
	if cs.elicit == nil {
		return nil
	}
	return []client.ClientOption{client.WithElicitationHandler(cs.elicit)}
}

// newHTTPClient connects one more Streamable HTTP client to the server.
func newHTTPClient(t testing.TB, base string) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(base + "/mcp")
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	return c
}

// call runs a tool and returns its result.
func (e *env) call(t testing.TB, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := e.client.CallTool(context.Background(), req)
	require.NoError(t, err)
	return res
}

// waitWarm waits until both directories finished their first sweep.
func (e *env) waitWarm(t testing.TB) {
	t.Helper()
	require.Eventually(t, func() bool {
		st := e.prov.CacheStatus()
		return st["users"].(map[string]any)["ready"].(bool) && st["channels"].(map[string]any)["ready"].(bool)
	}, 10*time.Second, 5*time.Millisecond)
}

func text(r *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range r.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}
