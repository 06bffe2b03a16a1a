package oauthserver

import (
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/audit"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// oauthError is an RFC 6749 §5.2 error body.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) { httpjson.Write(w, status, v) }

func writeOAuthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

// internal logs an unexpected failure (never with secrets) and answers
// 500 server_error.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.o.Logger.Error().Ctx(r.Context()).Err(err).Str("path", r.URL.Path).Msg("oauthserver: " + what)
	writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error; please try again later")
}

// internalPage is internal for browser-facing endpoints.
func (s *Server) internalPage(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.o.Logger.Error().Ctx(r.Context()).Err(err).Str("path", r.URL.Path).Msg("oauthserver: " + what)
	s.errorPage(w, http.StatusInternalServerError, "Something went wrong", "An internal error occurred. Please try again later.")
}

// audit records an event in the log and the store; a failure is logged,
// never shown. detail must hold no secret.
func (s *Server) audit(r *http.Request, e store.AuditEvent) {
	audit.Writer{Component: "oauthserver", Store: s.o.Store, Logger: s.o.Logger, Now: s.o.Now, Metrics: s.o.Metrics}.Record(r, e)
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

// allow applies the per-IP limit, answering 429 with Retry-After itself.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.limiter.Take(clientip.Of(r), s.o.Now())
	if ok {
		return true
	}
	clientip.SetRetryAfter(w, wait)
	writeOAuthError(w, http.StatusTooManyRequests, "rate_limited", "too many requests; retry later")
	return false
}

// prefersJSON reports whether r's Accept header ranks application/json
// above text/html: API clients and scripts get an OAuth error body,
// browsers (and anyone who does not say) get the HTML page.
func prefersJSON(r *http.Request) bool {
	qHTML, qJSON := slackoauth.AcceptQ(r.Header.Get("Accept"))
	return qJSON > 0 && qJSON > qHTML
}
