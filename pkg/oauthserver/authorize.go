package oauthserver

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

const maxStateLen = 1024

// authzRequest is a validated /authorize request.
type authzRequest struct {
	client      store.Client
	redirectURI string
	state       string
	challenge   string
	scopes      []string
	resource    string
	prompt      string
}

// handleAuthorize serves GET /authorize: validate, then issue a code at
// once (remembered consent and a Slack grant that covers the scopes), go
// to Slack (remembered consent only), or show the consent page.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"client_id", "redirect_uri", "state", "response_type", "code_challenge", "code_challenge_method", "scope", "resource"} {
		if len(q[k]) > 1 && k != "resource" {
			s.pageOrJSON(w, r, http.StatusBadRequest, "invalid_request", "Invalid request", "The parameter "+k+" was sent more than once.")
			return
		}
	}
	clientID := q.Get("client_id")
	client, err := s.lookupClient(r.Context(), clientID)
	switch {
	case errors.Is(err, errUnknownClient):
		s.pageOrJSON(w, r, http.StatusBadRequest, "invalid_client", "Unknown application",
			"The application that sent you here is not registered with this server (or its client metadata document could not be used).")
		return
	case err != nil:
		s.internalPage(w, r, "authorize: look up client", err)
		return
	}
	redirectURI := q.Get("redirect_uri")
	if redirectURI == "" && len(client.RedirectURIs) == 1 && !onlyLoopback(client.RedirectURIs) {
		redirectURI = client.RedirectURIs[0]
	}
	if redirectURI == "" || !allowedRedirect(client.RedirectURIs, redirectURI) {
		s.audit(r, store.AuditEvent{Event: "authorize_started", Outcome: "invalid_redirect_uri", Detail: clientDetail(client.ID)})
		s.pageOrJSON(w, r, http.StatusBadRequest, "invalid_request", "Invalid redirect address",
			"The application asked to be sent back to an address it did not register, so this request was stopped.")
		return
	}
	// From here on errors go back to the client, if that is safe.
	req := authzRequest{client: client, redirectURI: redirectURI, state: q.Get("state"), prompt: q.Get("prompt")}
	fail := func(code, desc string) {
		s.audit(r, store.AuditEvent{Event: "authorize_started", Outcome: code, Detail: clientDetail(client.ID)})
		if !s.mayRedirectErrors(r, req) {
			s.authorizeErrorPage(w, r, http.StatusBadRequest, client.Name, code, desc)
			return
		}
		s.redirectError(w, r, req.redirectURI, req.state, code, desc)
	}
	if len(req.state) > maxStateLen {
		req.state = ""
		fail("invalid_request", "state is too long")
		return
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail("unsupported_response_type", "response_type must be code")
		return
	}
	if m := q.Get("code_challenge_method"); m != "S256" {
		fail("invalid_request", "PKCE is required: code_challenge_method must be S256")
		return
	}
	req.challenge = q.Get("code_challenge")
	if checkChallenge(req.challenge) != nil {
		fail("invalid_request", "PKCE is required: code_challenge must be a base64url SHA-256 (43 characters)")
		return
	}
	if len(q["resource"]) > 1 {
		fail("invalid_target", "only one resource may be requested")
		return
	}
	res, ok := s.canonicalResource(q.Get("resource"))
	if !ok {
		fail("invalid_target", "resource must be this server ("+s.issuer+")")
		return
	}
	req.resource = res
	scopes, ok := parseScope(q.Get("scope"))
	if !ok {
		fail("invalid_scope", "scope may contain only slack:read and slack:write")
		return
	}
	req.scopes = s.grantable(scopes)

	if req.prompt != "consent" {
		done, err := s.remembered(w, r, req)
		if err != nil {
			s.internalPage(w, r, "authorize: remembered consent", err)
			return
		}
		if done {
			return
		}
	}
	if req.prompt == "none" {
		fail("consent_required", "this client needs your consent first")
		return
	}
	s.showConsent(w, r, req)
}

