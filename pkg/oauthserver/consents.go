package oauthserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Paths of the consent management page and its revoke form.
const (
	ConsentsPath       = "/authorize/consents"
	ConsentsRevokePath = "/authorize/consents/revoke"
)

// consentsPage is what the consents template shows.
type consentsPage struct {
	Signed  bool // a browser session names an installation
	Team    string
	User    string // the Slack name, else the user ID
	UserID  string // shown after a name
	Revoked bool   // just revoked one (after the 303)
	Items   []consentItem
	CSRF    string
	MCPURL  string
}

type consentItem struct {
	ClientID, ClientName, RedirectHost string
	RedirectURI                        string
	ClientIDShown, Unregistered        bool
	Access                             string
	Permissions, WriteActions          []string
	GrantedAt                          string
}

// sessionInstallation returns the hash of this browser's session and the
// installation it names; ok is false without a (valid, unexpired) session.
func (s *Server) sessionInstallation(r *http.Request) (sessHash, installationID string, ok bool, err error) {
	c, cerr := r.Cookie(s.sessCookie)
	if cerr != nil || checkRandom(c.Value) != nil {
		return "", "", false, nil
	}
	sessHash = sha256Hex(c.Value)
	installationID, err = s.o.Store.GetBrowserSession(r.Context(), sessHash, s.o.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", "", false, nil
	case err != nil:
		return "", "", false, err
	}
	return sessHash, installationID, true, nil
}

// consentsCSRF is the revoke form's CSRF token: bound to the browser
// session (whose cookie is HttpOnly) and unforgeable without the token
// key, so no state is stored for it.
func (s *Server) consentsCSRF(sessHash string) string {
	m := hmac.New(sha256.New, s.o.TokenKey)
	m.Write([]byte("oauthserver consents csrf\x00"))
	m.Write([]byte(sessHash))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// handleConsents serves GET /authorize/consents: the consents remembered
// for the installation this browser's session names, each with a Revoke
// button. Without a session there is nothing to manage in this browser.
func (s *Server) handleConsents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page := consentsPage{MCPURL: s.issuer + "/mcp"}
	sessHash, instID, ok, err := s.sessionInstallation(r)
	if err != nil {
		s.internalPage(w, r, "consents: get browser session", err)
		return
	}
	if !ok {
		s.render(w, http.StatusOK, "consents", page)
		return
	}
	page.Signed, page.CSRF = true, s.consentsCSRF(sessHash)
	page.Revoked = r.URL.Query().Get("revoked") == "1"
	if in, err := s.o.Store.GetInstallation(ctx, instID); err == nil {
		page.Team, page.User, page.UserID = in.TeamName, in.UserName, in.UserID
		if page.User == "" {
			page.User, page.UserID = in.UserID, ""
		}
		if page.Team == "" {
			page.Team = in.TeamID
		}
	}
	consents, err := s.o.Store.ListConsents(ctx, instID)
	if err != nil {
		s.internalPage(w, r, "consents: list consents", err)
		return
	}
	for _, c := range consents {
		item := consentItem{
			ClientID:     c.ClientID,
			ClientName:   c.ClientID,
			RedirectHost: redirectHost(c.RedirectURI),
			RedirectURI:  c.RedirectURI,
			GrantedAt:    c.GrantedAt.UTC().Format("2 January 2006, 15:04 UTC"),
		}
		// The stored registration only: listing never fetches a CIMD.
		cl, err := s.o.Store.GetClient(ctx, c.ClientID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			item.Unregistered = true
		case err != nil:
			s.internalPage(w, r, "consents: get client", err)
			return
		case cl.Name != "":
			item.ClientName = cl.Name
			item.ClientIDShown = cl.Name != cl.ID
		}
		scopes := s.grantable(splitScope(c.Scope))
		item.Access = accessText(scopes)
		item.Permissions, item.WriteActions = s.permissions(scopes)
		page.Items = append(page.Items, item)
	}
	s.render(w, http.StatusOK, "consents", page)
}

// handleConsentsRevoke serves POST /authorize/consents/revoke: with the
// session's CSRF token, it revokes the consent and every token of that
// client on the session's installation, then goes back to the list.
func (s *Server) handleConsentsRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The form could not be read.")
		return
	}
	f := r.PostForm
	for _, k := range []string{"client_id", "csrf"} {
		if len(f[k]) > 1 {
			s.errorPage(w, http.StatusBadRequest, "Invalid request", "The parameter "+k+" was sent more than once.")
			return
		}
	}
	clientID, csrf := f.Get("client_id"), f.Get("csrf")
	sessHash, instID, ok, err := s.sessionInstallation(r)
	if err != nil {
		s.internalPage(w, r, "consents: get browser session", err)
		return
	}
	if !ok {
		s.audit(r, store.AuditEvent{Event: "consent_revoke_rejected", Outcome: "no_session", Detail: clientDetail(clientID)})
		s.manageErrorPage(w, http.StatusForbidden, "Nothing to manage in this browser",
			"This browser is not signed in to this server (or its sign-in expired), so it cannot revoke an application's access. Open the page in the browser where you approved the application.")
		return
	}
	want := s.consentsCSRF(sessHash)
	if csrf == "" || !hmac.Equal([]byte(csrf), []byte(want)) {
		s.auditInstallation(r, store.AuditEvent{Event: "consent_revoke_rejected", Outcome: "csrf", Detail: clientDetail(clientID)}, instID)
		s.manageErrorPage(w, http.StatusForbidden, "Invalid request",
			"This form was not sent from this server's page. Nothing was revoked. Go back to the list and try again.")
		return
	}
	if clientID == "" {
		s.manageErrorPage(w, http.StatusBadRequest, "Invalid request", "Choose an application to revoke.")
		return
	}
	outcome := "ok"
	err = s.o.Store.RevokeClientGrants(r.Context(), instID, clientID, s.o.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		outcome = "nothing"
	case err != nil:
		s.internalPage(w, r, "consents: revoke client grants", err)
		return
	}
	s.auditInstallation(r, store.AuditEvent{Event: "consent_revoked", Outcome: outcome, Detail: clientDetail(clientID)}, instID)
	s.redirect(w, r, http.StatusSeeOther, ConsentsPath+"?revoked=1")
}

// manageErrorPage is errorPage with a way back to the list.
func (s *Server) manageErrorPage(w http.ResponseWriter, status int, title, message string) {
	s.render(w, status, "consents_error", struct{ Title, Message string }{title, message})
}

// BrowserSession names the installation this browser is signed in to and
// the CSRF token its forms and scripts must send back with any change;
// ok is false without a valid session. The connections page and API use
// it (package connections), so sign-in stays in one place.
func (s *Server) BrowserSession(r *http.Request) (installationID, csrf string, ok bool, err error) {
	sessHash, instID, ok, err := s.sessionInstallation(r)
	if err != nil || !ok {
		return "", "", false, err
	}
	return instID, s.consentsCSRF(sessHash), true, nil
}
