package clientip

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	proxies, err := ParseProxies("127.0.0.1, 10.0.0.0/8 ::1")
	require.NoError(t, err)
	tests := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"no proxy, header ignored", "198.51.100.7", []string{"203.0.113.1"}, "198.51.100.7"},
		{"untrusted peer cannot claim loopback", "198.51.100.7", []string{"127.0.0.1"}, "198.51.100.7"},
		{"proxy without header", "127.0.0.1", nil, "127.0.0.1"},
		{"one proxy", "127.0.0.1", []string{"203.0.113.1"}, "203.0.113.1"},
		{"spoofed left part is skipped", "127.0.0.1", []string{"1.1.1.1, 203.0.113.1"}, "203.0.113.1"},
		{"chain of proxies", "127.0.0.1", []string{"203.0.113.1, 10.1.2.3", "10.9.9.9"}, "203.0.113.1"},
		{"all proxies: the leftmost", "10.0.0.1", []string{"10.0.0.2, 10.0.0.3"}, "10.0.0.2"},
		{"garbage stops at the last vouched hop", "127.0.0.1", []string{"203.0.113.1, nonsense, 10.0.0.5"}, "10.0.0.5"},
		{"ports and brackets", "::1", []string{"[2001:db8::5]:443"}, "2001:db8::5"},
		{"ipv4 with port", "::1", []string{"203.0.113.9:4711"}, "203.0.113.9"},
		{"mapped addresses are unmapped", "::ffff:127.0.0.1", []string{"::ffff:203.0.113.1"}, "203.0.113.1"},
		{"empty entries", "127.0.0.1", []string{"203.0.113.1,, "}, "203.0.113.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := proxies.Resolve(netip.MustParseAddr(tc.peer), tc.xff)
			require.Equal(t, tc.want, got.String())
		})
	}
	require.Equal(t, "127.0.0.1", Proxies(nil).Resolve(netip.MustParseAddr("127.0.0.1"), []string{"203.0.113.1"}).String(), "no proxies configured: never trusted")
	long := strings.Repeat("10.0.0.1, ", 100) + "10.0.0.2"
	require.Equal(t, "10.0.0.1", proxies.Resolve(netip.MustParseAddr("10.0.0.3"), []string{long}).String())

	_, err = ParseProxies("10.0.0.0/8, proxy.example")
	require.ErrorContains(t, err, "proxy.example")
}

func TestBucket(t *testing.T) {
	t.Parallel()
	tests := []struct{ addr, want string }{
		{"198.51.100.7", "198.51.100.7"},
		{"127.0.0.1", "loopback"},
		{"127.45.6.7", "loopback"},
		{"::1", "loopback"},
		{"::ffff:198.51.100.7", "198.51.100.7"},
		{"2001:db8:1:2:3::4", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"pipe", "pipe"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, Bucket(tc.addr), tc.addr)
	}
}

func TestMiddlewareFeedsOf(t *testing.T) {
	t.Parallel()
	proxies, err := ParseProxies("127.0.0.0/8")
	require.NoError(t, err)
	var got string
	h := Middleware(proxies, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = Of(r) }))
	tests := []struct{ remote, xff, want string }{
		{"127.0.0.1:5555", "203.0.113.4", "203.0.113.4"},
		{"198.51.100.1:5555", "203.0.113.4", "198.51.100.1"},
		{"pipe", "203.0.113.4", "pipe"},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		r.Header.Set("X-Forwarded-For", tc.xff)
		h.ServeHTTP(httptest.NewRecorder(), r)
		require.Equal(t, tc.want, got)
	}
}