// checkChallenge accepts an S256 challenge: 43 base64url characters.
func checkChallenge(c string) error {
	if len(c) != 43 {
		return errMalformed
	}
	for i := 0; i < len(c); i++ {
		if !isB64URL(c[i]) {
			return errMalformed
		}
	}
	return nil
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// remembered handles a browser whose session names an installation that
// already consented to this client for these scopes and redirect: a code
// at once when the Slack grant covers the Slack scopes, otherwise straight
// to Slack. It reports whether it answered.
func (s *Server) remembered(w http.ResponseWriter, r *http.Request, req authzRequest) (bool, error) {
	c, err := r.Cookie(s.sessCookie)
	if err != nil || checkRandom(c.Value) != nil {
		return false, nil
	}
	ctx := r.Context()
	now := s.o.Now()
	instID, err := s.o.Store.GetBrowserSession(ctx, sha256Hex(c.Value), now)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get browser session: %w", err)
	}
	consent, err := s.o.Store.GetConsent(ctx, instID, req.client.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get consent: %w", err)
	}
	if !consent.RevokedAt.IsZero() || !covers(splitScope(consent.Scope), req.scopes) || !matchRedirect(consent.RedirectURI, req.redirectURI) {
		return false, nil
	}
	in, err := s.o.Store.GetInstallation(ctx, instID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get installation: %w", err)
	}
	if in.Status != store.StatusActive || in.AccessToken == "" {
		return false, nil
	}
	who := store.AuditEvent{EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID, Detail: clientDetail(req.client.ID)}
	if covers(in.Scopes, s.slackScopes(req.scopes)) {
		code, err := s.issueCode(ctx, req.client.ID, in.ID, req.redirectURI, req.challenge, joinScope(req.scopes), req.resource)
		if err != nil {
			return false, err
		}
		e := who
		e.Event, e.Outcome = "authorize_started", "remembered"
		s.audit(r, e)
		e.Event, e.Outcome = "code_issued", "ok"
		s.audit(r, e)
		s.redirectCode(w, r, http.StatusFound, req.redirectURI, req.state, code)
		return true, nil
	}
	// Consent is remembered but Slack must grant more scopes.
	txn, nonce, _, err := s.newTxn(ctx, req)
	if err != nil {
		return false, err
	}
	slackState := newRandom()
	if err := s.o.Store.SetTxnSlackState(ctx, txn.IDHash, sha256Hex(slackState), nil, now); err != nil {
		return false, fmt.Errorf("set slack state: %w", err)
	}
	e := who
	e.Event, e.Outcome = "authorize_started", "remembered_slack"
	s.audit(r, e)
	http.SetCookie(w, s.txnCookieFor(txn.IDHash, nonce, int(s.o.TxnTTL/time.Second)))
	s.redirect(w, r, http.StatusFound, s.o.Slack.AuthorizeURL(slackState, s.slackScopes(req.scopes)))
	return true, nil
}

// newTxn stores a transaction for req and returns it with the browser
// nonce and the CSRF token (both shown once).
func (s *Server) newTxn(ctx context.Context, req authzRequest) (store.AuthTxn, string, string, error) {
	id, csrf, nonce := newRandom(), newRandom(), newRandom()
	now := s.o.Now()
	t := store.AuthTxn{
		IDHash:        sha256Hex(id),
		ClientID:      req.client.ID,
		RedirectURI:   req.redirectURI,
		CodeChallenge: req.challenge,
		Scope:         joinScope(req.scopes),
		Resource:      req.resource,
		ClientState:   req.state,
		CSRFHash:      sha256Hex(csrf),
		NonceHash:     sha256Hex(nonce),
		CreatedAt:     now,
		ExpiresAt:     now.Add(s.o.TxnTTL),
	}
	if err := s.o.Store.CreateTxn(ctx, t); err != nil {
		return store.AuthTxn{}, "", "", fmt.Errorf("create transaction: %w", err)
	}
	// The transaction id travels in the form; its hash keys the row.
	return t, nonce, id + "." + csrf, nil
}

