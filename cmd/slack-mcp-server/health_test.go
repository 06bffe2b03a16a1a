package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

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
