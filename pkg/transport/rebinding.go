package transport

import (
	"net"
	"net/http"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
)

// rejectRebinding is DNS-rebinding protection: a request that reaches a
// loopback listener must name a loopback host (or an allowed one), or a
// web page could rebind its own domain to 127.0.0.1 and drive a local
// server from a victim's browser. Requests on other interfaces pass.
func rejectRebinding(allowed []string, next http.Handler) http.Handler {
	ok := map[string]bool{}
	for _, h := range allowed {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			ok[h] = true
			if host, _, err := net.SplitHostPort(h); err == nil {
				ok[host] = true
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		if local != nil && loopback.IsAddr(local.String()) && !loopback.IsAddr(r.Host) && !ok[strings.ToLower(r.Host)] {
			writeJSON(w, http.StatusForbidden, map[string]string{
				"error": "Host header " + r.Host + " is not served on this loopback listener; behind a reverse proxy, add it to SLACK_MCP_ALLOWED_HOSTS",
				"code":  "INVALID_HOST",
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}
