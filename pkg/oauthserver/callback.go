package oauthserver

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// HandleSlackCallback is a slackoauth.Unclaimed: when stateHash is
// the Slack state of one of our transactions, it consumes the
// transaction, checks the browser binding, lets slackoauth exchange the
// Slack code and store the grant, remembers the consent, opens a browser
// session, issues our code and redirects to the client.
func (s *Server) HandleSlackCallback(w http.ResponseWriter, r *http.Request, stateHash string, exchange slackoauth.ExchangeFunc) bool {
	ctx := r.Context()
	now := s.o.Now()
	txn, err := s.o.Store.ConsumeTxnBySlackState(ctx, stateHash, now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false
	case err != nil:
		s.internalPage(w, r, "callback: consume transaction", err)
		return true
	}
	if !s.browserBound(r, txn) {
		// Not the browser that consented (login CSRF): never redirect.
		s.audit(r, store.AuditEvent{Event: "slack_callback_error", Outcome: "browser_mismatch", Detail: clientDetail(txn.ClientID)})
		s.errorPage(w, http.StatusBadRequest, "Invalid request",
			"This sign-in was finished in a different browser than the one that started it. Start again from your application.")
		return true
	}
	http.SetCookie(w, s.txnCookieFor(txn.IDHash, "", -1))

	scopes := splitScope(txn.Scope)
	in, err := exchange(ctx, s.slackScopes(scopes))
	if err != nil {
		code, desc := "server_error", "Slack did not complete the authorization"
		switch slackoauth.ErrorCode(err) {
		case slackoauth.CodeAccessDenied:
			code, desc = "access_denied", "the Slack authorization was cancelled"
		case slackoauth.CodeInvalidScope:
			code, desc = "access_denied", "Slack granted fewer permissions than requested"
		}
		s.audit(r, store.AuditEvent{Event: "slack_callback_error", Outcome: code, Detail: clientDetail(txn.ClientID)})
		s.redirectError(w, r, txn.RedirectURI, txn.ClientState, code, desc)
		return true
	}
	who := store.AuditEvent{EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID, Detail: clientDetail(txn.ClientID)}

	if err := s.o.Store.PutConsent(ctx, store.Consent{
		InstallationID: in.ID, ClientID: txn.ClientID, Scope: txn.Scope, RedirectURI: txn.RedirectURI, GrantedAt: now,
	}); err != nil {
		s.internalPage(w, r, "callback: put consent", err)
		return true
	}
	if err := s.StartBrowserSession(w, r, in.ID); err != nil {
		s.internalPage(w, r, "callback: create browser session", err)
		return true
	}
	// After the session linked the person's installations: the other
	// workspaces they ticked get the consent too.
	if err := s.consentPicked(ctx, txn, in.ID, now); err != nil {
		s.internalPage(w, r, "callback: consent in the chosen workspaces", err)
		return true
	}
	code, err := s.issueCode(ctx, txn.ClientID, in.ID, txn.RedirectURI, txn.CodeChallenge, txn.Scope, txn.Resource)
	if err != nil {
		s.internalPage(w, r, "callback: issue code", err)
		return true
	}
	s.loginCompleted(w, r, http.StatusFound, who, txn, code, now)
	return true
}

// loginCompleted audits and counts a completed MCP login (its time, for
// the admin page's funnel) and sends the browser back to the client
// with the code.
func (s *Server) loginCompleted(w http.ResponseWriter, r *http.Request, status int, who store.AuditEvent, txn store.AuthTxn, code string, now time.Time) {
	who.Event, who.Outcome = "code_issued", "ok"
	who.Detail = clientDetail(txn.ClientID) + " ms=" + strconv.FormatInt(now.Sub(txn.CreatedAt).Milliseconds(), 10)
	s.audit(r, who)
	s.o.Metrics.LoginCompleted("mcp", now.Sub(txn.CreatedAt))
	s.redirectCode(w, r, status, txn.RedirectURI, txn.ClientState, code)
}

// StartBrowserSession signs this browser in to installationID (replacing
// any session it had): a random HttpOnly, SameSite=Lax cookie
// (__Host- and Secure on HTTPS) whose hash the store keeps, for
// sessionTTL. The MCP authorization flow and the browser connect flow
// both end with it, so either lets the person manage their connections.
func (s *Server) StartBrowserSession(w http.ResponseWriter, r *http.Request, installationID string) error {
	ctx := r.Context()
	if old, err := r.Cookie(s.sessCookie); err == nil && checkRandom(old.Value) == nil {
		// The same browser, signed in to another installation, connected
		// this one: one person's (see Options.SignedInAgain).
		prev, err := s.o.Store.GetBrowserSession(ctx, sha256Hex(old.Value), s.o.Now())
		if err == nil && prev != installationID && s.o.SignedInAgain != nil {
			if err := s.o.SignedInAgain(ctx, prev, installationID); err != nil {
				s.o.Logger.Warn().Ctx(ctx).Err(err).Msg("oauthserver: linking the installations of one person")
			}
		}
		if err := s.o.Store.DeleteBrowserSession(ctx, sha256Hex(old.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.o.Logger.Warn().Ctx(ctx).Err(err).Msg("oauthserver: deleting old browser session")
		}
	}
	sess := newRandom()
	if err := s.o.Store.CreateBrowserSession(ctx, sha256Hex(sess), installationID, s.o.Now().Add(sessionTTL)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.sessCookie, Value: sess, Path: "/", MaxAge: int(sessionTTL / time.Second),
		Secure: s.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// EndBrowserSession signs this browser out: the session is deleted and
// its cookie cleared.
func (s *Server) EndBrowserSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(s.sessCookie); err == nil && checkRandom(c.Value) == nil {
		if err := s.o.Store.DeleteBrowserSession(r.Context(), sha256Hex(c.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: s.secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return nil
}
