package oauthserver

import (
	"errors"
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// mayRedirectErrors reports whether an /authorize error may be sent to
// req.redirectURI at once. Registration is open, so a dynamically
// registered or metadata-document client's redirect URI can be anyone's
// site: redirecting its errors without a person's decision would make us
// an open redirector (RFC 9700 §4.11.2). Only static clients (set up by
// the operator) and clients this browser already approved for this
// redirect URI get their errors redirected; a failed lookup counts as
// "no" (the safe answer is the error page).
func (s *Server) mayRedirectErrors(r *http.Request, req authzRequest) bool {
	if req.client.Kind == store.ClientStatic {
		return true
	}
	_, instID, ok, err := s.sessionInstallation(r)
	if err != nil || !ok {
		return false
	}
	c, err := s.o.Store.GetConsent(r.Context(), instID, req.client.ID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("oauthserver: authorize: get consent for an error redirect")
		}
		return false
	}
	return c.RevokedAt.IsZero() && matchRedirect(c.RedirectURI, req.redirectURI)
}

// authorizeErrorPage answers an /authorize error that is not redirected:
// the OAuth error as JSON for a client that prefers JSON, otherwise our
// HTML error page naming the application and the error code.
func (s *Server) authorizeErrorPage(w http.ResponseWriter, r *http.Request, status int, client, code, desc string) {
	if prefersJSON(r) {
		writeOAuthError(w, status, code, desc)
		return
	}
	msg := "The authorization request could not be accepted: " + desc + "."
	if client != "" {
		msg = "The application “" + client + "” sent an authorization request this server cannot accept: " + desc + "."
	}
	s.render(w, status, "error", errorPageData{
		Title:   "This request could not be completed",
		Message: msg,
		Code:    code,
		Detail:  "For your safety you were not sent back to the application. Tell its developer the error code above.",
	})
}

// pageOrJSON is errorPage, or the OAuth error code with message as JSON
// for a client that prefers JSON.
func (s *Server) pageOrJSON(w http.ResponseWriter, r *http.Request, status int, code, title, message string) {
	if prefersJSON(r) {
		writeOAuthError(w, status, code, message)
		return
	}
	s.errorPage(w, status, title, message)
}
