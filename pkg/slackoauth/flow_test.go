package slackoauth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func TestAuthorizeRedirectsToSlack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.authorize(h.browser, "")
	require.Equal(t, http.StatusFound, r.Status)
	loc := r.Location(t)
	require.Equal(t, h.emu.URL+"/oauth/v2/authorize", loc.Scheme+"://"+loc.Host+loc.Path)
	q := loc.Query()
	require.Equal(t, testClientID, q.Get("client_id"))
	require.Equal(t, strings.Join(testScopes, ","), q.Get("user_scope"))
	require.Equal(t, h.srv.URL+"/oauth/callback", q.Get("redirect_uri"))
	require.False(t, q.Has("scope"), "no bot scopes are requested")
	require.NoError(t, parseRandom(q.Get("state")), "state is 256 random bits, base64url")
	require.Equal(t, "no-store", r.Header.Get("Cache-Control"))

	cookies := (&http.Response{Header: r.Header}).Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	require.Equal(t, "smcp_oauth", c.Name, "plain-http public URL: no __Host- prefix")
	require.Equal(t, "/oauth", c.Path)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)
	require.False(t, c.Secure)
	require.NoError(t, parseRandom(c.Value))

	require.Len(t, h.audit("oauth_initiated"), 1)
}

func TestHostCookieWhenPublicURLIsHTTPS(t *testing.T) {
	t.Parallel()
	st := newTestStore(t, store.MemoryPath, newClock())
	svc, err := New(Options{
		ClientID: "c", ClientSecret: "s", RedirectURI: "https://mcp.example.com/oauth/callback",
		UserScopes: testScopes, Store: st, Keys: testKeys(t),
	})
	require.NoError(t, err)
	rec := httptestRecorder(svc, http.MethodGet, "/oauth/authorize", nil)
	require.Equal(t, http.StatusFound, rec.Code)
	require.True(t, strings.HasPrefix(rec.Header().Get("Location"), "https://slack.com/oauth/v2/authorize?"))
	c := (&http.Response{Header: rec.Header()}).Cookies()[0]
	require.Equal(t, "__Host-smcp_oauth", c.Name)
	require.True(t, c.Secure)
	require.True(t, c.HttpOnly)
	require.Equal(t, "/", c.Path)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)
}

func TestHappyPath(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	page := h.connect(h.browser, "")
	require.Equal(t, http.StatusOK, page.Status, page.Body)

	// The PAT is shown once; the Slack token appears nowhere.
	pat := patOf(t, page.Body)
	require.NotContains(t, page.Body, "xox")
	for k, vs := range page.Header {
		for _, v := range vs {
			require.NotContains(t, v, "xox", k)
			require.NotContains(t, v, pat, k)
		}
	}
	require.Contains(t, page.Body, "Acme &lt;Corp&gt;", "workspace name shown, escaped")
	require.Contains(t, page.Body, testUser)
	// Ready-to-paste configuration for four clients.
	mcpURL := h.srv.URL + "/mcp"
	require.Contains(t, page.Body, "claude mcp add --transport http slack "+mcpURL+" --header &#34;Authorization: Bearer "+pat+"&#34;")
	require.Contains(t, page.Body, "mcp-remote")
	require.Contains(t, page.Body, "&#34;type&#34;: &#34;http&#34;")
	require.Contains(t, page.Body, "&#34;headers&#34;")

	// Hardened page.
	csp := page.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'none'")
	require.Contains(t, csp, "script-src 'nonce-")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.Contains(t, csp, "form-action 'self'")
	nonce := strings.TrimSuffix(strings.SplitN(strings.SplitN(csp, "'nonce-", 2)[1], "'", 2)[0], "'")
	require.Contains(t, page.Body, `<script nonce="`+nonce+`">`)
	require.Equal(t, "DENY", page.Header.Get("X-Frame-Options"))
	require.Equal(t, "no-referrer", page.Header.Get("Referrer-Policy"))
	require.Equal(t, "no-store", page.Header.Get("Cache-Control"))
	// The binding cookie is cleared.
	cleared := (&http.Response{Header: page.Header}).Cookies()
	require.Len(t, cleared, 1)
	require.Equal(t, "smcp_oauth", cleared[0].Name)
	require.Less(t, cleared[0].MaxAge, 0)

	// The installation is stored with sealed tokens only.
	ctx := context.Background()
	in, err := h.store.FindInstallation(ctx, "", testTeam, testUser)
	require.NoError(t, err)
	require.Equal(t, store.StatusActive, in.Status)
	require.Equal(t, "Acme <Corp>", in.TeamName)
	require.ElementsMatch(t, testScopes, in.Scopes)
	require.False(t, in.IsEnterpriseInstall)
	require.NotContains(t, in.AccessToken, "xox")
	require.True(t, in.TokenExpiresAt.IsZero())

	// The PAT resolves to a Slack token that works, for this user.
	creds, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(creds.Token, "xoxp-"))
	at, err := h.slackAuthTest(creds.Token)
	require.NoError(t, err)
	require.Equal(t, testUser, at.UserID)
	require.Equal(t, testTeam, at.TeamID)

	// Only the hash of the PAT is stored.
	_, err = h.store.GetPAT(ctx, pat)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.store.GetPAT(ctx, hashHex(pat))
	require.NoError(t, err)

	done := h.audit("oauth_completed")
	require.Len(t, done, 1)
	require.Equal(t, testTeam, done[0].TeamID)
	require.Equal(t, testUser, done[0].UserID)
	require.Empty(t, h.audit("oauth_failed"))
}

