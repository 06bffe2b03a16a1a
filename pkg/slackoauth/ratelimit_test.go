package slackoauth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// Finding 6: the per-address limit of /oauth/* counted exact addresses,
// so rotating loopback (or IPv6 /64) source addresses reset it.
func TestRateLimitCountsAddressBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		remote func(i int) string
	}{
		{"rotating loopback", func(i int) string { return fmt.Sprintf("127.0.0.%d:4000", 1+i) }},
		{"rotating within one IPv6 /64", func(i int) string { return fmt.Sprintf("[2001:db8:1:2::%x]:4000", 1+i) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(s *setup) { s.rateLimit, s.burst = 0.01, 3 })
			statuses := map[int]int{}
			for i := range 10 {
				r := httptest.NewRequest(http.MethodGet, "/oauth/nope", nil)
				r.RemoteAddr = tc.remote(i)
				w := httptest.NewRecorder()
				h.svc.Routes().ServeHTTP(w, r)
				statuses[w.Code]++
			}
			require.Equal(t, 7, statuses[http.StatusTooManyRequests], "%v", statuses)
		})
	}
}
