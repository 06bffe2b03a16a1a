package oauthserver

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// tokenError is an RFC 6749 §5.2 error answer.
type tokenError struct {
	status int
	code   string
	desc   string
}

func (e *tokenError) Error() string { return e.code + ": " + e.desc }

func tokErr(status int, code, desc string) *tokenError {
	return &tokenError{status: status, code: code, desc: desc}
}

func invalidRequest(desc string) *tokenError {
	return tokErr(http.StatusBadRequest, "invalid_request", desc)
}

func invalidGrant(desc string) *tokenError {
	return tokErr(http.StatusBadRequest, "invalid_grant", desc)
}

func invalidClient(desc string) *tokenError {
	return tokErr(http.StatusUnauthorized, "invalid_client", desc)
}

// tokenRequest is a parsed /token or /revoke request: single-valued form
// parameters plus HTTP Basic client credentials when sent.
type tokenRequest struct {
	form                 map[string]string
	basic                bool
	basicID, basicSecret string
}

func (t tokenRequest) get(k string) string { return t.form[k] }

// parseTokenRequest parses an application/x-www-form-urlencoded body and
// the Authorization header. Repeated parameters, two client
// authentication methods and malformed Basic credentials are refused
// (RFC 6749 §2.3, §3.2).
func parseTokenRequest(contentType, authorization string, body []byte) (tokenRequest, *tokenError) {
	var req tokenRequest
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/x-www-form-urlencoded" {
		return req, invalidRequest("the body must be application/x-www-form-urlencoded")
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return req, invalidRequest("the body is not valid form encoding")
	}
	req.form = make(map[string]string, len(vals))
	for k, vs := range vals {
		if len(vs) != 1 {
			return req, invalidRequest("parameter " + truncate(k, 40) + " is repeated")
		}
		req.form[k] = vs[0]
	}
	if authorization != "" {
		scheme, cred, ok := strings.Cut(authorization, " ")
		if !ok || !strings.EqualFold(scheme, "Basic") {
			return req, invalidClient("unsupported Authorization scheme")
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cred))
		if err != nil {
			return req, invalidClient("malformed Basic credentials")
		}
		id, secret, ok := strings.Cut(string(raw), ":")
		if !ok {
			return req, invalidClient("malformed Basic credentials")
		}
		// RFC 6749 §2.3.1: both are form-encoded before Basic encoding.
		if id, err = url.QueryUnescape(id); err != nil || id == "" {
			return req, invalidClient("malformed Basic credentials")
		}
		if secret, err = url.QueryUnescape(secret); err != nil {
			return req, invalidClient("malformed Basic credentials")
		}
		req.basic, req.basicID, req.basicSecret = true, id, secret
		if _, ok := req.form["client_secret"]; ok {
			return req, invalidRequest("use one client authentication method, not two")
		}
		if cid, ok := req.form["client_id"]; ok && cid != id {
			return req, invalidRequest("client_id differs from the Basic credentials")
		}
	}
	return req, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// readTokenRequest reads and parses the request.
func readTokenRequest(r *http.Request) (tokenRequest, *tokenError) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return tokenRequest{}, tokErr(http.StatusRequestEntityTooLarge, "invalid_request", "request body larger than 16 KB")
		}
		return tokenRequest{}, invalidRequest("could not read the request body")
	}
	return parseTokenRequest(r.Header.Get("Content-Type"), r.Header.Get("Authorization"), body)
}

// authenticateClient applies the client's registered method: none
// (public clients, CIMD) or its secret by Basic or in the body (either is
// accepted for a secret client).
func (s *Server) authenticateClient(ctx context.Context, req tokenRequest) (store.Client, *tokenError) {
	id, secret := req.get("client_id"), req.get("client_secret")
	if req.basic {
		id, secret = req.basicID, req.basicSecret
	}
	if id == "" {
		return store.Client{}, invalidClient("client authentication is required")
	}
	c, err := s.lookupClient(ctx, id)
	if errors.Is(err, errUnknownClient) {
		return store.Client{}, invalidClient("unknown client")
	}
	if err != nil {
		return store.Client{}, tokErr(http.StatusInternalServerError, "server_error", err.Error())
	}
	switch c.AuthMethod {
	case authNone:
		if secret != "" {
			return store.Client{}, invalidClient("this client is public and has no secret")
		}
	case authPost, authBasic:
		if secret == "" || c.SecretHash == "" ||
			subtle.ConstantTimeCompare([]byte(sha256Hex(secret)), []byte(c.SecretHash)) != 1 {
			return store.Client{}, invalidClient("client authentication failed")
		}
	default:
		return store.Client{}, invalidClient("client authentication failed")
	}
	return c, nil
}

