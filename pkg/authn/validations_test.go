package authn

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// slackBacked knows one token; every other one "costs an auth.test".
type slackBacked struct {
	mu      sync.Mutex
	calls   atomic.Int32
	refused map[string]bool
}

func (s *slackBacked) Authenticate(_ context.Context, bearer string) (*tenant.Caller, error) {
	if bearer == "xoxp-good" {
		return &tenant.Caller{Key: "good"}, nil
	}
	s.calls.Add(1)
	s.mu.Lock()
	s.refused[bearer] = true
	s.mu.Unlock()
	return nil, ErrInvalidToken
}

func (s *slackBacked) Validated(bearer string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bearer == "xoxp-good" || s.refused[bearer]
}

// Finding 13b: each request with a made-up xoxp- token cost one auth.test.
// Fresh validations are now limited per client address.
func TestFreshValidationsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &slackBacked{refused: map[string]bool{}}
	h := Middleware(a, Options{ValidationRate: 1, ValidationBurst: 5, Now: func() time.Time { return now }},
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	send := func(remote, tok string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		r.RemoteAddr = remote
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	var last *httptest.ResponseRecorder
	for i := range 50 {
		// Rotating loopback addresses share one bucket (clientip.Bucket).
		last = send(fmt.Sprintf("127.0.0.%d:5000", 1+i), fmt.Sprintf("xoxp-made-up-%d", i))
	}
	require.EqualValues(t, 5, a.calls.Load(), "only the burst reached Slack")
	require.Equal(t, http.StatusTooManyRequests, last.Code)
	require.Equal(t, "1", last.Header().Get("Retry-After"))
	var body errorBody
	require.NoError(t, json.Unmarshal(last.Body.Bytes(), &body))
	require.Equal(t, CodeRateLimited, body.Code)
	require.NotEmpty(t, body.Error)

	tests := []struct {
		name, remote, tok string
		want              int
	}{
		{"a known token is never limited", "127.0.0.9:5000", "xoxp-good", http.StatusOK},
		{"a cached refusal is never limited", "127.0.0.9:5000", "xoxp-made-up-0", http.StatusUnauthorized},
		{"another address has its own budget", "198.51.100.4:5000", "xoxp-made-up-x", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, send(tc.remote, tc.tok).Code)
		})
	}
}
