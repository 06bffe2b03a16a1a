package slackoauth

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/audit"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// handleAuthorize starts the flow: a pending authorization keyed by the
// hash of a fresh state, bound to this browser by a cookie nonce, then a
// 302 to Slack's authorize page asking for user scopes only.
func (s *Service) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	returnURL := q.Get("return_url")
	metadata := q.Get("metadata")
	if len(returnURL)+len(metadata) > maxMetadataBytes {
		respondError(w, r, CodeMetadataTooLarge, false)
		return
	}
	var meta []byte
	if metadata != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(metadata), &obj); err != nil || obj == nil {
			respondError(w, r, CodeInvalidMetadata, false)
			return
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, []byte(metadata)); err != nil {
			respondError(w, r, CodeInvalidMetadata, false)
			return
		}
		meta = buf.Bytes()
	}
	returnURL, err := checkReturnURL(returnURL, s.allowedOrigins)
	if err != nil {
		respondError(w, r, CodeInvalidReturnURL, false)
		return
	}

	state, nonce := newRandom(), newRandom()
	now := s.o.Now()
	p := store.Pending{
		StateHash: hashHex(state),
		NonceHash: hashHex(nonce),
		ReturnURL: returnURL,
		Metadata:  meta,
		Scopes:    s.o.UserScopes,
		CreatedAt: now,
		ExpiresAt: now.Add(s.o.StateTTL),
	}
	if err := s.o.Store.CreatePending(r.Context(), p); err != nil {
		s.internal(w, r, "create pending authorization", err, false)
		return
	}
	// Opportunistic sweep; a failure costs nothing but disk.
	if n, err := s.o.Store.SweepPending(r.Context(), now); err != nil {
		s.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("slackoauth: sweeping expired authorizations")
	} else if n > 0 {
		s.o.Logger.Debug().Ctx(r.Context()).Int("swept", n).Msg("slackoauth: expired authorizations removed")
	}
	s.audit(r, store.AuditEvent{Event: "oauth_initiated", Outcome: "ok"})

	http.SetCookie(w, s.bindingCookie(nonce, int(s.o.StateTTL.Seconds())))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, s.AuthorizeURL(state, s.o.UserScopes), http.StatusFound)
}

// bindingCookie carries the nonce that binds a pending authorization to
// the browser that started it; maxAge < 0 deletes it.
func (s *Service) bindingCookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     s.cookieName,
		Value:    value,
		Path:     s.cookiePath,
		MaxAge:   maxAge,
		Secure:   s.cookieSecure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// internal logs an unexpected failure (never with secrets) and answers 500.
func (s *Service) internal(w http.ResponseWriter, r *http.Request, what string, err error, htmlByDefault bool) {
	s.o.Logger.Error().Ctx(r.Context()).Err(err).Str("path", r.URL.Path).Msg("slackoauth: " + what)
	respondError(w, r, CodeInternal, htmlByDefault)
}

// audit records an event; a failure is logged, never shown.
func (s *Service) audit(r *http.Request, e store.AuditEvent) {
	audit.Writer{Component: "slackoauth", Store: s.o.Store, Logger: s.o.Logger, Now: s.o.Now, Metrics: s.o.Metrics}.Record(r, e)
}
