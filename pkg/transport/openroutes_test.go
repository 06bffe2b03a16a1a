package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 8: with SLACK_MCP_API_KEY set and OAuth off, /oauth/* answered 401
// before it could say that the integration is off. Open routes answer
// without the key; the MCP endpoint still needs it.
func TestOpenRoutesAnswerWithoutTheAPIKey(t *testing.T) {
	t.Parallel()
	disabled := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "INTEGRATION_DISABLED"})
	})
	h, _ := Handler(newServer(t), Options{Transport: HTTP, APIKey: "secret", OpenRoutes: map[string]http.Handler{"/oauth/": disabled}})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	tests := []struct {
		name, method, path, key string
		want                    int
	}{
		{"oauth without the key", "GET", "/oauth/authorize", "", http.StatusServiceUnavailable},
		{"oauth with a wrong key", "POST", "/oauth/revoke", "wrong", http.StatusServiceUnavailable},
		{"mcp without the key", "POST", "/mcp", "", http.StatusUnauthorized},
		{"mcp with a wrong key", "POST", "/mcp", "wrong", http.StatusUnauthorized},
		{"mcp with the key", "POST", "/mcp", "secret", http.StatusOK},
		{"unknown path without the key", "GET", "/oauthx", "", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(initBody))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tc.want, resp.StatusCode)
		})
	}
}
