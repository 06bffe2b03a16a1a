package slackemu

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

// OAuth fixture: a plain app and a rotating one.
const (
	plainID     = "1111.2222"
	plainSecret = "plain-secret"
	plainAppID  = "A0PLAIN"
	rotID       = "3333.4444"
	rotSecret   = "rot-secret"
	redirectA   = "https://app.example/oauth/callback"
	redirectB   = "http://127.0.0.1:8080/oauth/callback?from=emu"
	userScopes  = "channels:read,channels:history,users:read"
)

func oauthFixture(team Team) *Workspace {
	w := fixture()
	w.team = team
	w.AddOAuthApp(OAuthApp{ClientID: plainID, ClientSecret: plainSecret, RedirectURLs: []string{redirectA, redirectB}, AppID: plainAppID, Name: "MCP Test"})
	w.AddOAuthApp(OAuthApp{ClientID: rotID, ClientSecret: rotSecret, RedirectURLs: []string{redirectA}, TokenRotation: true})
	return w
}

func fixtureTeam() Team { return Team{ID: tTeam, Name: "Fixture", Domain: "fixture"} }

// fakeClock is an injectable Options.Now.
type fakeClock = testkit.Clock

func newClock() *fakeClock { return testkit.NewClock(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)) }

// oauthServer starts an emulator on the OAuth fixture with a fake clock
// and the given consent.
func oauthServer(t *testing.T, team Team, consent Consent) (*Server, *fakeClock) {
	t.Helper()
	clk := newClock()
	srv := start(t, oauthFixture(team), Options{Now: clk.Now})
	srv.SetConsent(consent)
	return srv, clk
}

// browse GETs or POSTs like a browser that stops at redirects.
func browse(t *testing.T, method, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func authorizeURL(srv *Server, path string, q url.Values) string {
	return srv.URL + path + "?" + q.Encode()
}

// redirected returns the query of a 302 to the app's redirect URL.
func redirected(t *testing.T, resp *http.Response, wantBase string) url.Values {
	t.Helper()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	base := *loc
	base.RawQuery = ""
	want, err := url.Parse(wantBase)
	require.NoError(t, err)
	want.RawQuery = ""
	require.Equal(t, want.String(), base.String())
	return loc.Query()
}

// authorizeCode runs an auto-approved authorize and returns the code.
func authorizeCode(t *testing.T, srv *Server, path string, q url.Values) string {
	t.Helper()
	resp, body := browse(t, http.MethodGet, authorizeURL(srv, path, q), nil)
	require.Equal(t, http.StatusFound, resp.StatusCode, body)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code, loc.String())
	return code
}

func plainQuery(extra ...string) url.Values {
	q := url.Values{"client_id": {plainID}, "user_scope": {userScopes}, "redirect_uri": {redirectA}, "state": {"st-1"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func oauthOpt(srv *Server) slack.OAuthOption { return slack.OAuthOptionAPIURL(srv.URL + "/api/") }

// postOAuth posts a form to an OAuth method, optionally with HTTP Basic
// client credentials, and returns the decoded JSON.
func postOAuth(t *testing.T, srv *Server, method string, form url.Values, basicID, basicSecret string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/"+method, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return m
}

func TestOAuthAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		team    Team
		consent Consent
		query   url.Values
		want    string
	}{
		{"unknown client_id", fixtureTeam(), Consent{AutoApprove: true}, plainQuery("client_id", "9.9"), "invalid_client_id"},
		{"missing client_id", fixtureTeam(), Consent{AutoApprove: true}, url.Values{"user_scope": {"users:read"}}, "invalid_client_id"},
		{"redirect_uri not registered", fixtureTeam(), Consent{AutoApprove: true}, plainQuery("redirect_uri", "https://evil.example/cb"), "redirect_uri did not match"},
		{"redirect_uri with extra path", fixtureTeam(), Consent{AutoApprove: true}, plainQuery("redirect_uri", redirectA+"/x"), "redirect_uri did not match"},
		{"redirect_uri with extra query", fixtureTeam(), Consent{AutoApprove: true}, plainQuery("redirect_uri", redirectA+"?a=1"), "redirect_uri did not match"},
		{"other team", fixtureTeam(), Consent{AutoApprove: true}, plainQuery("team", "T0OTHER"), "T0OTHER is not served here"},
		{"unknown approver", fixtureTeam(), Consent{UserID: "U0NOBODY", AutoApprove: true}, plainQuery(), "No user can approve"},
		{"deleted approver", fixtureTeam(), Consent{UserID: uCarol, AutoApprove: true}, plainQuery(), "No user can approve"},
		{"bot approver", fixtureTeam(), Consent{UserID: uBot}, plainQuery(), "No user can approve"},
		{"org install without enterprise", fixtureTeam(), Consent{EnterpriseInstall: true, AutoApprove: true}, plainQuery(), "EnterpriseID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := oauthServer(t, tc.team, tc.consent)
			for _, path := range []string{authorizePath, userAuthorizePath} {
				resp, body := browse(t, http.MethodGet, authorizeURL(srv, path, tc.query), nil)
				require.Equal(t, http.StatusBadRequest, resp.StatusCode)
				require.Empty(t, resp.Header.Get("Location"), "never a redirect")
				require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
				require.Contains(t, body, tc.want)
				require.NotContains(t, body, "<script")
			}
			require.Equal(t, 2, srv.Calls("oauth.authorize"))
		})
	}
}