// showConsent stores a transaction and renders the consent page.
func (s *Server) showConsent(w http.ResponseWriter, r *http.Request, req authzRequest) {
	txn, nonce, idAndCSRF, err := s.newTxn(r.Context(), req)
	if err != nil {
		s.internalPage(w, r, "authorize", err)
		return
	}
	id, csrf, _ := strings.Cut(idAndCSRF, ".")
	s.audit(r, store.AuditEvent{Event: "authorize_started", Outcome: "consent_page", Detail: clientDetail(req.client.ID)})

	name := req.client.Name
	if name == "" {
		name = req.client.ID
	}
	read, write := s.permissions(req.scopes)
	page := consentPage{
		ClientName:    name,
		ClientID:      req.client.ID,
		ClientIDShown: name != req.client.ID,
		RedirectHost:  redirectHost(req.redirectURI),
		RedirectURI:   req.redirectURI,
		LocalhostOnly: onlyLoopback(req.client.RedirectURIs),
		Access:        accessText(req.scopes),
		Permissions:   read,
		WriteActions:  write,
		Txn:           id,
		CSRF:          csrf,
	}
	if u, err := url.Parse(req.redirectURI); err == nil && !isWebScheme(u.Scheme) {
		page.OtherProgram, page.Scheme = true, u.Scheme
	}
	if list, err := s.pickable(r); err != nil {
		s.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("oauthserver: listing the person's workspaces")
	} else {
		page.Workspaces = workspaceOptions(list)
	}
	http.SetCookie(w, s.txnCookieFor(txn.IDHash, nonce, int(s.o.TxnTTL/time.Second)))
	s.renderCSP(w, http.StatusOK, "consent", page, s.consentCSP(req.redirectURI))
}

// txnCookieFor binds one transaction to this browser. The name carries a
// prefix of the transaction hash so parallel authorizations in one
// browser do not overwrite each other; maxAge < 0 deletes it.
func (s *Server) txnCookieFor(idHash, nonce string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     s.txnCookie + "_" + idHash[:16],
		Value:    nonce,
		Path:     "/",
		MaxAge:   maxAge,
		Secure:   s.secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// browserBound reports whether r carries the cookie of transaction t.
func (s *Server) browserBound(r *http.Request, t store.AuthTxn) bool {
	c, err := r.Cookie(s.txnCookie + "_" + t.IDHash[:16])
	if err != nil || checkRandom(c.Value) != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(sha256Hex(c.Value)), []byte(t.NonceHash)) == 1
}

// handleConsent serves POST /authorize/consent: CSRF token and browser
// cookie checked, then Deny back to the client or Approve on to Slack
// with a Slack state minted only now.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The consent form could not be read.")
		return
	}
	f := r.PostForm
	id, csrf := f.Get("txn"), f.Get("csrf")
	if checkRandom(id) != nil || checkRandom(csrf) != nil {
		s.errorPage(w, http.StatusForbidden, "Invalid request", "The consent form is incomplete or was not sent by this server's page.")
		return
	}
	ctx := r.Context()
	now := s.o.Now()
	txn, err := s.o.Store.GetTxn(ctx, sha256Hex(id), now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.errorPage(w, http.StatusBadRequest, "This request has expired",
			"This authorization request expired or was already answered. Start again from your application.")
		return
	case err != nil:
		s.internalPage(w, r, "consent: get transaction", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(sha256Hex(csrf)), []byte(txn.CSRFHash)) != 1 || !s.browserBound(r, txn) {
		s.audit(r, store.AuditEvent{Event: "consent_rejected", Outcome: "csrf", Detail: clientDetail(txn.ClientID)})
		s.errorPage(w, http.StatusForbidden, "Invalid request",
			"This consent form was not sent from the browser that started the authorization. Start again from your application.")
		return
	}
	if txn.SlackStateHash != "" {
		s.errorPage(w, http.StatusBadRequest, "Already answered", "This authorization request was already answered. Start again from your application.")
		return
	}
	switch f.Get("decision") {
	case "deny":
		// Burn the transaction so a later Approve cannot revive it.
		if err := s.o.Store.SetTxnSlackState(ctx, txn.IDHash, sha256Hex(newRandom()), nil, now); err != nil && !errors.Is(err, store.ErrAlreadyExists) {
			s.internalPage(w, r, "consent: close transaction", err)
			return
		}
		http.SetCookie(w, s.txnCookieFor(txn.IDHash, "", -1))
		s.audit(r, store.AuditEvent{Event: "consent_denied", Outcome: "access_denied", Detail: clientDetail(txn.ClientID)})
		s.redirectError303(w, r, txn.RedirectURI, txn.ClientState, "access_denied", "the person denied the request")
	case "approve", "another":
		chosen, hadPicker, err := s.picked(r, f["workspace"])
		switch {
		case errors.Is(err, errNotPickable):
			s.errorPage(w, http.StatusBadRequest, "Invalid request", "A workspace on the form is not one of yours. Start again from your application.")
			return
		case err != nil:
			s.internalPage(w, r, "consent: workspaces", err)
			return
		case hadPicker && len(chosen) == 0 && f.Get("decision") == "approve":
			s.errorPage(w, http.StatusBadRequest, "Choose a workspace", "Tick at least one workspace for the application, or connect another one. Go back to the form to choose.")
			return
		}
		if len(chosen) > 0 && f.Get("decision") == "approve" {
			done, err := s.approveHere(w, r, txn, chosen)
			if err != nil {
				s.internalPage(w, r, "consent: approve", err)
				return
			}
			if done {
				return
			}
		}
		slackState := newRandom()
		err = s.o.Store.SetTxnSlackState(ctx, txn.IDHash, sha256Hex(slackState), installationIDs(chosen), now)
		switch {
		case errors.Is(err, store.ErrAlreadyExists), errors.Is(err, store.ErrNotFound):
			s.errorPage(w, http.StatusBadRequest, "Already answered", "This authorization request was already answered or expired. Start again from your application.")
			return
		case err != nil:
			s.internalPage(w, r, "consent: set slack state", err)
			return
		}
		s.audit(r, store.AuditEvent{Event: "consent_granted", Outcome: "ok", Detail: clientDetail(txn.ClientID)})
		s.redirect(w, r, http.StatusSeeOther, s.o.Slack.AuthorizeURL(slackState, s.slackScopes(splitScope(txn.Scope))))
	default:
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "Choose Approve or Deny.")
	}
}

