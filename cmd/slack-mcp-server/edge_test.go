package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// Finding 13d: the unauthenticated /health told anyone how many tenants,
// tokens and sessions the server holds; the counts now need
// SLACK_MCP_HEALTH_DETAILS.
func TestHealthShowsTenantCountsOnlyWhenConfigured(t *testing.T) {
	t.Parallel()
	emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
	t.Cleanup(emu.Close)
	tests := []struct {
		name    string
		env     map[string]string
		tenants bool
	}{
		{"default", nil, false},
		{"details on", map[string]string{"SLACK_MCP_HEALTH_DETAILS": "true"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startOAuthServer(t, emu.URL, freePort(t), filepath.Join(t.TempDir(), "store.db"), "http", tc.env)
			defer srv.stop()
			resp, err := http.Get(srv.base + "/health")
			require.NoError(t, err)
			defer resp.Body.Close()
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			require.Equal(t, "ok", body["status"])
			require.NotEmpty(t, body["version"])
			_, has := body["tenants"]
			require.Equal(t, tc.tenants, has, "%v", body)
		})
	}
}

// Finding 7 through the binary: a /register body trickling in one byte at
// a time is cut off after SLACK_MCP_READ_TIMEOUT.
func TestSlowRegistrationIsCutOff(t *testing.T) {
	t.Parallel()
	emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
	t.Cleanup(emu.Close)
	srv := startOAuthServer(t, emu.URL, freePort(t), filepath.Join(t.TempDir(), "store.db"), "http",
		map[string]string{"SLACK_MCP_READ_TIMEOUT": "300ms"})
	defer srv.stop()
	addr := strings.TrimPrefix(srv.base, "http://")
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /register HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	require.NoError(t, err)
	cut := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, conn); close(cut) }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for range 999 {
		select {
		case <-cut:
			return
		case <-tick.C:
		}
		if _, err := conn.Write([]byte{' '}); err != nil {
			return
		}
	}
	t.Fatal("the slow registration was never cut off")
}

func TestNetSettings(t *testing.T) {
	t.Parallel()
	base := map[string]string{"SLACK_MCP_XOXP_TOKEN": "xoxp-1"}
	c, err := parseConfig(nil, envOf(base), io.Discard)
	require.NoError(t, err)
	require.Equal(t, 30*time.Second, c.Net.ReadTimeout)
	require.False(t, c.Net.HealthDetails)

	bad := map[string]string{"SLACK_MCP_XOXP_TOKEN": "xoxp-1", "SLACK_MCP_READ_TIMEOUT": "slowly",
		"SLACK_MCP_TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal", "SLACK_MCP_OAUTH_REGISTRATIONS_PER_HOUR": "-1"}
	_, err = parseConfig(nil, envOf(bad), io.Discard)
	require.ErrorContains(t, err, "SLACK_MCP_READ_TIMEOUT")
	require.ErrorContains(t, err, "SLACK_MCP_TRUSTED_PROXIES")
	require.ErrorContains(t, err, "SLACK_MCP_OAUTH_REGISTRATIONS_PER_HOUR")
}

// Finding 6 through the binary: behind a trusted proxy each client has its
// own /register bucket; X-Forwarded-For from anyone else changes nothing.
func TestTrustedProxiesThroughTheBinary(t *testing.T) {
	t.Parallel()
	emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
	t.Cleanup(emu.Close)
	tests := []struct {
		name, proxies string
		wantB         int
	}{
		{"proxy trusted", "127.0.0.1", http.StatusCreated},
		{"no proxy configured", "", http.StatusTooManyRequests},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startOAuthServer(t, emu.URL, freePort(t), filepath.Join(t.TempDir(), "store.db"), "http",
				map[string]string{"SLACK_MCP_TRUSTED_PROXIES": tc.proxies})
			defer srv.stop()
			register := func(client string) int {
				req, err := http.NewRequest("POST", srv.base+"/register", strings.NewReader(`{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none"}`))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", client)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				return resp.StatusCode
			}
			status := 0
			for range 100 {
				if status = register("203.0.113.1"); status != http.StatusCreated {
					break
				}
			}
			require.Equal(t, http.StatusTooManyRequests, status, "client A spends its bucket")
			if tc.wantB == http.StatusCreated {
				require.Equal(t, tc.wantB, register("198.51.100.2"), "client B has its own bucket")
				return
			}
			// Sharing A's bucket, B gets at most what refilled since A's
			// 429 (slow machines under -race may see one token), never a
			// fresh burst.
			created := 0
			for range 3 {
				if register("198.51.100.2") == http.StatusCreated {
					created++
				}
			}
			require.LessOrEqual(t, created, 1, "client B shares A's bucket")
		})
	}
}

// Finding 13b through the binary: made-up xoxp- tokens each cost an
// auth.test; from one address only the burst reaches Slack, then 429.
func TestMadeUpTokensAreLimitedThroughTheBinary(t *testing.T) {
	t.Parallel()
	emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
	t.Cleanup(emu.Close)
	srv := startOAuthServer(t, emu.URL, freePort(t), filepath.Join(t.TempDir(), "store.db"), "http")
	defer srv.stop()
	statuses := map[int]int{}
	var last *http.Response
	for i := range 40 {
		req, err := http.NewRequest("POST", srv.base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer xoxp-made-up-"+strconv.Itoa(i))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		statuses[resp.StatusCode]++
		last = resp
	}
	require.Equal(t, http.StatusTooManyRequests, last.StatusCode)
	require.NotEmpty(t, last.Header.Get("Retry-After"))
	require.Positive(t, statuses[http.StatusUnauthorized])
	require.LessOrEqual(t, emu.Calls("auth.test"), statuses[http.StatusUnauthorized], "refused requests cost no Slack call")
	require.Less(t, emu.Calls("auth.test"), 40)
}
