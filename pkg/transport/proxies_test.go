package transport

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
)

// Finding 6: behind the recommended reverse proxy every request came from
// the proxy, so everybody shared one rate-limit bucket. With the proxy
// trusted, routes see the client from X-Forwarded-For.
func TestTrustedProxyGivesEachClientItsBucket(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	trusted, err := clientip.ParseProxies("127.0.0.1")
	require.NoError(t, err)
	tests := []struct {
		name    string
		proxies clientip.Proxies
		wantB   int
	}{
		{"proxy trusted: own buckets", trusted, http.StatusOK},
		{"proxy not trusted: one shared bucket", nil, http.StatusTooManyRequests},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			limiter := clientip.NewLimiter(rate.Limit(0.001), 3, 0)
			limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if ok, _ := limiter.Take(clientip.Of(r), now); !ok {
					w.WriteHeader(http.StatusTooManyRequests)
				}
			})
			h, _ := Handler(newServer(t), Options{Transport: HTTP, TrustedProxies: tc.proxies,
				Routes: map[string]http.Handler{"/register": limited}})
			ts := httptest.NewServer(h)
			t.Cleanup(ts.Close)
			from := func(client string) int {
				req, err := http.NewRequest("POST", ts.URL+"/register", nil)
				require.NoError(t, err)
				req.Header.Set("X-Forwarded-For", client)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				resp.Body.Close()
				return resp.StatusCode
			}
			for range 3 {
				require.Equal(t, http.StatusOK, from("203.0.113.1"))
			}
			require.Equal(t, http.StatusTooManyRequests, from("203.0.113.1"), "client A spent its bucket")
			require.Equal(t, tc.wantB, from("198.51.100.2"), "client B")
		})
	}
}
