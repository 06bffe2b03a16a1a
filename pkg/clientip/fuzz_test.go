package clientip

import (
	"net/netip"
	"strings"
	"testing"
)

// FuzzResolve: the X-Forwarded-For parser never panics, ignores the header
// for an untrusted peer, and answers the peer or an address of the header.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"203.0.113.1", "1.1.1.1, 203.0.113.1", "[2001:db8::5]:443", "unknown", ",,,", "10.0.0.1, 10.0.0.2", "::ffff:1.2.3.4%eth0"} {
		f.Add("127.0.0.1", s)
		f.Add("198.51.100.1", s)
	}
	proxies, _ := ParseProxies("127.0.0.0/8, 10.0.0.0/8, ::1")
	f.Fuzz(func(t *testing.T, peer, xff string) {
		p, err := netip.ParseAddr(peer)
		if err != nil {
			return
		}
		got := proxies.Resolve(p, []string{xff})
		if !got.IsValid() {
			t.Fatalf("invalid result for %q %q", peer, xff)
		}
		want := p.Unmap().WithZone("")
		if !proxies.Contains(p) && got != want {
			t.Fatalf("untrusted peer %s: header used: %s", peer, got)
		}
		if got == want {
			return
		}
		for _, hop := range strings.Split(xff, ",") {
			if a, ok := parseHop(strings.TrimSpace(hop)); ok && a == got {
				return
			}
		}
		t.Fatalf("result %s is neither the peer nor a hop of %q", got, xff)
	})
}