func TestOAuthAuthorizeAutoApprove(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		consent  Consent
		query    url.Values
		wantBase string
		wantCode bool
		wantKeep url.Values // extra query the redirect keeps
	}{
		{"approve", authorizePath, Consent{AutoApprove: true}, plainQuery(), redirectA, true, nil},
		{"approve with matching team", authorizePath, Consent{AutoApprove: true}, plainQuery("team", tTeam), redirectA, true, nil},
		{"redirect_uri omitted uses the first", authorizePath, Consent{AutoApprove: true}, plainQuery("redirect_uri", ""), redirectA, true, nil},
		{"redirect_uri keeps its query", authorizePath, Consent{AutoApprove: true}, plainQuery("redirect_uri", redirectB), redirectB, true, url.Values{"from": {"emu"}}},
		{"deny", authorizePath, Consent{AutoApprove: true, Deny: true}, plainQuery(), redirectA, false, nil},
		{"v2_user approve", userAuthorizePath, Consent{AutoApprove: true}, plainQuery(), redirectA, true, nil},
		{"v2_user deny", userAuthorizePath, Consent{AutoApprove: true, Deny: true}, plainQuery(), redirectA, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := oauthServer(t, fixtureTeam(), tc.consent)
			resp, _ := browse(t, http.MethodGet, authorizeURL(srv, tc.path, tc.query), nil)
			q := redirected(t, resp, tc.wantBase)
			require.Equal(t, "st-1", q.Get("state"))
			if tc.wantCode {
				require.Len(t, q.Get("code"), 40)
				require.Empty(t, q.Get("error"))
			} else {
				require.Equal(t, "access_denied", q.Get("error"))
				require.Empty(t, q.Get("code"))
			}
			for k := range tc.wantKeep {
				require.Equal(t, tc.wantKeep.Get(k), q.Get(k))
			}
			require.Equal(t, 1, srv.Calls("oauth.authorize"))
		})
	}
}

var requestIDRe = regexp.MustCompile(`name="request" value="([0-9a-f]+)"`)