func TestSecondConnectKeepsInstallation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pat1 := patOf(t, h.connect(h.browser, "").Body)
	pat2 := patOf(t, h.connect(newBrowser(t), "").Body)
	require.NotEqual(t, pat1, pat2)
	p1, err := h.store.GetPAT(context.Background(), hashHex(pat1))
	require.NoError(t, err)
	p2, err := h.store.GetPAT(context.Background(), hashHex(pat2))
	require.NoError(t, err)
	require.Equal(t, p1.InstallationID, p2.InstallationID)
	// Both resolve to the newest Slack token.
	c1, err := h.svc.ResolvePAT(context.Background(), pat1)
	require.NoError(t, err)
	c2, err := h.svc.ResolvePAT(context.Background(), pat2)
	require.NoError(t, err)
	require.Equal(t, c1, c2)
}

// TestCallbackFailures drives each way a callback is refused and checks
// the code, the absence of an installation, and the audit trail.
func TestCallbackFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []func(*setup)
		prepare func(h *harness) // before the callback
		// callback performs the callback request, given the URL Slack
		// redirected to.
		callback func(h *harness, cb string) response
		code     string
		status   int
	}{
		{
			name:     "expired state",
			prepare:  func(h *harness) { h.clock.Advance(15*time.Minute + time.Second) },
			callback: func(h *harness, cb string) response { return do(h.t, h.browser, http.MethodGet, cb, nil) },
			code:     CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "replayed state",
			callback: func(h *harness, cb string) response {
				first := do(h.t, h.browser, http.MethodGet, cb, nil)
				require.Equal(h.t, http.StatusOK, first.Status)
				// Same browser (the cookie put back), same URL.
				h.restoreCookie(cb)
				return do(h.t, h.browser, http.MethodGet, cb, nil)
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "forged state",
			callback: func(h *harness, cb string) response {
				return do(h.t, h.browser, http.MethodGet, replaceQuery(h.t, cb, "state", newRandom()), nil)
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "malformed state",
			callback: func(h *harness, cb string) response {
				return do(h.t, h.browser, http.MethodGet, replaceQuery(h.t, cb, "state", "'><script>"), nil)
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "missing state",
			callback: func(h *harness, cb string) response {
				return do(h.t, h.browser, http.MethodGet, replaceQuery(h.t, cb, "state", ""), nil)
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "another browser without the cookie",
			callback: func(h *harness, cb string) response {
				return do(h.t, newBrowser(h.t), http.MethodGet, cb, nil)
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "another browser with its own cookie",
			callback: func(h *harness, cb string) response {
				other := newBrowser(h.t)
				h.authorize(other, "") // the attacker's victim has a cookie of its own
				return do(h.t, other, http.MethodGet, cb, nil)
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name: "wrong cookie value",
			callback: func(h *harness, cb string) response {
				return do(h.t, &http.Client{CheckRedirect: h.browser.CheckRedirect}, http.MethodGet, cb, nil,
					"Cookie", "smcp_oauth="+newRandom())
			},
			code: CodeInvalidState, status: http.StatusBadRequest,
		},
		{
			name:     "denied consent",
			opts:     []func(*setup){withConsent(slackemu.Consent{AutoApprove: true, Deny: true})},
			callback: func(h *harness, cb string) response { return do(h.t, h.browser, http.MethodGet, cb, nil) },
			code:     CodeAccessDenied, status: http.StatusForbidden,
		},
		{
			name:     "failed exchange",
			prepare:  func(h *harness) { h.emu.FailNextWith("oauth.v2.access", "invalid_code", 1) },
			callback: func(h *harness, cb string) response { return do(h.t, h.browser, http.MethodGet, cb, nil) },
			code:     CodeExchangeFailed, status: http.StatusBadGateway,
		},
		{
			name: "code without error or code",
			callback: func(h *harness, cb string) response {
				return do(h.t, h.browser, http.MethodGet, replaceQuery(h.t, cb, "code", ""), nil)
			},
			code: CodeExchangeFailed, status: http.StatusBadGateway,
		},
		{
			name: "insufficient scopes",
			opts: []func(*setup){withConsent(slackemu.Consent{AutoApprove: true,
				GrantScopes: []string{"channels:read", "users:read"}})},
			callback: func(h *harness, cb string) response { return do(h.t, h.browser, http.MethodGet, cb, nil) },
			code:     CodeInvalidScope, status: http.StatusForbidden,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts...)
			cb := h.toSlack(h.browser, h.authorize(h.browser, ""))
			if tc.prepare != nil {
				tc.prepare(h)
			}
			r := tc.callback(h, cb)
			require.Equal(t, tc.status, r.Status, r.Body)
			require.Contains(t, r.Header.Get("Content-Type"), "text/html")
			require.Contains(t, r.Body, tc.code)
			require.NotContains(t, r.Body, "xox")
			require.NotContains(t, r.Body, "invalid_code", "Slack's raw answer is never echoed")
			require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"))
			require.Empty(t, r.Header.Get("Location"), "no redirect without a return_url")

			failed := h.audit("oauth_failed")
			require.NotEmpty(t, failed)
			require.Equal(t, tc.code, failed[len(failed)-1].Outcome)
			if tc.name != "replayed state" {
				_, err := h.store.FindInstallation(context.Background(), "", testTeam, testUser)
				require.ErrorIs(t, err, store.ErrNotFound)
				require.Empty(t, h.audit("oauth_completed"))
			}
			if tc.code == CodeInvalidScope {
				require.Equal(t, 1, h.emu.Calls("auth.revoke"), "the under-scoped token is revoked at Slack")
			}
			if tc.code == CodeInvalidState {
				require.LessOrEqual(t, h.emu.Calls("oauth.v2.access"), 1, "no exchange for a refused state")
				if tc.name != "replayed state" {
					require.Zero(t, h.emu.Calls("oauth.v2.access"))
				}
			}
		})
	}
}

// restoreCookie puts a binding cookie back for the replay case, so only
// the state decides.
func (h *harness) restoreCookie(string) {
	// The first callback cleared the cookie; a replaying attacker would
	// present whatever they like, so present a fresh flow's cookie.
	h.authorize(h.browser, "")
}

func replaceQuery(t testing.TB, raw, key, value string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	q := u.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func TestCallbackJSONWhenAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := do(t, h.browser, http.MethodGet, h.srv.URL+"/oauth/callback?state="+newRandom()+"&code=x", nil,
		"Accept", "application/json")
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Contains(t, r.Header.Get("Content-Type"), "application/json")
	var body errorBody
	require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
	require.Equal(t, CodeInvalidState, body.Code)
	require.NotEmpty(t, body.Error)
}

func TestReturnURL(t *testing.T) {
	t.Parallel()
	t.Run("success shows our page with a continue link", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		r := h.connect(h.browser, "return_url="+url.QueryEscape("/done?x=1"))
		require.Equal(t, http.StatusOK, r.Status)
		pat := patOf(t, r.Body)
		require.Contains(t, r.Body, `href="/done?status=success&amp;x=1"`)
		require.Equal(t, 1, strings.Count(r.Body, pat)-strings.Count(r.Body, "Bearer "+pat), "the PAT appears once on its own")
	})
	t.Run("allowed origin", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, func(s *setup) { s.allowed = []string{"https://app.example.com"} })
		r := h.connect(h.browser, "return_url="+url.QueryEscape("https://app.example.com/settings"))
		require.Equal(t, http.StatusOK, r.Status)
		require.Contains(t, r.Body, `href="https://app.example.com/settings?status=success"`)
	})
	t.Run("error redirects with the code", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, withConsent(slackemu.Consent{AutoApprove: true, Deny: true}))
		r := h.connect(h.browser, "return_url="+url.QueryEscape("/settings/integrations?tab=slack"))
		require.Equal(t, http.StatusFound, r.Status)
		loc := r.Location(t)
		require.Empty(t, loc.Host)
		require.Equal(t, "/settings/integrations", loc.Path)
		require.Equal(t, url.Values{"tab": {"slack"}, "status": {"error"}, "error": {CodeAccessDenied}}, loc.Query())
	})
	t.Run("insufficient scope redirects with the code", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, withConsent(slackemu.Consent{AutoApprove: true, GrantScopes: []string{"users:read"}}))
		r := h.connect(h.browser, "return_url=%2Fback")
		require.Equal(t, http.StatusFound, r.Status)
		require.Equal(t, "/back?error=INVALID_SCOPE&status=error", r.Header.Get("Location"))
	})
	t.Run("invalid state never redirects", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		cb := h.toSlack(h.browser, h.authorize(h.browser, "return_url=%2Fback"))
		r := do(t, newBrowser(t), http.MethodGet, cb, nil) // another browser
		require.Equal(t, http.StatusBadRequest, r.Status)
		require.Empty(t, r.Header.Get("Location"))
	})
}

func TestAuthorizeRejectsBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(s *setup) { s.allowed = []string{"https://app.example.com"} })
	big := `{"source":"` + strings.Repeat("a", 1100) + `"}`
	tests := []struct {
		name, query, code string
	}{
		{"oversized metadata", "metadata=" + url.QueryEscape(big), CodeMetadataTooLarge},
		{"metadata plus return_url over 1 KB", "metadata=" + url.QueryEscape(`{"a":"`+strings.Repeat("b", 1000)+`"}`) + "&return_url=/" + strings.Repeat("c", 100), CodeMetadataTooLarge},
		{"metadata not JSON", "metadata=nope", CodeInvalidMetadata},
		{"metadata not an object", "metadata=%5B1%2C2%5D", CodeInvalidMetadata},
		{"metadata null", "metadata=null", CodeInvalidMetadata},
	}
	for _, ev := range openRedirects {
		tests = append(tests, struct{ name, query, code string }{"return_url " + ev, "return_url=" + url.QueryEscape(ev), CodeInvalidReturnURL})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := h.authorize(newBrowser(t), tc.query)
			require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
			require.Contains(t, r.Header.Get("Content-Type"), "application/json")
			var body errorBody
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
			require.Equal(t, tc.code, body.Code)
			require.Empty(t, r.Header.Get("Location"))
			require.Empty(t, r.Header.Get("Set-Cookie"))
		})
	}
	t.Run("valid metadata accepted", func(t *testing.T) {
		t.Parallel()
		r := h.authorize(newBrowser(t), "metadata="+url.QueryEscape(`{"source":"settings_page", "projectId":"p-1"}`))
		require.Equal(t, http.StatusFound, r.Status)
	})
}
