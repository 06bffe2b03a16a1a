package main

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// Every log line of a request names it: the tool call and the Slack calls
// it made carry the request_id the response's X-Request-Id tells the
// client (the client's own, when it sent a usable one).
func TestRequestIDOnEveryLine(t *testing.T) {
	t.Parallel()
	base, logs := startSingleHTTP(t, nil)
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.Header.Get("X-Request-Id") != ""
	}, 10*time.Second, 10*time.Millisecond, "every answer names its request")

	const id = "req-7f3a-history"
	c, err := client.NewStreamableHttpClient(base+"/mcp", transport.WithHTTPHeaders(map[string]string{"X-Request-Id": id}))
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError)

	var toolLine, slackLine bool
	for _, line := range strings.Split(logs.String(), "\n") {
		switch {
		case strings.Contains(line, `"message":"tool call"`):
			toolLine = true
			require.Contains(t, line, `"request_id":"`+id+`"`, line)
		case strings.Contains(line, `"message":"slack call"`) && strings.Contains(line, "conversations.history"):
			slackLine = true
			require.Contains(t, line, `"request_id":"`+id+`"`, line)
		}
	}
	require.True(t, toolLine && slackLine, logs.String())
}

// startSingleHTTP runs the server in single-user mode over Streamable HTTP
// in front of a sandbox emulator, logging JSON at debug; it returns the
// base URL once /health answers, and the logs.
func startSingleHTTP(t *testing.T, extra map[string]string) (string, *syncBuffer) {
	t.Helper()
	base, logs, _ := startSingleHTTPStoppable(t, extra)
	return base, logs
}

// startSingleHTTPStoppable is startSingleHTTP that also returns how to
// stop the server before the test ends (it then has flushed everything).
func startSingleHTTPStoppable(t *testing.T, extra map[string]string) (string, *syncBuffer, func()) {
	t.Helper()
	emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
	t.Cleanup(emu.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	dir := t.TempDir()
	env := map[string]string{
		"SLACK_MCP_XOXP_TOKEN": slackemu.SandboxUserToken, "SLACK_MCP_SLACK_URL": emu.URL, "SLACK_MCP_PORT": port,
		"SLACK_MCP_LOG_LEVEL": "debug", "SLACK_MCP_LOG_FORMAT": "json",
		"SLACK_MCP_USERS_CACHE": dir + "/u.json", "SLACK_MCP_CHANNELS_CACHE": dir + "/c.json",
	}
	for k, v := range extra {
		env[k] = v
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(withListener(context.Background(), ln))
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"-t", "http"}, envOf(env), strings.NewReader(""), nil, logs) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				t.Error("server did not stop")
			}
		})
	}
	t.Cleanup(stop)
	base := "http://127.0.0.1:" + port
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	}, 10*time.Second, 10*time.Millisecond, "server did not start: %s", logs.String())
	return base, logs, stop
}
