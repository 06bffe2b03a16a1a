package slackoauth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// handleRevokePage shows the disconnect form. It holds no secret and
// needs no cookie: the token typed into it is the authorization.
func (s *Service) handleRevokePage(w http.ResponseWriter, _ *http.Request) {
	render(w, http.StatusOK, "revoke", struct{ Action string }{"/oauth/revoke"}, "")
}

// handleRevoke disconnects the installation a personal access token
// belongs to. The token comes from "Authorization: Bearer" or the form
// field "token" (never the query string); cookies play no part, so a
// cross-site form cannot revoke anything without knowing the token.
func (s *Service) handleRevoke(w http.ResponseWriter, r *http.Request) {
	token, tooLarge := revokeToken(r)
	if tooLarge {
		respondError(w, r, CodeRequestTooLarge, false)
		return
	}
	hash, err := parsePAT(token)
	if err != nil {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		respondError(w, r, CodeInvalidToken, false)
		return
	}
	pat, err := s.o.Store.GetPAT(r.Context(), hash)
	if errors.Is(err, store.ErrNotFound) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		respondError(w, r, CodeInvalidToken, false)
		return
	}
	if err != nil {
		s.internal(w, r, "revoke: get token", err, false)
		return
	}
	in, err := s.o.Store.GetInstallation(r.Context(), pat.InstallationID)
	if errors.Is(err, store.ErrNotFound) {
		respondError(w, r, CodeInvalidToken, false)
		return
	}
	if err != nil {
		s.internal(w, r, "revoke: get installation", err, false)
		return
	}
	if err := s.Disconnect(r.Context(), in); err != nil {
		s.internal(w, r, "revoke installation", err, false)
		return
	}
	s.audit(r, store.AuditEvent{Event: "token_revoked", Outcome: "ok",
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID})
	if prefersHTML(r.Header.Get("Accept"), false) {
		render(w, http.StatusOK, "revoked", nil, "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": true})
}

// revokeToken reads the token from the Authorization header or the form.
func revokeToken(r *http.Request) (token string, tooLarge bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok), false
		}
		return "", false
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		return "", errors.As(err, &mbe)
	}
	return strings.TrimSpace(r.PostForm.Get("token")), false
}
