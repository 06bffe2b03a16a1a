package oauthserver

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// authorizeErrorCases are every /authorize error that happens after the
// client and its redirect URI were validated, with the OAuth error code.
func authorizeErrorCases(h *harness) []struct {
	name, error string
	mod         func(q url.Values)
} {
	return []struct {
		name, error string
		mod         func(q url.Values)
	}{
		{"token response type", "unsupported_response_type", func(q url.Values) { q.Set("response_type", "token") }},
		{"no response type", "unsupported_response_type", func(q url.Values) { q.Del("response_type") }},
		{"missing PKCE", "invalid_request", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }},
		{"plain PKCE", "invalid_request", func(q url.Values) { q.Set("code_challenge_method", "plain") }},
		{"short challenge", "invalid_request", func(q url.Values) { q.Set("code_challenge", "abc") }},
		{"state too long", "invalid_request", func(q url.Values) { q.Set("state", string(make([]byte, maxStateLen+1))) }},
		{"wrong resource", "invalid_target", func(q url.Values) { q.Set("resource", "https://other.example.com/mcp") }},
		{"two resources", "invalid_target", func(q url.Values) { q.Add("resource", h.srv.URL) }},
		{"unknown scope", "invalid_scope", func(q url.Values) { q.Set("scope", "slack:read admin") }},
		{"prompt none without consent", "consent_required", func(q url.Values) { q.Set("prompt", "none") }},
	}
}

// TestAuthorizeErrorsNoOpenRedirect reproduces the open redirect: anyone
// can register https://evil.example/landing, and /authorize used to send
// every error there at once (302, no person involved). Now a DCR or CIMD
// client the browser has not approved gets our error page (or JSON), and
// only static clients and approved clients get the redirect.
func TestAuthorizeErrorsNoOpenRedirect(t *testing.T) {
	t.Parallel()
	const evil = "https://evil.example/landing"
	h := newHarness(t, "mem")
	evilID, _ := h.register(map[string]any{"redirect_uris": []string{evil}, "token_endpoint_auth_method": "none", "client_name": "Evil"})
	_, ch := pkce()

	t.Run("the reported attack", func(t *testing.T) {
		t.Parallel()
		r := h.authorize(newBrowser(t), url.Values{"client_id": {evilID}, "response_type": {"token"}})
		require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
		require.Empty(t, r.Header.Get("Location"))
		require.NotContains(t, r.Body, "evil.example")
		require.Contains(t, r.Body, `<code id="error-code">unsupported_response_type</code>`)
		require.Contains(t, r.Header.Get("Content-Type"), "text/html")
		require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"))
	})

	for _, tc := range authorizeErrorCases(h) {
		t.Run("dcr/"+tc.name, func(t *testing.T) {
			t.Parallel()
			q := h.authzParams(evilID, ch)
			q.Set("redirect_uri", evil)
			tc.mod(q)
			r := h.authorize(newBrowser(t), q)
			require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
			require.Empty(t, r.Header.Get("Location"))
			require.Contains(t, r.Body, `<code id="error-code">`+tc.error+`</code>`)

			// A client that asks for JSON gets the OAuth error as JSON.
			j := do(t, newBrowser(t), http.MethodGet, h.srv.URL+"/authorize?"+q.Encode(), nil, "Accept", "application/json")
			require.Equal(t, http.StatusBadRequest, j.Status, j.Body)
			require.Empty(t, j.Header.Get("Location"))
			require.Equal(t, tc.error, j.JSON(t)["error"])
			require.NotEmpty(t, j.JSON(t)["error_description"])
		})
	}

	t.Run("static client errors are redirected", func(t *testing.T) {
		t.Parallel()
		require.NoError(t, h.store.PutClient(context.Background(), store.Client{
			ID: "static-app", Kind: store.ClientStatic, Name: "Operator's app", RedirectURIs: []string{clientRedirect}, AuthMethod: authNone,
		}))
		for _, tc := range authorizeErrorCases(h) {
			q := h.authzParams("static-app", ch)
			tc.mod(q)
			r := h.authorize(newBrowser(t), q)
			requireErrorRedirect(t, h, r, tc.error, tc.name)
		}
	})
}