// tokenResponse is RFC 6749 §5.1's answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
}

// handleToken serves POST /token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	req, terr := readTokenRequest(r)
	if terr == nil {
		var c store.Client
		if c, terr = s.authenticateClient(r.Context(), req); terr == nil {
			var resp tokenResponse
			switch req.get("grant_type") {
			case "authorization_code":
				resp, terr = s.grantCode(r, c, req)
			case "refresh_token":
				resp, terr = s.grantRefresh(r, c, req)
			case "":
				terr = invalidRequest("grant_type is required")
			default:
				terr = tokErr(http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
			}
			if terr == nil {
				if err := s.o.Store.TouchClient(r.Context(), c.ID, s.o.Now()); err != nil {
					s.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("oauthserver: touching client")
				}
				writeJSON(w, http.StatusOK, resp)
				return
			}
		}
	}
	s.writeTokenError(w, r, req, terr)
}

func (s *Server) writeTokenError(w http.ResponseWriter, r *http.Request, req tokenRequest, e *tokenError) {
	if e.status >= 500 {
		s.o.Logger.Error().Ctx(r.Context()).Str("path", r.URL.Path).Str("reason", e.desc).Msg("oauthserver: token endpoint failure")
		e.desc = "internal error; please try again later"
	}
	if e.status == http.StatusUnauthorized && (req.basic || strings.HasPrefix(r.Header.Get("Authorization"), "Basic")) {
		w.Header().Set("WWW-Authenticate", `Basic realm="slack-mcp-server", charset="UTF-8"`)
	}
	writeOAuthError(w, e.status, e.code, e.desc)
}

// grantCode redeems an authorization code: single use (a replay revokes
// what the code issued), bound to the client, redirect URI, resource and
// PKCE challenge. The checks run inside the store's redemption, which
// stores the new tokens in the same transaction, so a replay racing the
// first redemption still finds (and revokes) them. A refused attempt uses
// the code up.
func (s *Server) grantCode(r *http.Request, c store.Client, req tokenRequest) (tokenResponse, *tokenError) {
	ctx := r.Context()
	code, verifier := req.get("code"), req.get("code_verifier")
	switch {
	case code == "":
		return tokenResponse{}, invalidRequest("code is required")
	case verifier == "":
		return tokenResponse{}, invalidRequest("code_verifier is required (PKCE)")
	case checkRandom(code) != nil:
		return tokenResponse{}, invalidGrant("the code is invalid, expired or already used")
	}
	now := s.o.Now()
	codeHash := sha256Hex(code)
	var resp tokenResponse
	ac, err := s.o.Store.RedeemCode(ctx, codeHash, now, func(ac store.AuthCode) ([]store.Token, error) {
		if terr := s.checkCode(ac, c, req, verifier); terr != nil {
			return nil, terr
		}
		var toks []store.Token
		resp, toks = s.newTokens(familyOf(codeHash), c.ID, ac.InstallationID, ac.Scope, ac.Scope, ac.Resource, now)
		return toks, nil
	})
	var terr *tokenError
	switch {
	case errors.As(err, &terr):
		return tokenResponse{}, terr
	case errors.Is(err, store.ErrAlreadyExists):
		// The store revoked the family in the replay's transaction; asking
		// again (idempotent) tells whether the code had bought anything.
		outcome := "family_revoked"
		if rerr := s.o.Store.RevokeFamily(ctx, familyOf(codeHash), now); errors.Is(rerr, store.ErrNotFound) {
			outcome = "no_tokens" // its redemption had been refused
		} else if rerr != nil {
			return tokenResponse{}, tokErr(http.StatusInternalServerError, "server_error", "revoke family: "+rerr.Error())
		}
		s.auditInstallation(r, store.AuditEvent{Event: "code_replay", Outcome: outcome,
			Detail: clientDetail(c.ID) + " code=" + fp(codeHash)}, ac.InstallationID)
		return tokenResponse{}, invalidGrant("the code is invalid, expired or already used")
	case errors.Is(err, store.ErrNotFound):
		return tokenResponse{}, invalidGrant("the code is invalid, expired or already used")
	case err != nil:
		return tokenResponse{}, tokErr(http.StatusInternalServerError, "server_error", "redeem code: "+err.Error())
	}
	s.auditInstallation(r, store.AuditEvent{Event: "code_redeemed", Outcome: "ok",
		Detail: clientDetail(c.ID) + " family=" + fp(familyOf(codeHash))}, ac.InstallationID)
	return resp, nil
}

