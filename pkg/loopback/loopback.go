package loopback

import (
	"net"
	"strings"
)

// IsHost reports whether host is "localhost" (any case), an address in
// 127.0.0.0/8, or ::1, with or without IPv6 brackets. Zoned IPv6
// addresses (::1%eth0) are not loopback here: a redirect URI or Host
// header carrying one is refused rather than trusted.
func IsHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsAddr is IsHost for "host:port" (a Host header, a listener's address);
// an address without a port is taken as a host.
func IsAddr(addr string) bool {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return IsHost(host)
	}
	return IsHost(addr)
}
