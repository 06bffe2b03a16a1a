package oauthserver

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
)

var clientIDRE = regexp.MustCompile(`name="client_id" value="([^"]+)"`)

// connect runs the whole flow in browser and returns the tokens.
func (h *harness) connect(browser *http.Client, clientID string) (string, string) {
	h.t.Helper()
	v, ch := pkce()
	code := h.fullFlow(browser, h.authzParams(clientID, ch))
	r := h.exchange(clientID, code, v)
	require.Equal(h.t, http.StatusOK, r.Status, r.Body)
	tok := r.JSON(h.t)
	return tok["access_token"].(string), tok["refresh_token"].(string)
}

func (h *harness) consentsPage(browser *http.Client) response {
	h.t.Helper()
	return do(h.t, browser, http.MethodGet, h.srv.URL+ConsentsPath, nil)
}

// listedClients are the client IDs of a consents page's Revoke forms.
func listedClients(page response) []string {
	var out []string
	for _, m := range clientIDRE.FindAllStringSubmatch(page.Body, -1) {
		out = append(out, m[1])
	}
	return out
}

func pageCSRF(t testing.TB, page response) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page.Body)
	require.Len(t, m, 2, "csrf field: %s", page.Body)
	return m[1]
}

// remembered reports whether browser's next authorization for clientID
// skips the consent page.
func (h *harness) remembered(browser *http.Client, clientID string) bool {
	h.t.Helper()
	_, ch := pkce()
	r := h.authorize(browser, h.authzParams(clientID, ch))
	if r.Status == http.StatusFound && r.Location(h.t).Query().Get("code") != "" {
		return true
	}
	consentFields(h.t, r) // otherwise: the consent page
	return false
}

func requirePageHeaders(t testing.TB, h *harness, r response) {
	t.Helper()
	require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"))
	require.Equal(t, h.as.csp, r.Header.Get("Content-Security-Policy"))
	require.Contains(t, r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	require.Equal(t, "no-referrer", r.Header.Get("Referrer-Policy"))
	require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
}

func TestConsentsPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// browser returns the browser that opens the page.
		browser  func(t *testing.T, h *harness, connected *http.Client) *http.Client
		advance  time.Duration
		listed   bool
		nothing  bool
		wantCSRF bool
	}{
		{name: "connected browser", browser: func(_ *testing.T, _ *harness, c *http.Client) *http.Client { return c }, listed: true, wantCSRF: true},
		{name: "another browser", browser: func(t *testing.T, _ *harness, _ *http.Client) *http.Client { return newBrowser(t) }, nothing: true},
		{name: "forged session cookie", browser: func(t *testing.T, h *harness, _ *http.Client) *http.Client {
			b := newBrowser(t)
			u, _ := url.Parse(h.srv.URL)
			b.Jar.SetCookies(u, []*http.Cookie{{Name: h.as.sessCookie, Value: newRandom(), Path: "/"}})
			return b
		}, nothing: true},
		{name: "expired session", browser: func(_ *testing.T, _ *harness, c *http.Client) *http.Client { return c }, advance: sessionTTL, nothing: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, kind string) {
				h := newHarness(t, kind)
				clientID := h.publicClient()
				connected := newBrowser(t)
				h.connect(connected, clientID)
				h.clock.Advance(tt.advance)

				page := h.consentsPage(tt.browser(t, h, connected))
				require.Equal(t, http.StatusOK, page.Status, page.Body)
				requirePageHeaders(t, h, page)
				if tt.listed {
					require.Equal(t, []string{clientID}, listedClients(page))
					require.Contains(t, page.Body, "Test &lt;Client&gt;", "client name, escaped")
					require.Contains(t, page.Body, "127.0.0.1:9999", "redirect host")
					require.Contains(t, page.Body, "Read messages in public channels (channels:history)")
					require.Contains(t, page.Body, "read only")
					require.NotContains(t, page.Body, "chat:write")
					require.Contains(t, page.Body, "1 May 2026, 12:00 UTC", "granted at")
					require.Contains(t, page.Body, testUser)
					require.Contains(t, page.Body, `action="/authorize/consents/revoke"`)
				} else {
					require.Empty(t, listedClients(page))
					require.NotContains(t, page.Body, "Test &lt;Client&gt;")
				}
				if tt.nothing {
					require.Contains(t, page.Body, `id="nothing"`)
					require.Contains(t, page.Body, `href="/oauth/authorize"`, "a way to connect")
					require.Contains(t, page.Body, h.srv.URL+"/mcp")
				}
				require.Equal(t, tt.wantCSRF, csrfRE.MatchString(page.Body))
			})
		})
	}
}

