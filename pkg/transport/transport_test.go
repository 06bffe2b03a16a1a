package transport

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

type noSlack struct{}

func (noSlack) Session(context.Context) (*tools.Session, error) {
	return nil, errors.New("no slack in this test")
}

func newServer(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.New(server.Options{Provider: noSlack{}, Logger: zerolog.Nop()})
	require.NoError(t, err)
	return s
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

func TestAPIKeyAndLimits(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, APIKey: "k3y", MaxBodyBytes: 1024, Health: func() any { return map[string]string{"status": "ok", "mode": "test"} }})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)

	tests := []struct {
		name, method, path, auth, body string
		wantStatus                     int
		wantCode                       string
	}{
		{"health is open", "GET", "/health", "", "", 200, ""},
		{"missing header", "POST", "/mcp", "", initBody, 401, "UNAUTHORIZED"},
		{"wrong scheme", "POST", "/mcp", "Basic azN5", initBody, 401, "UNAUTHORIZED"},
		{"wrong key", "POST", "/mcp", "Bearer nope", initBody, 401, "UNAUTHORIZED"},
		{"right key", "POST", "/mcp", "Bearer k3y", initBody, 200, ""},
		{"body too large", "POST", "/mcp", "Bearer k3y", `{"x":"` + strings.Repeat("a", 2048) + `"}`, 413, "BODY_TOO_LARGE"},
		{"unknown path", "GET", "/nope", "Bearer k3y", "", 404, "NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			require.Equal(t, tc.wantStatus, resp.StatusCode, string(body))
			if tc.wantCode != "" {
				var e map[string]string
				require.NoError(t, json.Unmarshal(body, &e), string(body))
				require.Equal(t, tc.wantCode, e["code"])
				require.NotEmpty(t, e["error"])
			}
			if tc.wantStatus == 401 {
				require.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
			}
		})
	}
}

func TestServeHTTPShutsDownOnCancel(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, newServer(t), Options{Transport: SSE, Listener: ln, Logger: zerolog.Nop()}) }()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + ln.Addr().String() + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, 5*time.Second, 10*time.Millisecond)
	// An open SSE stream must not keep shutdown from finishing.
	resp, err := http.Get("http://" + ln.Addr().String() + "/sse")
	require.NoError(t, err)
	defer resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
}

func TestUnknownTransport(t *testing.T) {
	t.Parallel()
	err := Serve(context.Background(), newServer(t), Options{Transport: "carrier-pigeon"})
	require.ErrorContains(t, err, "stdio, sse or http")
}