// consentPage opens the consent page and returns its HTML and request ID.
func consentPage(t *testing.T, srv *Server, path string, q url.Values) (string, string) {
	t.Helper()
	resp, body := browse(t, http.MethodGet, authorizeURL(srv, path, q), nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	m := requestIDRe.FindAllStringSubmatch(body, -1)
	require.Len(t, m, 2, "one request ID per form")
	require.Equal(t, m[0][1], m[1][1])
	return body, m[0][1]
}

func TestOAuthConsentPage(t *testing.T) {
	t.Parallel()
	srv, _ := oauthServer(t, fixtureTeam(), Consent{})
	decide := srv.URL + decidePath

	t.Run("html", func(t *testing.T) {
		t.Parallel()
		body, _ := consentPage(t, srv, authorizePath, plainQuery("scope", "chat:write"))
		require.Contains(t, body, "<title>Fixture is requesting permission")
		require.Contains(t, body, "MCP Test is requesting permission to access the Fixture Slack workspace")
		require.Contains(t, body, "<strong>alice</strong>")
		for _, sc := range strings.Split(userScopes, ",") {
			require.Contains(t, body, "<li>"+sc+"</li>")
		}
		require.Contains(t, body, `<ul id="bot-scopes"><li>chat:write</li></ul>`)
		require.Contains(t, body, `id="allow">Allow</button>`)
		require.Contains(t, body, `id="deny">Cancel</button>`)
		require.Equal(t, 2, strings.Count(body, `<form method="post" action="`+decidePath+`">`))
	})
	t.Run("allow then exchange", func(t *testing.T) {
		t.Parallel()
		_, id := consentPage(t, srv, authorizePath, plainQuery())
		resp, _ := browse(t, http.MethodPost, decide, url.Values{"request": {id}, "decision": {"allow"}})
		q := redirected(t, resp, redirectA)
		require.Equal(t, "st-1", q.Get("state"))
		res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, q.Get("code"), redirectA, oauthOpt(srv))
		require.NoError(t, err)
		require.Equal(t, uAlice, res.AuthedUser.ID)
		require.Equal(t, userScopes, res.AuthedUser.Scope)
	})
	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		_, id := consentPage(t, srv, userAuthorizePath, plainQuery())
		resp, _ := browse(t, http.MethodPost, decide, url.Values{"request": {id}, "decision": {"deny"}})
		q := redirected(t, resp, redirectA)
		require.Equal(t, "access_denied", q.Get("error"))
		require.Equal(t, "st-1", q.Get("state"))
		require.Empty(t, q.Get("code"))
	})
	t.Run("answered twice", func(t *testing.T) {
		t.Parallel()
		_, id := consentPage(t, srv, authorizePath, plainQuery())
		resp, _ := browse(t, http.MethodPost, decide, url.Values{"request": {id}, "decision": {"allow"}})
		require.Equal(t, http.StatusFound, resp.StatusCode)
		resp, body := browse(t, http.MethodPost, decide, url.Values{"request": {id}, "decision": {"allow"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.Empty(t, resp.Header.Get("Location"))
		require.Contains(t, body, "already answered")
	})
	t.Run("bad requests", func(t *testing.T) {
		t.Parallel()
		_, id := consentPage(t, srv, authorizePath, plainQuery())
		resp, _ := browse(t, http.MethodPost, decide, url.Values{"request": {id}, "decision": {"maybe"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		resp, _ = browse(t, http.MethodPost, decide, url.Values{"request": {"ffff"}, "decision": {"allow"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		resp, _ = browse(t, http.MethodGet, decide, nil)
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
		resp, _ = browse(t, http.MethodPost, authorizeURL(srv, authorizePath, plainQuery()), url.Values{})
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})

	// Expiry moves the clock, so it gets its own server.
	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		srv, clk := oauthServer(t, fixtureTeam(), Consent{})
		_, id := consentPage(t, srv, authorizePath, plainQuery())
		clk.Advance(oauthCodeTTL)
		resp, body := browse(t, http.MethodPost, srv.URL+decidePath, url.Values{"request": {id}, "decision": {"allow"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		require.Contains(t, body, "expired")
	})
}

func TestOAuthSandboxConsentTitle(t *testing.T) {
	t.Parallel()
	w := Sandbox()
	w.AddOAuthApp(OAuthApp{ClientID: plainID, ClientSecret: plainSecret, RedirectURLs: []string{redirectA}})
	srv := start(t, w, Options{})
	body, _ := consentPage(t, srv, authorizePath, plainQuery())
	require.Contains(t, body, "<title>Sandbox Co is requesting permission")
}

func TestOAuthDefaultApprover(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		users []User
		want  string
	}{
		{"first user", []User{{ID: "U1", Name: "one"}, {ID: "U2", Name: "two"}}, "U1"},
		{"skips bots and deleted", []User{{ID: "UB", Name: "bot", IsBot: true, BotID: "B1"}, {ID: "UD", Name: "gone", Deleted: true}, {ID: "U3", Name: "three"}}, "U3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := NewWorkspace(fixtureTeam())
			for _, u := range tc.users {
				w.AddUser(u)
			}
			w.AddOAuthApp(OAuthApp{ClientID: plainID, ClientSecret: plainSecret, RedirectURLs: []string{redirectA}})
			srv := start(t, w, Options{})
			srv.SetConsent(Consent{AutoApprove: true})
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
			require.NoError(t, err)
			require.Equal(t, tc.want, res.AuthedUser.ID)
		})
	}
}
