package e2e

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// A tool call in flight when shutdown starts still gets its answer; new
// connections are refused and Serve returns cleanly.
func TestGracefulShutdownFinishesInFlightCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{transport: mcptransport.Stdio})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- mcptransport.Serve(ctx, e.server, mcptransport.Options{Transport: mcptransport.HTTP, Listener: ln, Logger: zerolog.Nop(), ShutdownTimeout: 10 * time.Second})
	}()
	c, err := client.NewStreamableHttpClient("http://" + ln.Addr().String() + "/mcp")
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)

	// The first Slack answer is a 429 with Retry-After: 1, so the call is
	// in flight for about a second.
	e.emu.FailNext("conversations.history", 1, time.Second)
	result := make(chan *mcp.CallToolResult, 1)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name = "conversations_history"
		req.Params.Arguments = map[string]any{"channel_id": generalID}
		res, err := c.CallTool(context.Background(), req)
		if err != nil {
			res = mcp.NewToolResultError(err.Error())
		}
		result <- res
	}()
	require.Eventually(t, func() bool { return e.emu.Calls("conversations.history") >= 1 }, 5*time.Second, time.Millisecond)
	cancel()
	res := <-result
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "Deploy plan")
	require.NoError(t, <-served)
	_, err = net.DialTimeout("tcp", ln.Addr().String(), time.Second)
	require.Error(t, err, "the listener is closed after shutdown")
}