// TestAuthorizeErrorsRedirectAfterConsent: once this browser approved a
// DCR client for a redirect URI, its errors go back there (it is no
// longer an unknown site to this person); another browser, another
// redirect URI of the same client, or a revoked consent get the page.
func TestAuthorizeErrorsRedirectAfterConsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	const other = "https://app.example/cb"
	clientID, _ := h.register(map[string]any{"redirect_uris": []string{clientRedirect, other}, "token_endpoint_auth_method": "none", "client_name": "App"})
	browser := newBrowser(t)
	_, ch := pkce()
	h.fullFlow(browser, h.authzParams(clientID, ch))

	for _, tc := range authorizeErrorCases(h) {
		if tc.error == "consent_required" {
			continue // the consent is remembered: prompt=none succeeds
		}
		q := h.authzParams(clientID, ch)
		tc.mod(q)
		requireErrorRedirect(t, h, h.authorize(browser, q), tc.error, tc.name)

		r := h.authorize(newBrowser(t), q)
		require.Equal(t, http.StatusBadRequest, r.Status, "another browser: %s", tc.name)
		require.Empty(t, r.Header.Get("Location"), tc.name)

		q.Set("redirect_uri", other)
		r = h.authorize(browser, q)
		require.Equal(t, http.StatusBadRequest, r.Status, "a redirect URI the person did not approve: %s", tc.name)
		require.Empty(t, r.Header.Get("Location"), tc.name)
	}

	in, err := h.store.FindInstallation(context.Background(), "", testTeam, testUser)
	require.NoError(t, err)
	require.NoError(t, h.store.RevokeConsent(context.Background(), in.ID, clientID, h.clock.Now()))
	q := h.authzParams(clientID, ch)
	q.Set("response_type", "token")
	r := h.authorize(browser, q)
	require.Equal(t, http.StatusBadRequest, r.Status, "revoked consent: the page")
	require.Empty(t, r.Header.Get("Location"))
}

// TestAuthorizeErrorsCIMDNoOpenRedirect: a metadata-document client is
// as open as DCR (anyone can host a document), so it gets the page too.
func TestAuthorizeErrorsCIMDNoOpenRedirect(t *testing.T) {
	t.Parallel()
	doc, _ := docServer(t, "", func(self string) map[string]any {
		d := goodDoc(self)
		d["redirect_uris"] = []string{"https://evil.example/landing"}
		return d
	})
	h := newHarness(t, "mem", withCIMD(doc.Client(), true))
	_, ch := pkce()
	q := h.authzParams(doc.URL+"/client.json", ch)
	q.Set("redirect_uri", "https://evil.example/landing")
	q.Set("response_type", "token")
	r := h.authorize(newBrowser(t), q)
	require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
	require.Empty(t, r.Header.Get("Location"))
	require.Contains(t, r.Body, `<code id="error-code">unsupported_response_type</code>`)
}

// TestAuthorizeRefusalsJSON: the errors that were never redirected answer
// JSON to a client that asks for it, HTML otherwise.
func TestAuthorizeRefusalsJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	clientID := h.publicClient()
	_, ch := pkce()
	for _, tc := range []struct {
		name, accept, error string
		mod                 func(q url.Values)
	}{
		{"unknown client", "application/json", "invalid_client", func(q url.Values) { q.Set("client_id", "mcpc_unknown") }},
		{"wrong redirect", "application/json, text/html;q=0.5", "invalid_request", func(q url.Values) { q.Set("redirect_uri", "https://evil.example/cb") }},
		{"duplicate parameter", "application/json", "invalid_request", func(q url.Values) { q.Add("state", "x") }},
		{"browser", "text/html,application/xhtml+xml,*/*;q=0.8", "", func(q url.Values) { q.Set("client_id", "mcpc_unknown") }},
		{"json refused", "text/html, application/json;q=0", "", func(q url.Values) { q.Set("client_id", "mcpc_unknown") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := h.authzParams(clientID, ch)
			tc.mod(q)
			r := do(t, newBrowser(t), http.MethodGet, h.srv.URL+"/authorize?"+q.Encode(), nil, "Accept", tc.accept)
			require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
			require.Empty(t, r.Header.Get("Location"))
			if tc.error == "" {
				require.Contains(t, r.Header.Get("Content-Type"), "text/html")
				return
			}
			require.Contains(t, r.Header.Get("Content-Type"), "application/json")
			require.Equal(t, tc.error, r.JSON(t)["error"])
		})
	}
}

func requireErrorRedirect(t *testing.T, h *harness, r response, code, name string) {
	t.Helper()
	require.Equal(t, http.StatusFound, r.Status, "%s: %s", name, r.Body)
	loc := r.Location(t)
	require.Equal(t, "127.0.0.1:9999", loc.Host, name)
	require.Equal(t, code, loc.Query().Get("error"), name)
	require.Equal(t, h.srv.URL, loc.Query().Get("iss"), name)
	require.Empty(t, loc.Query().Get("code"), name)
	if name != "state too long" {
		require.Equal(t, "client-state-1", loc.Query().Get("state"), name)
	}
}
