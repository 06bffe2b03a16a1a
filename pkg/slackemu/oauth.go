package slackemu

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The browser side of Slack's OAuth v2: the authorize pages and the form
// the consent page posts to.
const (
	authorizePath     = "/oauth/v2/authorize"
	userAuthorizePath = "/oauth/v2_user/authorize"
	decidePath        = "/oauth/v2/authorize/decide"
)

const (
	// oauthCodeTTL is how long an authorization code (and an unanswered
	// consent page) stays valid, as on Slack.
	oauthCodeTTL = 10 * time.Minute
	// defaultTokenTTL is the lifetime of rotating access tokens (expires_in
	// 43200 on Slack).
	defaultTokenTTL = 12 * time.Hour
	// maxDecideBytes bounds the consent form body.
	maxDecideBytes = 16 << 10
)

// OAuthApp is a Slack app registered with the workspace, so that the
// OAuth v2 flow (authorize page, oauth.v2.access, oauth.v2.user.access)
// can be run against the emulator.
type OAuthApp struct {
	ClientID, ClientSecret string
	// RedirectURLs are the app's registered Redirect URLs. A redirect_uri
	// must match one exactly; without one the first is used.
	RedirectURLs []string
	// TokenRotation makes issued access tokens expire after TokenTTL
	// (calls then answer token_expired) and returns a refresh_token
	// (xoxe-1-…) with them; access tokens look like xoxe.xoxp-1-….
	TokenRotation bool
	// TokenTTL is the access token lifetime under rotation; default 12h.
	TokenTTL time.Duration
	// AppID is answered as app_id; default derived from ClientID.
	AppID string
	// Name is shown on the consent page; default "App <AppID>".
	Name string
	// PKCE is the app setting that enables PKCE (pkce.go).
	PKCE bool
}

// Consent says who approves on the emulator's authorize page, and how.
type Consent struct {
	// UserID approves; default the first user that is neither a bot nor
	// deleted.
	UserID string
	// Deny makes the AutoApprove path answer error=access_denied.
	Deny bool
	// AutoApprove skips the consent page: authorize redirects at once
	// (with a code, or access_denied when Deny). Without it the page shows
	// Allow (id "allow") and Cancel (id "deny") buttons.
	AutoApprove bool
	// GrantScopes, when not nil, limits the user scopes granted to those
	// of the request that it lists, so a test can get fewer scopes than it
	// asked for. Bot scopes are always granted as requested.
	GrantScopes []string
	// EnterpriseInstall answers as an org-wide Enterprise Grid install:
	// team null, enterprise set, is_enterprise_install true. The
	// workspace's Team.EnterpriseID must be set.
	EnterpriseInstall bool
}