// issueCode stores a fresh authorization code and returns it.
func (s *Server) issueCode(ctx context.Context, clientID, installationID, redirectURI, challenge, scope, resource string) (string, error) {
	code := newRandom()
	now := s.o.Now()
	err := s.o.Store.CreateCode(ctx, store.AuthCode{
		Hash: sha256Hex(code), ClientID: clientID, InstallationID: installationID,
		RedirectURI: redirectURI, CodeChallenge: challenge, Scope: scope, Resource: resource,
		CreatedAt: now, ExpiresAt: now.Add(s.o.CodeTTL),
	})
	if err != nil {
		return "", fmt.Errorf("create code: %w", err)
	}
	// A successful authorization is use: the sweep of never-used
	// registrations must not take this client.
	if err := s.o.Store.TouchClient(ctx, clientID, now); err != nil {
		s.o.Logger.Warn().Ctx(ctx).Err(err).Msg("oauthserver: touching client")
	}
	return code, nil
}

// redirect answers with a redirect that leaks nothing through Referer or
// caches.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, status int, target string) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target, status)
}

// redirectCode sends the browser to the client with a code (RFC 9207 iss
// included); status is 303 after a POST.
func (s *Server) redirectCode(w http.ResponseWriter, r *http.Request, status int, redirectURI, state, code string) {
	v := url.Values{"code": {code}, "iss": {s.issuer}}
	if state != "" {
		v.Set("state", state)
	}
	s.redirect(w, r, status, withParams(redirectURI, v))
}

// redirectError sends an authorization error to a validated redirect URI.
func (s *Server) redirectError(w http.ResponseWriter, r *http.Request, redirectURI, state, code, desc string) {
	s.redirectErrorStatus(w, r, http.StatusFound, redirectURI, state, code, desc)
}

// redirectError303 is redirectError after a POST (RFC 9700 §4.12).
func (s *Server) redirectError303(w http.ResponseWriter, r *http.Request, redirectURI, state, code, desc string) {
	s.redirectErrorStatus(w, r, http.StatusSeeOther, redirectURI, state, code, desc)
}

func (s *Server) redirectErrorStatus(w http.ResponseWriter, r *http.Request, status int, redirectURI, state, code, desc string) {
	v := url.Values{"error": {code}, "iss": {s.issuer}}
	if desc != "" {
		v.Set("error_description", desc)
	}
	if state != "" {
		v.Set("state", state)
	}
	s.redirect(w, r, status, withParams(redirectURI, v))
}
