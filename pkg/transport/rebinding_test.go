package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDNSRebindingProtection(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, AllowedHosts: []string{"mcp.example.com"}})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	tests := []struct {
		host string
		want int
	}{
		{"", 200}, // the test server's own 127.0.0.1:port
		{"localhost:13080", 200},
		{"[::1]:13080", 200},
		{"mcp.example.com", 200},
		{"MCP.example.com", 200},
		{"evil.example", http.StatusForbidden},
		{"mcp.example.com.evil.example", http.StatusForbidden},
	}
	for _, tc := range tests {
		req, err := http.NewRequest("POST", ts.URL+"/mcp", strings.NewReader(initBody))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if tc.host != "" {
			req.Host = tc.host
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, tc.want, resp.StatusCode, tc.host)
	}
}