// AddOAuthApp registers a, replacing an app with the same ClientID.
func (w *Workspace) AddOAuthApp(a OAuthApp) {
	if a.ClientID == "" {
		panic("slackemu: AddOAuthApp: empty ClientID")
	}
	a.RedirectURLs = slices.Clone(a.RedirectURLs)
	if a.TokenTTL <= 0 {
		a.TokenTTL = defaultTokenTTL
	}
	if a.AppID == "" {
		sum := sha256.Sum256([]byte(a.ClientID))
		a.AppID = "A0" + strings.ToUpper(hex.EncodeToString(sum[:5]))
	}
	if a.Name == "" {
		a.Name = "App " + a.AppID
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.apps[a.ClientID] = a
}

// SetConsent sets who answers the authorize page and how, for requests
// that arrive from now on.
func (s *Server) SetConsent(c Consent) {
	c.GrantScopes = slices.Clone(c.GrantScopes)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consent = c
}

// oauthFlow is the pair of authorize page and exchange method a code
// belongs to; a code only works with the method of its own flow.
type oauthFlow int

const (
	flowV2     oauthFlow = iota // /oauth/v2/authorize + oauth.v2.access
	flowV2User                  // /oauth/v2_user/authorize + oauth.v2.user.access
)

// authRequest is a validated authorize request, waiting on the consent
// page or about to be answered.
type authRequest struct {
	flow         oauthFlow
	app          OAuthApp
	redirect     string
	redirectSent bool
	state        string
	userScopes   []string // requested
	granted      []string // user scopes the consent grants
	botScopes    []string
	user         User
	enterprise   bool
	auto, deny   bool
	expires      time.Time // of the consent page
	challenge    string    // PKCE S256 code_challenge, if any
}

// authCode is an issued authorization code.
type authCode struct {
	flow         oauthFlow
	clientID     string
	redirect     string
	redirectSent bool
	userID       string
	userScopes   []string
	botScopes    []string
	enterprise   bool
	expires      time.Time
	challenge    string
}

// refreshGrant is what a refresh token (or an issued access token)
// stands for.
type refreshGrant struct {
	clientID   string
	userID     string
	kind       TokenKind
	scopes     []string
	enterprise bool
}

func (s *Server) serveAuthorize(flow oauthFlow) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		s.count("oauth.authorize")
		if r.Method != http.MethodGet {
			writeHTMLError(rw, http.StatusMethodNotAllowed, "Method not allowed", "Open this page with GET.")
			return
		}
		req, msg := s.newAuthRequest(flow, r.URL.Query())
		if msg != "" {
			writeHTMLError(rw, http.StatusBadRequest, "Something went wrong when authorizing this app", msg)
			return
		}
		if req.auto {
			s.answerAuthorize(rw, r, req, !req.deny)
			return
		}
		id := randomHex(16)
		now := s.opts.Now()
		req.expires = now.Add(oauthCodeTTL)
		s.mu.Lock()
		for k, p := range s.pending {
			if !now.Before(p.expires) {
				delete(s.pending, k)
			}
		}
		s.pending[id] = req
		s.mu.Unlock()
		writeConsentPage(rw, s.ws.Team(), req, id)
	}
}

// newAuthRequest validates an authorize request. A non-empty message means
// it must be refused with an error page, never a redirect.
func (s *Server) newAuthRequest(flow oauthFlow, q url.Values) (*authRequest, string) {
	s.mu.Lock()
	consent := s.consent
	s.mu.Unlock()
	w := s.ws
	w.mu.RLock()
	defer w.mu.RUnlock()

	clientID := q.Get("client_id")
	app, ok := w.apps[clientID]
	if clientID == "" || !ok {
		return nil, "invalid_client_id: the client_id is missing or unknown."
	}
	req := &authRequest{flow: flow, app: app, state: q.Get("state"), auto: consent.AutoApprove, deny: consent.Deny}
	req.redirect = q.Get("redirect_uri")
	req.redirectSent = req.redirect != ""
	switch {
	case req.redirectSent && !slices.Contains(app.RedirectURLs, req.redirect):
		return nil, "bad_redirect_uri: redirect_uri did not match any configured URIs. Passed URI: " + req.redirect
	case !req.redirectSent && len(app.RedirectURLs) == 0:
		return nil, "bad_redirect_uri: no redirect_uri was passed and the app has no Redirect URLs."
	case !req.redirectSent:
		req.redirect = app.RedirectURLs[0]
	}
	var msg string
	if req.challenge, msg = pkceChallenge(app, q); msg != "" {
		return nil, msg
	}
	if team := q.Get("team"); team != "" && team != w.team.ID && team != w.team.EnterpriseID {
		return nil, "team " + team + " is not served here; this is " + w.team.ID + "."
	}
	u := w.consentUser(consent.UserID)
	if u == nil {
		return nil, "No user can approve: set Consent.UserID to an active, non-bot user of the workspace."
	}
	req.user = *u
	if consent.EnterpriseInstall && w.team.EnterpriseID == "" {
		return nil, "An org-wide install needs Team.EnterpriseID."
	}
	req.enterprise = consent.EnterpriseInstall

	req.userScopes = splitScopes(q.Get("user_scope"))
	req.botScopes = splitScopes(q.Get("scope"))
	if flow == flowV2User {
		// The user-token flow has no bot: scope names user scopes too.
		req.userScopes = splitScopes(strings.Join(append(req.userScopes, req.botScopes...), ","))
		req.botScopes = nil
	}
	req.granted = req.userScopes
	if consent.GrantScopes != nil {
		req.granted = slices.DeleteFunc(slices.Clone(req.userScopes), func(sc string) bool {
			return !slices.Contains(consent.GrantScopes, sc)
		})
	}
	return req, ""
}

