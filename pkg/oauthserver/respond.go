package oauthserver

import (
	"encoding/json"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// oauthError is an RFC 6749 §5.2 error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

// internal logs an unexpected failure (never with secrets) and answers
// 500 server_error.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.o.Logger.Error().Err(err).Str("path", r.URL.Path).Msg("oauthserver: " + what)
	writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error; please try again later")
}

// internalPage is internal for browser-facing endpoints.
func (s *Server) internalPage(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.o.Logger.Error().Err(err).Str("path", r.URL.Path).Msg("oauthserver: " + what)
	s.errorPage(w, http.StatusInternalServerError, "Something went wrong", "An internal error occurred. Please try again later.")
}

// audit records an event in the log and the store; a failure is logged,
// never shown. detail must hold no secret.
func (s *Server) audit(r *http.Request, e store.AuditEvent) {
	e.At = s.o.Now()
	if ip := truncatedIP(clientIP(r)); ip != "" {
		if e.Detail != "" {
			e.Detail += " "
		}
		e.Detail += "ip=" + ip
	}
	ev := s.o.Logger.Info().Str("event", e.Event).Str("outcome", e.Outcome).Str("detail", e.Detail)
	if e.TeamID != "" {
		ev = ev.Str("team", e.TeamID)
	}
	if e.UserID != "" {
		ev = ev.Str("user", e.UserID)
	}
	ev.Msg("oauthserver: audit")
	if err := s.o.Store.AppendAudit(r.Context(), e); err != nil {
		s.o.Logger.Warn().Err(err).Str("event", e.Event).Msg("oauthserver: writing audit event")
	}
}

// auditInstallation fills the Slack identity of an installation into e.
func (s *Server) auditInstallation(r *http.Request, e store.AuditEvent, installationID string) {
	if installationID != "" {
		if in, err := s.o.Store.GetInstallation(r.Context(), installationID); err == nil {
			e.EnterpriseID, e.TeamID, e.UserID = in.EnterpriseID, in.TeamID, in.UserID
		}
	}
	s.audit(r, e)
}

// clientDetail is the audit detail naming a client (truncated: CIMD ids
// are URLs).
func clientDetail(clientID string) string {
	if len(clientID) > 200 {
		clientID = clientID[:200]
	}
	return "client_id=" + clientID
}

// clientIP is the peer address; a deployment behind a proxy rewrites
// RemoteAddr in a trusted-proxy middleware.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// truncatedIP keeps /24 of IPv4 and /48 of IPv6.
func truncatedIP(s string) string {
	ip := net.ParseIP(s)
	switch {
	case ip == nil:
		return ""
	case ip.To4() != nil:
		return ip.Mask(net.CIDRMask(24, 32)).String()
	default:
		return ip.Mask(net.CIDRMask(48, 128)).String()
	}
}

// maxLimiterEntries bounds the per-IP bucket map.
const maxLimiterEntries = 10000

// ipLimiter is a token bucket per client IP in a bounded map.
type ipLimiter struct {
	limit rate.Limit
	burst int
	max   int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newIPLimiter(limit rate.Limit, burst, maxEntries int) *ipLimiter {
	return &ipLimiter{limit: limit, burst: burst, max: maxEntries, buckets: map[string]*rate.Limiter{}}
}

// take spends one token of ip's bucket; when none is left it says how
// long until one is.
func (l *ipLimiter) take(ip string, now time.Time) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[ip]
	if !ok {
		if len(l.buckets) >= l.max {
			// Full buckets carry no state; drop them, then anything.
			for k, v := range l.buckets {
				if v.TokensAt(now) >= float64(l.burst) || len(l.buckets) >= l.max {
					delete(l.buckets, k)
				}
			}
		}
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[ip] = b
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	if l.limit <= 0 {
		return false, time.Hour
	}
	missing := 1 - b.TokensAt(now)
	return false, time.Duration(missing / float64(l.limit) * float64(time.Second))
}

// allow applies the per-IP limit, answering 429 with Retry-After itself.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.limiter.take(clientIP(r), s.o.Now())
	if ok {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1)))
	writeOAuthError(w, http.StatusTooManyRequests, "rate_limited", "too many requests; retry later")
	return false
}
