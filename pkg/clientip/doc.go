// Package clientip is the one place that decides who a request comes from,
// for the rate limits of every public endpoint (the Slack leg, the MCP
// authorization server, Bearer validations) and for audit logs:
//
//   - Middleware resolves the client address once per request: the peer,
//     or, only when the peer is a trusted proxy, the nearest untrusted hop
//     of X-Forwarded-For read right to left (Proxies.Resolve);
//   - Of returns it; Truncated shortens it for logs;
//   - Bucket is what a limit counts: one IPv4 address, one IPv6 /64 (what
//     one subscriber usually gets), and all of loopback as one, since
//     rotating 127.x.y.z or ::1 addresses costs nothing;
//   - Limiter is a token bucket per Bucket in a bounded map.
//
// It imports nothing of ours.
package clientip
