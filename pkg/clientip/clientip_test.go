package clientip

import (
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestLimiterIsPerKeyAndBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(rate.Limit(1), 2, 100)
	for range 2 {
		ok, _ := l.Take("198.51.100.1", now)
		require.True(t, ok)
	}
	ok, wait := l.Take("198.51.100.1", now)
	require.False(t, ok)
	require.Equal(t, time.Second, wait)
	ok, _ = l.Take("198.51.100.2", now)
	require.True(t, ok, "another IP has its own bucket")
	for i := range 1000 {
		l.Take("10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256), now)
	}
	require.LessOrEqual(t, l.Size(), 100)
	ok, _ = NewLimiter(rate.Inf, 0, 0).Take("x", now)
	require.True(t, ok)
}

func TestAddresses(t *testing.T) {
	t.Parallel()
	tests := []struct{ remote, ip, truncated string }{
		{"198.51.100.77:4242", "198.51.100.77", "198.51.100.0"},
		{"[2001:db8:1:2:3::4]:443", "2001:db8:1:2:3::4", "2001:db8:1::"},
		{"pipe", "pipe", ""},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		require.Equal(t, tc.ip, Of(r))
		require.Equal(t, tc.truncated, Truncated(Of(r)))
	}
	w := httptest.NewRecorder()
	SetRetryAfter(w, 1500*time.Millisecond)
	require.Equal(t, "2", w.Header().Get("Retry-After"))
}
