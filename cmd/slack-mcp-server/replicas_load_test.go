package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit/slackapp"
)

// loadChannel is the channel every load tenant is a member of.
const loadChannel = "C0LOAD0001"

// loadWorkspace is the sandbox plus n people, each with a user token, all
// in loadChannel.
func loadWorkspace(n int) (*slackemu.Workspace, []string) {
	ws := slackemu.Sandbox()
	var members, tokens []string
	for i := range n {
		id := fmt.Sprintf("U0LOAD%04d", i)
		ws.AddUser(slackemu.User{ID: id, Name: fmt.Sprintf("load%d", i), RealName: fmt.Sprintf("Load Tester %d", i)})
		tok := fmt.Sprintf("xoxp-load-%04d", i)
		ws.AddToken(tok, slackemu.Token{UserID: id, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
		members, tokens = append(members, id), append(tokens, tok)
	}
	ws.AddChannel(slackemu.Channel{ID: loadChannel, Name: "load", Members: members})
	ws.AddMessage(loadChannel, slackemu.Message{User: members[0], Text: "load test"})
	return ws, tokens
}

// 100 tenants call tools through a round-robin balancer in front of two
// replicas on PostgreSQL, over Streamable HTTP; midway one replica is
// stopped and started again. Only calls in flight on it when it stopped
// may fail; every tenant keeps working, the personal access token issued
// before the restart works on the restarted replica, and the workspace's
// users are swept from Slack once for all of them.
func TestReplicasUnderLoadWithARestart(t *testing.T) {
	t.Parallel()
	const tenants, calls = 100, 6
	dbURL := storetest.PostgresURL(t)
	front := freePort(t)
	public := "http://127.0.0.1:" + strconv.Itoa(front.Port)
	ws, tokens := loadWorkspace(tenants)
	emu := slackapp.Start(t, slackapp.Options{
		Workspace: ws,
		App:       slackemu.OAuthApp{ClientID: "cid-123", ClientSecret: "csecret-456"},
		Redirect:  public + "/oauth/callback",
		Consent:   &slackemu.Consent{UserID: slackemu.SandboxYou, AutoApprove: true},
	}).Server
	shared := map[string]string{
		"SLACK_MCP_DATABASE_URL":       dbURL,
		"SLACK_MCP_PUBLIC_URL":         public,
		"SLACK_MCP_OAUTH_REDIRECT_URI": public + "/oauth/callback",
		"SLACK_MCP_LOG_LEVEL":          "warn",
		// People come from their own addresses, forwarded by the balancer.
		"SLACK_MCP_TRUSTED_PROXIES": "127.0.0.1",
	}
	lpA := freePort(t)
	a := startOAuthServer(t, emu.URL, lpA, "", "http", shared)
	b := startOAuthServer(t, emu.URL, freePort(t), "", "http", shared)
	t.Cleanup(b.stop)
	rr := newRoundRobin(t, front, a.base, b.base)
	pat, _ := connectInBrowser(t, public)

	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for i := range tenants {
		wg.Go(func() {
			c, err := dialBearer(public, tokens[i], fmt.Sprintf("10.1.%d.%d", i/200, i%200+1))
			if err != nil {
				t.Errorf("tenant %d: %v", i, err)
				return
			}
			defer c.Close()
			for range calls {
				res, err := callTool(c, "conversations_history", map[string]any{"channel_id": loadChannel, "limit": "5"})
				if err != nil || res.IsError {
					if failed.Add(1) < 5 {
						t.Logf("tenant %d: %v %v", i, err, res)
					}
					continue
				}
				ok.Add(1)
			}
		})
	}
	require.Eventually(t, func() bool { return ok.Load() >= tenants }, 60*time.Second, 5*time.Millisecond, "the load is running")
	a.stop()
	a = startOAuthServer(t, emu.URL, lpA, "", "http", shared)
	t.Cleanup(a.stop)
	wg.Wait()

	t.Logf("%d calls answered, %d failed, served A %d / B %d", ok.Load(), failed.Load(), rr.served[0].Load(), rr.served[1].Load())
	require.Equal(t, int64(tenants*calls), ok.Load()+failed.Load())
	require.Less(t, failed.Load(), int64(tenants), "only calls in flight on the stopped replica may fail")
	require.Positive(t, rr.served[0].Load())
	require.Positive(t, rr.served[1].Load())
	require.Equal(t, 1, emu.Calls("users.list"), "one users.list sweep for the workspace across replicas and the restart")

	// Nothing stored was lost: the token issued before the restart works
	// on the restarted replica, and through the balancer.
	for _, base := range []string{a.base, public} {
		c, err := mcpClient(t, base, pat)
		require.NoError(t, err)
		requireHistory(t, c)
	}
}

// dialBearer connects an MCP client of the current protocol with bearer,
// from address as the balancer forwards it.
func dialBearer(base, bearer, address string) (*client.Client, error) {
	c, err := client.NewStreamableHttpClient(base+"/mcp", transport.WithHTTPHeaders(map[string]string{
		"Authorization": "Bearer " + bearer, "X-Forwarded-For": address,
	}))
	if err != nil {
		return nil, err
	}
	if err := c.Start(context.Background()); err != nil {
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(context.Background(), init); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}
