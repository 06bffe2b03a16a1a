package oauthserver

import (
	"encoding/base64"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
)

func TestFormActionSource(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		uri, src string
		ok       bool
	}{
		{"https://claude.ai/api/mcp/auth_callback", "https://claude.ai", true},
		{"https://a.example:8443/cb?x=1", "https://a.example:8443", true},
		{"http://127.0.0.1:9999/callback", "http://127.0.0.1:9999", true},
		{"http://localhost/callback", "http://localhost", true},
		{"http://[::1]:8080/cb", "http:", true},
		{"https://[2001:db8::1]/cb", "", false},
		{"cursor://anysphere.cursor-mcp/oauth/callback", "cursor:", true},
		{"com.example.app:/oauth2redirect", "com.example.app:", true},
		{"microsoft-edge:https://evil.example/cb", "microsoft-edge:", true},
		{"https://a;script-src.example/cb", "", false},
		{"https://a'b.example/cb", "", false},
		{"https://a.example:/cb", "https://a.example", true},
		{"::not a uri", "", false},
	} {
		src, ok := formActionSource(tc.uri)
		require.Equal(t, tc.ok, ok, tc.uri)
		require.Equal(t, tc.src, src, tc.uri)
	}
}

// TestConsentPageShowsWholeRedirect: a redirect URI like
// microsoft-edge:https://evil.example/cb used to be shown as
// "microsoft-edge:", hiding where the code goes. The page now shows the
// whole URI for other schemes, and for http(s) the host prominently plus
// the whole URI, escaped; the list of approved applications too.
func TestConsentPageShowsWholeRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, uri, host, csp string
		otherProgram         bool
	}{
		{"edge scheme", "microsoft-edge:https://evil.example/cb", "microsoft-edge:https://evil.example/cb", "microsoft-edge:", true},
		{"app scheme", "cursor://anysphere.cursor-mcp/oauth/callback", "cursor://anysphere.cursor-mcp/oauth/callback", "cursor:", true},
		{"https", "https://app.example/oauth/cb?tenant=a&x=%22%3E", "app.example", "https://app.example", false},
		{"https with markup", `https://app.example/cb?x="><b>hi</b>`, "app.example", "https://app.example", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "mem")
			clientID, _ := h.register(map[string]any{"redirect_uris": []string{tc.uri}, "token_endpoint_auth_method": "none", "client_name": "App"})
			_, ch := pkce()
			q := h.authzParams(clientID, ch)
			q.Set("redirect_uri", tc.uri)
			b := newBrowser(t)
			page := h.authorize(b, q)
			require.Equal(t, http.StatusOK, page.Status, page.Body)
			require.Contains(t, page.Body, `<strong id="redirect-host">`+html.EscapeString(tc.host)+`</strong>`)
			if tc.host != tc.uri {
				require.Contains(t, page.Body, `<code id="redirect-uri">`+html.EscapeString(tc.uri)+`</code>`)
			} else {
				require.NotContains(t, page.Body, `id="redirect-uri"`, "shown once")
			}
			require.NotContains(t, page.Body, "<b>hi</b>")
			require.Equal(t, tc.otherProgram, strings.Contains(page.Body, `id="other-program"`))
			require.Contains(t, page.Header.Get("Content-Security-Policy"), "form-action 'self' "+tc.csp+" "+h.emu.URL+";")

			// Approved: the callback sends the code to the whole URI, and
			// the list of approved applications shows it.
			txn, csrf := consentFields(t, page)
			cb := h.throughSlack(b, h.decide(b, txn, csrf, "approve"))
			require.Equal(t, http.StatusFound, cb.Status, cb.Body)
			require.True(t, strings.HasPrefix(cb.Header.Get("Location"), tc.uri), cb.Header.Get("Location"))
			list := h.consentsPage(b)
			require.Contains(t, list.Body, `<strong class="host">`+html.EscapeString(tc.host)+"</strong>")
			require.Contains(t, list.Body, html.EscapeString(tc.uri))
		})
	}
}

// TestConsentCSPSlackSubdomains: with the real Slack, the consent form's
// chain may pass through a workspace host (undocumented), so *.slack.com
// is allowed besides slack.com; never with another Slack URL.
func TestConsentCSPSlackSubdomains(t *testing.T) {
	t.Parallel()
	c := newClock()
	key := make([]byte, 32)
	keys, err := seal.ParseKeyring(base64.StdEncoding.EncodeToString(key))
	require.NoError(t, err)
	svc, err := slackoauth.New(slackoauth.Options{
		ClientID: slackClientID, ClientSecret: slackClientSecret, RedirectURI: "https://mcp.example.com/oauth/callback",
		UserScopes: readScopes, PublicURL: "https://mcp.example.com", Store: openStore(t, "mem", c), Keys: keys,
		Logger: zerolog.Nop(), Now: c.Now,
	})
	require.NoError(t, err)
	as, err := New(Options{PublicURL: "https://mcp.example.com", Store: openStore(t, "mem", c), Slack: svc,
		ReadSlackScopes: readScopes, TokenKey: []byte("0123456789abcdef0123456789abcdef"), Logger: zerolog.Nop(), Now: c.Now})
	require.NoError(t, err)
	require.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https://claude.ai https://*.slack.com https://slack.com; frame-ancestors 'none'; base-uri 'none'",
		as.consentCSP("https://claude.ai/api/mcp/auth_callback"))
	require.NotContains(t, as.csp, "*.slack.com", "other pages keep the page policy")
}