// consentUser returns the user named by id, or the default approver; nil
// when that user cannot approve.
func (w *Workspace) consentUser(id string) *User {
	if id != "" {
		u := w.userByID(id)
		if u == nil || u.IsBot || u.Deleted {
			return nil
		}
		return u
	}
	for i := range w.users {
		if u := &w.users[i]; !u.IsBot && !u.Deleted {
			return u
		}
	}
	return nil
}

// answerAuthorize redirects to the app with a fresh code, or with
// error=access_denied.
func (s *Server) answerAuthorize(rw http.ResponseWriter, r *http.Request, req *authRequest, approve bool) {
	params := url.Values{}
	if approve {
		params.Set("code", s.issueCode(req))
	} else {
		params.Set("error", "access_denied")
	}
	params.Set("state", req.state)
	rw.Header().Set("Cache-Control", "no-store")
	http.Redirect(rw, r, withQuery(req.redirect, params), http.StatusFound)
}

func (s *Server) issueCode(req *authRequest) string {
	code := randomHex(20)
	now := s.opts.Now()
	w := s.ws
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, c := range w.codes {
		if !now.Before(c.expires) {
			delete(w.codes, k)
		}
	}
	w.codes[code] = &authCode{
		flow:         req.flow,
		clientID:     req.app.ClientID,
		redirect:     req.redirect,
		redirectSent: req.redirectSent,
		userID:       req.user.ID,
		userScopes:   slices.Clone(req.granted),
		botScopes:    slices.Clone(req.botScopes),
		enterprise:   req.enterprise,
		expires:      now.Add(oauthCodeTTL),
		challenge:    req.challenge,
	}
	return code
}

// serveDecide takes the consent page's Allow or Cancel.
func (s *Server) serveDecide(rw http.ResponseWriter, r *http.Request) {
	s.count("oauth.authorize.decide")
	if r.Method != http.MethodPost {
		writeHTMLError(rw, http.StatusMethodNotAllowed, "Method not allowed", "The consent form is posted.")
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, maxDecideBytes)
	if err := r.ParseForm(); err != nil {
		writeHTMLError(rw, http.StatusBadRequest, "Bad request", "The consent form could not be read.")
		return
	}
	id := r.PostForm.Get("request")
	s.mu.Lock()
	req := s.pending[id]
	delete(s.pending, id)
	s.mu.Unlock()
	if req == nil || !s.opts.Now().Before(req.expires) {
		writeHTMLError(rw, http.StatusBadRequest, "This link has expired",
			"This authorization request expired or was already answered. Start again from the app.")
		return
	}
	switch r.PostForm.Get("decision") {
	case "allow":
		s.answerAuthorize(rw, r, req, true)
	case "deny":
		s.answerAuthorize(rw, r, req, false)
	default:
		writeHTMLError(rw, http.StatusBadRequest, "Bad request", "Choose Allow or Cancel.")
	}
}

func oauthV2Access(c *call) (obj, error) { return oauthExchange(c, flowV2) }

func oauthV2UserAccess(c *call) (obj, error) { return oauthExchange(c, flowV2User) }