// checkCode binds a code to the client, redirect URI, resource and PKCE
// verifier of the request redeeming it. It runs inside the store's
// transaction: no store calls.
func (s *Server) checkCode(ac store.AuthCode, c store.Client, req tokenRequest, verifier string) *tokenError {
	if ac.ClientID != c.ID {
		return invalidGrant("the code was issued to another client")
	}
	if ru := req.get("redirect_uri"); ru != "" && ru != ac.RedirectURI {
		return invalidGrant("redirect_uri differs from the authorization request's")
	}
	if _, ok := req.form["resource"]; ok {
		if res, ok := s.canonicalResource(req.get("resource")); !ok || res != ac.Resource {
			return tokErr(http.StatusBadRequest, "invalid_target", "resource differs from the authorization request's")
		}
	}
	if !verifyPKCE(verifier, ac.CodeChallenge) {
		return invalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// familyOf names the token family a code starts.
func familyOf(codeHash string) string { return codeHash }

// verifyPKCE checks an RFC 7636 verifier (43–128 unreserved characters)
// against an S256 challenge in constant time.
func verifyPKCE(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 || challenge == "" {
		return false
	}
	for i := 0; i < len(verifier); i++ {
		c := verifier[i]
		if !(isB64URL(c) || c == '.' || c == '~') {
			return false
		}
	}
	got := oauth2.S256ChallengeFromVerifier(verifier)
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

// grantRefresh rotates a refresh token; reuse of a rotated one revokes
// its whole family. The checks run inside the store's rotation, which
// stores the new tokens in the same transaction: of parallel refreshes of
// one token exactly one wins, and a loser's reuse revokes the winner's new
// tokens too.
func (s *Server) grantRefresh(r *http.Request, c store.Client, req tokenRequest) (tokenResponse, *tokenError) {
	ctx := r.Context()
	raw := req.get("refresh_token")
	if raw == "" {
		return tokenResponse{}, invalidRequest("refresh_token is required")
	}
	hash, err := s.parseToken(raw, tenant.RefreshTokenPrefix)
	if err != nil {
		return tokenResponse{}, invalidGrant("the refresh token is invalid, expired or revoked")
	}
	now := s.o.Now()
	var resp tokenResponse
	t, err := s.o.Store.RotateRefresh(ctx, hash, now, func(t store.Token) ([]store.Token, error) {
		scope, terr := s.checkRefresh(t, c, req)
		if terr != nil {
			return nil, terr // the token stays as it was
		}
		// The new refresh token keeps the original grant (RFC 6749 §6);
		// the access token gets the possibly narrowed scope.
		var toks []store.Token
		resp, toks = s.newTokens(t.FamilyID, c.ID, t.InstallationID, scope, t.Scope, t.Resource, now)
		return toks, nil
	})
	var terr *tokenError
	switch {
	case errors.As(err, &terr):
		return tokenResponse{}, terr
	case errors.Is(err, store.ErrAlreadyExists):
		// Reuse (whichever client presents it): the store has revoked the
		// family in the same transaction.
		s.auditInstallation(r, store.AuditEvent{Event: "refresh_reuse", Outcome: "family_revoked",
			Detail: clientDetail(c.ID) + " token=" + fp(hash) + " family=" + fp(t.FamilyID)}, t.InstallationID)
		return tokenResponse{}, invalidGrant("the refresh token is invalid, expired or revoked")
	case errors.Is(err, store.ErrNotFound):
		return tokenResponse{}, invalidGrant("the refresh token is invalid, expired or revoked")
	case err != nil:
		return tokenResponse{}, tokErr(http.StatusInternalServerError, "server_error", "rotate refresh token: "+err.Error())
	}
	s.auditInstallation(r, store.AuditEvent{Event: "token_refreshed", Outcome: "ok",
		Detail: clientDetail(c.ID) + " family=" + fp(t.FamilyID)}, t.InstallationID)
	return resp, nil
}

// checkRefresh checks a refresh request against the valid refresh token
// t and returns the access token's scope. It runs inside the store's
// transaction: no store calls.
func (s *Server) checkRefresh(t store.Token, c store.Client, req tokenRequest) (string, *tokenError) {
	if t.ClientID != c.ID {
		return "", invalidGrant("the refresh token was issued to another client")
	}
	if _, ok := req.form["resource"]; ok {
		if res, ok := s.canonicalResource(req.get("resource")); !ok || res != t.Resource {
			return "", tokErr(http.StatusBadRequest, "invalid_target", "resource differs from the original grant's")
		}
	}
	scope := t.Scope
	if sc, ok := req.form["scope"]; ok {
		want, ok := parseScope(sc)
		if !ok || !covers(splitScope(t.Scope), want) {
			return "", tokErr(http.StatusBadRequest, "invalid_scope", "scope may only narrow the original grant")
		}
		scope = joinScope(want)
	}
	// A grant from before write tools were turned off reads only now.
	return s.grantableScope(scope), nil
}

// newTokens makes a new access and refresh token pair of one family: the
// answer for the client and the rows for the store (hashes only).
func (s *Server) newTokens(family, clientID, installationID, accessScope, refreshScope, resource string, now time.Time) (tokenResponse, []store.Token) {
	at, rt := tenant.AccessTokenPrefix+newRandom(), tenant.RefreshTokenPrefix+newRandom()
	toks := []store.Token{
		{Hash: s.tokenHash(at), Kind: store.TokenAccess, Scope: accessScope, ExpiresAt: now.Add(s.o.AccessTTL)},
		{Hash: s.tokenHash(rt), Kind: store.TokenRefresh, Scope: refreshScope, ExpiresAt: now.Add(s.o.RefreshTTL)},
	}
	for i := range toks {
		toks[i].FamilyID, toks[i].ClientID, toks[i].InstallationID, toks[i].Resource, toks[i].CreatedAt = family, clientID, installationID, resource, now
	}
	return tokenResponse{
		AccessToken:  at,
		TokenType:    "Bearer",
		ExpiresIn:    int64(s.o.AccessTTL.Seconds()),
		RefreshToken: rt,
		Scope:        accessScope,
	}, toks
}

// handleRevoke serves POST /revoke (RFC 7009): an access token alone, or
// a refresh token with its whole family. Revoking a refresh token is how
// a client signs out, so it also forgets the person's consent to that
// client: the next authorization asks again. Unknown tokens, and tokens
// of other clients, are answered 200 without effect.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	req, terr := readTokenRequest(r)
	if terr != nil {
		s.writeTokenError(w, r, req, terr)
		return
	}
	c, terr := s.authenticateClient(r.Context(), req)
	if terr != nil {
		s.writeTokenError(w, r, req, terr)
		return
	}
	raw := req.get("token")
	if raw == "" {
		s.writeTokenError(w, r, req, invalidRequest("token is required"))
		return
	}
	ctx := r.Context()
	now := s.o.Now()
	var hash string
	for _, p := range []string{tenant.AccessTokenPrefix, tenant.RefreshTokenPrefix} {
		if h, err := s.parseToken(raw, p); err == nil {
			hash = h
		}
	}
	if hash != "" {
		t, err := s.o.Store.GetToken(ctx, hash, now)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			s.internal(w, r, "revoke: get token", err)
			return
		case t.ClientID != c.ID:
			s.o.Logger.Info().Ctx(r.Context()).Str("token", fp(hash)).Msg("oauthserver: revoke of another client's token ignored")
		case t.Kind == store.TokenRefresh:
			// The consent first: if anything fails, the refresh token
			// still works, so the client's retry finishes the job.
			forgot := true
			if err := s.o.Store.RevokeConsent(ctx, t.InstallationID, c.ID, now); errors.Is(err, store.ErrNotFound) {
				forgot = false
			} else if err != nil {
				s.internal(w, r, "revoke: forget consent", err)
				return
			}
			if err := s.o.Store.RevokeFamily(ctx, t.FamilyID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
				s.internal(w, r, "revoke: revoke family", err)
				return
			}
			s.auditInstallation(r, store.AuditEvent{Event: "token_revoked", Outcome: "family",
				Detail: clientDetail(c.ID) + " token=" + fp(hash) + " family=" + fp(t.FamilyID)}, t.InstallationID)
			if forgot {
				s.auditInstallation(r, store.AuditEvent{Event: "consent_revoked", Outcome: "client_revoke",
					Detail: clientDetail(c.ID)}, t.InstallationID)
			}
		default:
			if err := s.o.Store.RevokeToken(ctx, hash, now); err != nil && !errors.Is(err, store.ErrNotFound) {
				s.internal(w, r, "revoke: revoke token", err)
				return
			}
			s.auditInstallation(r, store.AuditEvent{Event: "token_revoked", Outcome: "access",
				Detail: clientDetail(c.ID) + " token=" + fp(hash)}, t.InstallationID)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