func TestConsentPageLinksToConsents(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	_, ch := pkce()
	page := h.authorize(newBrowser(t), h.authzParams(h.publicClient(), ch))
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, `href="/authorize/consents"`)
}

func TestConsentsRevoke(t *testing.T) {
	t.Parallel()
	const (
		csrfValid    = "valid"
		csrfMissing  = "missing"
		csrfWrong    = "wrong"
		csrfOtherSes = "another session's"
	)
	tests := []struct {
		name       string
		csrf       string
		noCookie   bool // posted from another browser
		wantStatus int
		wantBody   string
	}{
		{name: "valid CSRF", csrf: csrfValid, wantStatus: http.StatusSeeOther},
		{name: "missing CSRF", csrf: csrfMissing, wantStatus: http.StatusForbidden, wantBody: "Nothing was revoked"},
		{name: "wrong CSRF", csrf: csrfWrong, wantStatus: http.StatusForbidden, wantBody: "Nothing was revoked"},
		{name: "CSRF of another browser session", csrf: csrfOtherSes, wantStatus: http.StatusForbidden, wantBody: "Nothing was revoked"},
		{name: "another browser with the right CSRF", csrf: csrfValid, noCookie: true, wantStatus: http.StatusForbidden, wantBody: "Nothing to manage in this browser"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, kind string) {
				h := newHarness(t, kind)
				ctx := context.Background()
				victim, bystander := h.publicClient(), h.publicClient()
				browser := newBrowser(t)
				at, rt := h.connect(browser, victim)
				bat, brt := h.connect(browser, bystander)
				page := h.consentsPage(browser)
				require.ElementsMatch(t, []string{victim, bystander}, listedClients(page))

				form := url.Values{"client_id": {victim}}
				switch tt.csrf {
				case csrfValid:
					form.Set("csrf", pageCSRF(t, page))
				case csrfWrong:
					form.Set("csrf", newRandom())
				case csrfOtherSes:
					other := newBrowser(t)
					h.connect(other, bystander)
					form.Set("csrf", pageCSRF(t, h.consentsPage(other)))
				}
				poster := browser
				if tt.noCookie {
					poster = newBrowser(t)
				}
				r := h.postForm(poster, ConsentsRevokePath, form)
				require.Equal(t, tt.wantStatus, r.Status, r.Body)
				require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
				if tt.wantStatus != http.StatusSeeOther {
					requirePageHeaders(t, h, r)
					require.Contains(t, r.Body, tt.wantBody)
					require.Empty(t, r.Header.Get("Location"))
					require.NotEmpty(t, h.audit("consent_revoke_rejected"))
					require.Empty(t, h.audit("consent_revoked"))

					// Nothing revoked.
					require.ElementsMatch(t, []string{victim, bystander}, listedClients(h.consentsPage(browser)))
					_, err := h.as.ResolveAccessToken(ctx, at)
					require.NoError(t, err)
					require.True(t, h.remembered(browser, victim))
					r = h.refresh(victim, rt)
					require.Equal(t, http.StatusOK, r.Status, r.Body)
					return
				}

				require.Equal(t, ConsentsPath+"?revoked=1", r.Header.Get("Location"))
				evs := h.audit("consent_revoked")
				require.Len(t, evs, 1)
				require.Equal(t, "ok", evs[0].Outcome)
				require.Equal(t, testUser, evs[0].UserID)
				require.Contains(t, evs[0].Detail, "client_id="+victim)

				after := do(t, browser, http.MethodGet, h.srv.URL+r.Header.Get("Location"), nil)
				require.Equal(t, http.StatusOK, after.Status)
				require.Equal(t, []string{bystander}, listedClients(after))
				require.Contains(t, after.Body, `id="revoked"`)

				// The client's tokens are dead, on the next request.
				_, err := h.as.ResolveAccessToken(ctx, at)
				require.ErrorIs(t, err, authn.ErrInvalidToken)
				r = h.refresh(victim, rt)
				require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
				require.Equal(t, "invalid_grant", r.JSON(t)["error"])
				// The next authorization asks again.
				require.False(t, h.remembered(browser, victim))

				// The other client keeps everything.
				_, err = h.as.ResolveAccessToken(ctx, bat)
				require.NoError(t, err)
				require.True(t, h.remembered(browser, bystander))
				r = h.refresh(bystander, brt)
				require.Equal(t, http.StatusOK, r.Status, r.Body)

				// Revoking again is harmless.
				r = h.postForm(browser, ConsentsRevokePath, form)
				require.Equal(t, http.StatusSeeOther, r.Status, r.Body)

				// Connecting again works, with fresh tokens.
				at2, _ := h.connect(browser, victim)
				_, err = h.as.ResolveAccessToken(ctx, at2)
				require.NoError(t, err)
				require.ElementsMatch(t, []string{victim, bystander}, listedClients(h.consentsPage(browser)))
			})
		})
	}
}

func TestConsentsRevokeRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	browser := newBrowser(t)
	clientID := h.publicClient()
	h.connect(browser, clientID)
	csrf := pageCSRF(t, h.consentsPage(browser))
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
	}{
		{"GET on the revoke form", http.MethodGet, ConsentsRevokePath, "", http.StatusMethodNotAllowed},
		{"POST on the page", http.MethodPost, ConsentsPath, "", http.StatusMethodNotAllowed},
		{"no client", http.MethodPost, ConsentsRevokePath, url.Values{"csrf": {csrf}}.Encode(), http.StatusBadRequest},
		{"repeated client_id", http.MethodPost, ConsentsRevokePath,
			url.Values{"csrf": {csrf}, "client_id": {clientID, "x"}}.Encode(), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			r := do(t, browser, tt.method, h.srv.URL+tt.path, body, "Content-Type", "application/x-www-form-urlencoded")
			require.Equal(t, tt.wantStatus, r.Status, r.Body)
		})
	}
	require.Equal(t, []string{clientID}, listedClients(h.consentsPage(browser)), "nothing revoked")
}

func TestConsentsRateLimited(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem", func(o *hopts) {
		o.mod = func(o *Options) { o.RateLimit, o.Burst = 0.001, 2 }
	})
	b := newBrowser(t)
	for range 2 {
		require.Equal(t, http.StatusOK, h.consentsPage(b).Status)
	}
	r := h.consentsPage(b)
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	require.NotEmpty(t, r.Header.Get("Retry-After"))
	r = h.postForm(b, ConsentsRevokePath, url.Values{"client_id": {"x"}})
	require.Equal(t, http.StatusTooManyRequests, r.Status)
}

func TestRevokeEndpointAndConsent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		which      string // the token the client revokes
		client     string // "own" or "other"
		remembered bool   // consent still remembered afterwards
	}{
		{name: "refresh token forgets the consent", which: "refresh", client: "own", remembered: false},
		{name: "access token keeps the consent", which: "access", client: "own", remembered: true},
		{name: "another client's refresh token changes nothing", which: "refresh", client: "other", remembered: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eachStore(t, func(t *testing.T, kind string) {
				h := newHarness(t, kind)
				clientID := h.publicClient()
				browser := newBrowser(t)
				at, rt := h.connect(browser, clientID)
				tok := rt
				if tt.which == "access" {
					tok = at
				}
				revoker := clientID
				if tt.client == "other" {
					revoker = h.publicClient()
				}
				r := h.postForm(http.DefaultClient, "/revoke", url.Values{"client_id": {revoker}, "token": {tok}})
				require.Equal(t, http.StatusOK, r.Status, r.Body)

				require.Equal(t, tt.remembered, h.remembered(browser, clientID))
				if tt.remembered {
					require.Equal(t, []string{clientID}, listedClients(h.consentsPage(browser)))
					require.Empty(t, h.audit("consent_revoked"))
				} else {
					require.Empty(t, listedClients(h.consentsPage(browser)))
					evs := h.audit("consent_revoked")
					require.Len(t, evs, 1)
					require.Equal(t, "client_revoke", evs[0].Outcome)
					_, err := h.as.ResolveAccessToken(context.Background(), at)
					require.ErrorIs(t, err, authn.ErrInvalidToken, "the family is revoked too")
				}
			})
		})
	}
}