// oauthExchange serves oauth.v2.access and oauth.v2.user.access: client
// authentication (HTTP Basic preferred, as Slack asks, or form fields),
// then the authorization_code or refresh_token grant.
func oauthExchange(c *call, flow oauthFlow) (obj, error) {
	id, secret := c.clientCredentials()
	app, ok := c.w.apps[id]
	if id == "" || !ok {
		return nil, fail("invalid_client_id")
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(app.ClientSecret)) != 1 {
		return nil, fail("bad_client_secret")
	}
	switch c.p.Get("grant_type") {
	case "", "authorization_code":
		return c.exchangeCode(app, flow)
	case "refresh_token":
		return c.refreshToken(app)
	default:
		return nil, fail("invalid_grant_type")
	}
}

func (c *call) clientCredentials() (id, secret string) {
	if id, secret, ok := c.r.BasicAuth(); ok {
		// RFC 6749 form-encodes both before Basic encoding; Slack's
		// values survive decoding unchanged.
		return formUnescape(id), formUnescape(secret)
	}
	return c.p.Get("client_id"), c.p.Get("client_secret")
}

func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func (c *call) exchangeCode(app OAuthApp, flow oauthFlow) (obj, error) {
	code := c.p.Get("code")
	ac, ok := c.w.codes[code]
	if code == "" || !ok || ac.clientID != app.ClientID {
		return nil, fail("invalid_code")
	}
	delete(c.w.codes, code) // single use, whatever happens next
	if !c.s.opts.Now().Before(ac.expires) {
		return nil, fail("invalid_code")
	}
	if ac.flow != flow {
		return nil, fail("oauth_authorization_url_mismatch")
	}
	if redirect := c.p.Get("redirect_uri"); (ac.redirectSent || redirect != "") && redirect != ac.redirect {
		return nil, fail("bad_redirect_uri")
	}
	if err := ac.checkVerifier(c.p.Get("code_verifier")); err != nil {
		return nil, err
	}
	if len(ac.userScopes) == 0 && len(ac.botScopes) == 0 {
		return nil, fail("no_scopes")
	}
	res := c.w.installIdentity(app, ac.enterprise)
	var user obj
	if len(ac.userScopes) > 0 {
		user = c.issue(app, refreshGrant{
			clientID: app.ClientID, userID: ac.userID, kind: UserToken,
			scopes: ac.userScopes, enterprise: ac.enterprise,
		})
	}
	if flow == flowV2User {
		// oauth.v2.user.access puts the user token at the top level.
		maps.Copy(res, user)
		res["authed_user"] = obj{"id": ac.userID, "scope": user["scope"]}
		return res, nil
	}
	authed := obj{"id": ac.userID}
	maps.Copy(authed, user)
	res["authed_user"] = authed
	if len(ac.botScopes) > 0 {
		botID := c.w.botUserID()
		maps.Copy(res, c.issue(app, refreshGrant{
			clientID: app.ClientID, userID: botID, kind: BotToken,
			scopes: ac.botScopes, enterprise: ac.enterprise,
		}))
		res["bot_user_id"] = botID
	}
	return res, nil
}

// refreshToken trades a refresh token for a new access token and a new
// refresh token; the old refresh token dies. The old access token keeps
// working until it expires.
func (c *call) refreshToken(app OAuthApp) (obj, error) {
	rt := c.p.Get("refresh_token")
	g, ok := c.w.refresh[rt]
	if rt == "" || !ok || g.clientID != app.ClientID {
		return nil, fail("invalid_refresh_token")
	}
	delete(c.w.refresh, rt)
	res := c.w.installIdentity(app, g.enterprise)
	maps.Copy(res, c.issue(app, *g))
	if g.kind == BotToken {
		res["bot_user_id"] = g.userID
	}
	return res, nil
}

