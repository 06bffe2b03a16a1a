package loopback

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsHostAndAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		host, addr bool
	}{
		{"localhost", true, true},
		{"LocalHost", true, true},
		{"127.0.0.1", true, true},
		{"127.8.9.10", true, true},
		{"::1", true, true},
		{"[::1]", true, true},
		{"localhost:8080", false, true},
		{"127.0.0.1:13080", false, true},
		{"[::1]:443", false, true},
		{"::1%eth0", false, false},
		{"localhost.example.com", false, false},
		{"10.0.0.1", false, false},
		{"0.0.0.0", false, false},
		{"example.com:80", false, false},
		{"", false, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.host, IsHost(tc.in), "IsHost(%q)", tc.in)
		assert.Equal(t, tc.addr, IsAddr(tc.in), "IsAddr(%q)", tc.in)
	}
}

// Whatever the input, a yes means the host part really is local: the
// name localhost or a loopback IP without a zone.
func FuzzIsAddr(f *testing.F) {
	for _, s := range []string{"localhost", "127.0.0.1:80", "[::1]:1", "::1%lo", "evil.com", "127.0.0.1.evil.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !IsAddr(s) {
			return
		}
		host := s
		if h, _, err := net.SplitHostPort(s); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
		ip := net.ParseIP(host)
		if strings.Contains(host, "%") || !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			t.Fatalf("IsAddr(%q) = true for host %q", s, host)
		}
	})
}
