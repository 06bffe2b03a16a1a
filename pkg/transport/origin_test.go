package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOriginPolicyAndCORS(t *testing.T) {
	t.Parallel()
	refuse := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="x"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"code": "UNAUTHORIZED"})
		})
	}
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: refuse,
		AllowedHosts: []string{"mcp.example.com"}, AllowedOrigins: []string{"https://portal.example.org", "http://localhost:6274"}})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	own := ts.URL // http://127.0.0.1:<port>
	ownLocalhost := strings.Replace(own, "127.0.0.1", "localhost", 1)
	tests := []struct {
		name, method, origin string
		want                 int
		cors                 bool
	}{
		{"native client, no origin", "POST", "", 401, false},
		{"listed inspector on localhost", "POST", "http://localhost:6274", 401, true},
		{"own origin", "POST", own, 401, true},
		{"own origin named localhost", "POST", ownLocalhost, 401, true},
		// Finding 13c: other loopback ports used to get CORS.
		{"unlisted loopback port", "POST", "http://127.0.0.1:6274", 403, false},
		{"unlisted localhost port", "POST", "http://localhost:3000", 403, false},
		{"loopback without port", "POST", "http://localhost", 403, false},
		{"public origin", "POST", "https://mcp.example.com", 401, true},
		{"listed origin", "POST", "https://portal.example.org", 401, true},
		{"foreign origin", "POST", "https://evil.example", 403, false},
		{"null origin", "POST", "null", 403, false},
		{"preflight", "OPTIONS", "http://localhost:6274", 204, true},
		{"unlisted loopback preflight", "OPTIONS", "http://[::1]:6274", 403, false},
		{"foreign preflight", "OPTIONS", "https://evil.example", 403, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, ts.URL+"/mcp", strings.NewReader(initBody))
			require.NoError(t, err)
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.method == "OPTIONS" {
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tc.want, resp.StatusCode)
			if tc.cors {
				require.Equal(t, tc.origin, resp.Header.Get("Access-Control-Allow-Origin"))
				require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "WWW-Authenticate")
			} else {
				require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
			}
			if tc.method == "OPTIONS" && tc.want == 204 {
				require.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), "Authorization")
			}
		})
	}
}