// issue registers a new access token for g (and, under rotation, a
// refresh token) and returns the token fields of the answer.
func (c *call) issue(app OAuthApp, g refreshGrant) obj {
	prefix, typ := "xoxp-", "user"
	if g.kind == BotToken {
		prefix, typ = "xoxb-", "bot"
	}
	t := Token{UserID: g.userID, Kind: g.kind, Scopes: slices.Clone(g.scopes), EnterpriseInstall: g.enterprise}
	out := obj{"token_type": typ, "scope": strings.Join(g.scopes, ",")}
	if app.TokenRotation {
		t.Expires = c.s.opts.Now().Add(app.TokenTTL)
		prefix = "xoxe." + prefix + "1-"
		rt := "xoxe-1-" + randomHex(24)
		g.scopes = slices.Clone(g.scopes)
		c.w.refresh[rt] = &g
		out["expires_in"] = int64(app.TokenTTL / time.Second)
		out["refresh_token"] = rt
	}
	tok := prefix + randomHex(24)
	c.w.tokens[tok] = t
	out["access_token"] = tok
	return out
}

// installIdentity returns the app_id, team, enterprise and
// is_enterprise_install fields of an answer. The caller holds w.mu.
func (w *Workspace) installIdentity(app OAuthApp, enterprise bool) obj {
	t := w.team
	res := obj{"app_id": app.AppID, "team": nil, "enterprise": nil, "is_enterprise_install": enterprise}
	if !enterprise {
		res["team"] = obj{"id": t.ID, "name": t.Name}
	}
	if t.EnterpriseID != "" {
		res["enterprise"] = obj{"id": t.EnterpriseID, "name": t.Name}
	}
	return res
}

// botUserID returns the app's bot user: the first active bot user.
func (w *Workspace) botUserID() string {
	for i := range w.users {
		if u := &w.users[i]; u.IsBot && !u.Deleted {
			return u.ID
		}
	}
	return ""
}

// splitScopes splits Slack's comma-separated (or space-separated) scope
// lists, dropping blanks and repeats.
func splitScopes(s string) []string {
	var out []string
	for _, sc := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// withQuery adds params to the query of a registered redirect URL.
func withQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes instead)
	return hex.EncodeToString(b)
}

var pages = template.Must(template.New("consent").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Team}} is requesting permission to access your Slack account</title>
</head><body><main>
<h1>{{.App}} is requesting permission to access the {{.Team}} Slack workspace</h1>
<p id="user">Signed in as <strong>{{.UserName}}</strong> ({{.UserID}})</p>
{{if .Enterprise}}<p id="org-install">This app will be installed for the whole organization.</p>{{end}}
{{if .UserScopes}}<h2>What will {{.App}} be able to view and do on your behalf?</h2>
<ul id="user-scopes">{{range .UserScopes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .BotScopes}}<h2>What will {{.App}} be able to view and do as a bot?</h2>
<ul id="bot-scopes">{{range .BotScopes}}<li>{{.}}</li>{{end}}</ul>{{end}}
<form method="post" action="{{.Action}}"><input type="hidden" name="request" value="{{.Request}}"><input type="hidden" name="decision" value="deny"><button type="submit" id="deny">Cancel</button></form>
<form method="post" action="{{.Action}}"><input type="hidden" name="request" value="{{.Request}}"><input type="hidden" name="decision" value="allow"><button type="submit" id="allow">Allow</button></form>
</main></body></html>
{{define "error"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} | Slack</title></head>
<body><main><h1>{{.Title}}</h1><p id="error">{{.Message}}</p></main></body></html>
{{end}}`))

func writeConsentPage(rw http.ResponseWriter, team Team, req *authRequest, id string) {
	pageHeaders(rw)
	rw.WriteHeader(http.StatusOK)
	_ = pages.Execute(rw, map[string]any{
		"Team":       team.Name,
		"App":        req.app.Name,
		"UserName":   req.user.Name,
		"UserID":     req.user.ID,
		"Enterprise": req.enterprise,
		"UserScopes": req.userScopes,
		"BotScopes":  req.botScopes,
		"Action":     decidePath,
		"Request":    id,
	})
}

func writeHTMLError(rw http.ResponseWriter, status int, title, msg string) {
	pageHeaders(rw)
	rw.WriteHeader(status)
	_ = pages.ExecuteTemplate(rw, "error", map[string]string{"Title": title, "Message": msg})
}

func pageHeaders(rw http.ResponseWriter) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("X-Frame-Options", "DENY")
}
