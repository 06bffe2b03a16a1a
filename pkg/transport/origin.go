package transport

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
)

// originPolicy validates the Origin header of requests to the MCP
// endpoints, as the Streamable HTTP transport requires (a page on another
// site must not drive the server from a visitor's browser), and answers
// CORS for the origins it accepts, so browser-based clients such as the
// MCP Inspector can read WWW-Authenticate and Mcp-Session-Id. It runs in
// front of authentication: preflights carry no credentials.
//
// Accepted: requests without Origin (native clients), the server's own
// origin (a loopback origin on the port the request arrived at), origins
// whose host is an allowed host (the public URL), and the listed origins
// ("*" accepts any). Other loopback origins are refused unless listed: any
// local program or page on another port (a dev server, a compromised
// local app) would otherwise get CORS access.
func originPolicy(origins, hosts []string, next http.Handler) http.Handler {
	allowOrigin := map[string]bool{}
	any := false
	for _, o := range origins {
		o = strings.TrimRight(strings.ToLower(strings.TrimSpace(o)), "/")
		if o == "*" {
			any = true
		} else if o != "" {
			allowOrigin[o] = true
		}
	}
	allowHost := map[string]bool{}
	for _, h := range hosts {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			allowHost[h] = true
		}
	}
	accepted := func(origin string, r *http.Request) bool {
		u, err := url.Parse(origin)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return any
		}
		host := strings.ToLower(u.Host)
		return any || allowOrigin[strings.ToLower(origin)] || allowHost[host] || allowHost[strings.ToLower(u.Hostname())] ||
			(loopback.IsAddr(host) && sameListener(u, r))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !accepted(origin, r) {
			writeJSON(w, http.StatusForbidden, map[string]string{
				"error": "requests from origin " + origin + " are not allowed; add it to SLACK_MCP_ALLOWED_ORIGINS",
				"code":  "INVALID_ORIGIN",
			})
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sameListener reports whether a loopback origin names the port the
// request arrived at: the server's own origin (a page it served, or a
// proxy on the same machine forwarding its own address).
func sameListener(u *url.URL, r *http.Request) bool {
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if local == nil {
		return false
	}
	_, lport, err := net.SplitHostPort(local.String())
	if err != nil {
		return false
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return port == lport
}
