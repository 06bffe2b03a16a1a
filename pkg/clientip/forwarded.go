package clientip

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// maxHops bounds how far into X-Forwarded-For Resolve walks; a chain of
// trusted proxies longer than this is a misconfiguration.
const maxHops = 16

// Proxies are the reverse proxies whose X-Forwarded-For is believed.
type Proxies []netip.Prefix

// ParseProxies reads a comma- or space-separated list of CIDRs and single
// addresses ("10.0.0.0/8, 192.0.2.7, ::1").
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if pre, err := netip.ParsePrefix(f); err == nil {
			p = append(p, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is neither a CIDR nor an IP address", f)
		}
		a = a.Unmap()
		p = append(p, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

// Contains reports whether a is one of the proxies.
func (p Proxies) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// Resolve returns the client of a request that arrived from peer carrying
// the X-Forwarded-For header values xff. Unless peer is a trusted proxy
// the header is ignored (anyone can send it). Otherwise it is read right
// to left, each hop written by the proxy to its right: the first hop that
// is not a trusted proxy is the client. A hop that does not parse ends the
// walk at the last address a trusted proxy vouched for, and so does a
// chain that is all proxies (the leftmost).
func (p Proxies) Resolve(peer netip.Addr, xff []string) netip.Addr {
	peer = peer.Unmap().WithZone("")
	if len(p) == 0 || !p.Contains(peer) {
		return peer
	}
	client := peer
	hops := 0
	for i := len(xff) - 1; i >= 0; i-- {
		parts := strings.Split(xff[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			hop := strings.TrimSpace(parts[j])
			if hop == "" {
				continue // "a, , b" or a trailing comma
			}
			a, ok := parseHop(hop)
			if !ok || hops == maxHops {
				return client
			}
			hops++
			client = a
			if !p.Contains(a) {
				return a
			}
		}
	}
	return client
}

// parseHop reads one X-Forwarded-For entry: an address, optionally with a
// port ("192.0.2.1:4711", "[2001:db8::1]:443") or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

type ctxKey struct{}

// Middleware resolves each request's client address once, for Of.
func Middleware(p Proxies, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ap, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		client := p.Resolve(ap.Addr(), r.Header.Values("X-Forwarded-For"))
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, client)))
	})
}

// Bucket is the key a rate limit counts addr under: an IPv4 address, the
// /64 of an IPv6 address, "loopback" for any loopback address; anything
// that is not an address counts as itself.
func Bucket(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap().WithZone("")
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.Is4():
		return a.String()
	default:
		return netip.PrefixFrom(a, 64).Masked().String()
	}
}
