package oauthserver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func TestMetadata(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	for _, path := range []string{"/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/mcp", "/.well-known/oauth-authorization-server/sse"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			r := do(t, http.DefaultClient, http.MethodGet, h.srv.URL+path, nil)
			require.Equal(t, http.StatusOK, r.Status)
			require.Equal(t, "*", r.Header.Get("Access-Control-Allow-Origin"))
			m := r.JSON(t)
			b := h.srv.URL
			for k, want := range map[string]any{
				"issuer":                                         b,
				"authorization_endpoint":                         b + "/authorize",
				"token_endpoint":                                 b + "/token",
				"registration_endpoint":                          b + "/register",
				"revocation_endpoint":                            b + "/revoke",
				"response_types_supported":                       []any{"code"},
				"code_challenge_methods_supported":               []any{"S256"},
				"grant_types_supported":                          []any{"authorization_code", "refresh_token"},
				"token_endpoint_auth_methods_supported":          []any{"none", "client_secret_post", "client_secret_basic"},
				"scopes_supported":                               []any{"slack:read", "slack:write"},
				"client_id_metadata_document_supported":          true,
				"authorization_response_iss_parameter_supported": true,
			} {
				require.Equal(t, want, m[k], k)
			}
		})
	}
	r := do(t, http.DefaultClient, http.MethodOptions, h.srv.URL+"/token", nil)
	require.Equal(t, http.StatusNoContent, r.Status, "CORS preflight")
	require.Contains(t, r.Header.Get("Access-Control-Allow-Headers"), "Authorization")
}

func TestNewValidation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	good := Options{PublicURL: "https://mcp.example.com", Store: h.store, Slack: h.slack,
		ReadSlackScopes: readScopes, TokenKey: make([]byte, 32)}
	_, err := New(good)
	require.NoError(t, err)
	for name, mod := range map[string]func(*Options){
		"http non-loopback":       func(o *Options) { o.PublicURL = "http://mcp.example.com" },
		"path":                    func(o *Options) { o.PublicURL = "https://mcp.example.com/base" },
		"no store":                func(o *Options) { o.Store = nil },
		"no slack":                func(o *Options) { o.Slack = nil },
		"no scopes":               func(o *Options) { o.ReadSlackScopes = nil },
		"short key":               func(o *Options) { o.TokenKey = []byte("short") },
		"write scopes, no action": func(o *Options) { o.WriteSlackScopes = writeScopes },
		"untitled action":         func(o *Options) { o.WriteActions = []WriteAction{{SlackScopes: writeScopes}} },
	} {
		o := good
		mod(&o)
		_, err := New(o)
		require.Error(t, err, name)
	}
	s, err := New(Options{PublicURL: "https://MCP.example.com/", Store: h.store, Slack: h.slack, ReadSlackScopes: readScopes, TokenKey: make([]byte, 32)})
	require.NoError(t, err)
	require.Equal(t, "https://mcp.example.com", s.Issuer())
	require.Equal(t, "__Host-mcp_txn", s.txnCookie)
}

func TestRegister(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	post := func(body string, ct string) response {
		return do(t, http.DefaultClient, http.MethodPost, h.srv.URL+"/register", strings.NewReader(body), "Content-Type", ct)
	}
	t.Run("cursor", func(t *testing.T) {
		t.Parallel()
		r := post(`{"redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback","https://www.cursor.com/agents/mcp/oauth/callback","http://localhost:8787/callback"],
			"token_endpoint_auth_method":"none","client_name":"Cursor","grant_types":["authorization_code","refresh_token"],"scope":"slack:read offline_access"}`, "application/json")
		require.Equal(t, http.StatusCreated, r.Status, r.Body)
		m := r.JSON(t)
		require.True(t, strings.HasPrefix(m["client_id"].(string), ClientIDPrefix))
		require.Nil(t, m["client_secret"])
		require.Equal(t, "none", m["token_endpoint_auth_method"])
		require.Equal(t, "slack:read", m["scope"])
		require.Len(t, m["redirect_uris"], 3)
		c, err := h.store.GetClient(context.Background(), m["client_id"].(string))
		require.NoError(t, err)
		require.Equal(t, store.ClientDynamic, c.Kind)
	})
	t.Run("confidential", func(t *testing.T) {
		t.Parallel()
		r := post(`{"redirect_uris":["https://claude.ai/api/mcp/auth_callback"],"client_name":"claude.ai"}`, "application/json; charset=utf-8")
		require.Equal(t, http.StatusCreated, r.Status, r.Body)
		m := r.JSON(t)
		require.Equal(t, "client_secret_basic", m["token_endpoint_auth_method"], "RFC 7591 default")
		secret := m["client_secret"].(string)
		require.NotEmpty(t, secret)
		require.EqualValues(t, 0, m["client_secret_expires_at"])
		c, err := h.store.GetClient(context.Background(), m["client_id"].(string))
		require.NoError(t, err)
		require.Equal(t, sha256Hex(secret), c.SecretHash)
		require.NotContains(t, string(c.Metadata), secret)
	})
	big := `{"redirect_uris":["https://a.example/cb"],"client_name":"` + strings.Repeat("x", 17<<10) + `"}`
	for _, tc := range []struct {
		name, body, ct, code string
		status               int
	}{
		{"no redirect", `{"client_name":"x"}`, "application/json", "invalid_redirect_uri", 400},
		{"http non-loopback", `{"redirect_uris":["http://evil.example/cb"]}`, "application/json", "invalid_redirect_uri", 400},
		{"javascript", `{"redirect_uris":["javascript:alert(1)"]}`, "application/json", "invalid_redirect_uri", 400},
		{"data", `{"redirect_uris":["data:text/html,hi"]}`, "application/json", "invalid_redirect_uri", 400},
		{"file", `{"redirect_uris":["file:///etc/passwd"]}`, "application/json", "invalid_redirect_uri", 400},
		{"fragment", `{"redirect_uris":["https://a.example/cb#x"]}`, "application/json", "invalid_redirect_uri", 400},
		{"userinfo", `{"redirect_uris":["https://u:p@a.example/cb"]}`, "application/json", "invalid_redirect_uri", 400},
		{"relative", `{"redirect_uris":["/cb"]}`, "application/json", "invalid_redirect_uri", 400},
		{"one bad of three", `{"redirect_uris":["https://a.example/cb","http://evil.example/cb"]}`, "application/json", "invalid_redirect_uri", 400},
		{"auth method", `{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}`, "application/json", "invalid_client_metadata", 400},
		{"grant type", `{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}`, "application/json", "invalid_client_metadata", 400},
		{"response type", `{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}`, "application/json", "invalid_client_metadata", 400},
		{"control chars in name", `{"redirect_uris":["https://a.example/cb"],"client_name":"a\u0000b"}`, "application/json", "invalid_client_metadata", 400},
		{"not json", `redirect_uris=x`, "application/x-www-form-urlencoded", "invalid_client_metadata", 400},
		{"broken json", `{"redirect_uris":`, "application/json", "invalid_client_metadata", 400},
		{"too large", big, "application/json", "invalid_client_metadata", 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := post(tc.body, tc.ct)
			require.Equal(t, tc.status, r.Status, r.Body)
			require.Equal(t, tc.code, r.JSON(t)["error"])
		})
	}
}

// TestAuthorizeRefusals: unknown clients and redirect URIs get our error
// page, never a redirect; so do other errors of a registered client this
// browser has not approved (TestAuthorizeErrorsNoOpenRedirect covers when
// they go back to the client).
func TestAuthorizeRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	clientID := h.publicClient()
	_, ch := pkce()
	for _, tc := range []struct {
		name  string
		mod   func(q url.Values)
		page  bool   // error page, no redirect
		error string // else the redirect's error
	}{
		{"unregistered client", func(q url.Values) { q.Set("client_id", "mcpc_unknown") }, true, ""},
		{"missing client", func(q url.Values) { q.Del("client_id") }, true, ""},
		{"wrong redirect", func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:9999/other") }, true, ""},
		{"redirect to another host", func(q url.Values) { q.Set("redirect_uri", "https://evil.example/callback") }, true, ""},
		{"loopback other host", func(q url.Values) { q.Set("redirect_uri", "http://localhost:9999/callback") }, true, ""},
		{"missing redirect (loopback client)", func(q url.Values) { q.Del("redirect_uri") }, true, ""},
		{"duplicate client_id", func(q url.Values) { q.Add("client_id", clientID) }, true, ""},
		{"missing PKCE", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, false, "invalid_request"},
		{"plain PKCE", func(q url.Values) { q.Set("code_challenge_method", "plain") }, false, "invalid_request"},
		{"short challenge", func(q url.Values) { q.Set("code_challenge", "abc") }, false, "invalid_request"},
		{"token response type", func(q url.Values) { q.Set("response_type", "token") }, false, "unsupported_response_type"},
		{"wrong resource", func(q url.Values) { q.Set("resource", "https://other.example.com/mcp") }, false, "invalid_target"},
		{"resource with fragment", func(q url.Values) { q.Set("resource", h.srv.URL+"/mcp#x") }, false, "invalid_target"},
		{"resource other path", func(q url.Values) { q.Set("resource", h.srv.URL+"/admin") }, false, "invalid_target"},
		{"two resources", func(q url.Values) { q.Add("resource", h.srv.URL) }, false, "invalid_target"},
		{"unknown scope", func(q url.Values) { q.Set("scope", "slack:read admin") }, false, "invalid_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := h.authzParams(clientID, ch)
			tc.mod(q)
			r := h.authorize(newBrowser(t), q)
			if tc.page {
				require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
				require.Empty(t, r.Header.Get("Location"))
				require.Contains(t, r.Header.Get("Content-Type"), "text/html")
				require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"))
				return
			}
			require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
			require.Empty(t, r.Header.Get("Location"), "no open redirect for an unapproved DCR client")
			require.Contains(t, r.Body, `<code id="error-code">`+tc.error+`</code>`)
		})
	}
	t.Run("accepted resources", func(t *testing.T) {
		t.Parallel()
		for _, res := range []string{"", h.srv.URL, h.srv.URL + "/", h.srv.URL + "/mcp", h.srv.URL + "/sse", h.srv.URL + "/mcp/readonly", h.srv.URL + "/mcp/x/search/readonly", strings.ToUpper(h.srv.URL[:4]) + h.srv.URL[4:] + "/mcp"} {
			q := h.authzParams(clientID, ch)
			q.Set("resource", res)
			if res == "" {
				q.Del("resource")
			}
			consentFields(t, h.authorize(newBrowser(t), q))
		}
	})
}

func TestConsentCSRF(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	clientID := h.publicClient()
	_, ch := pkce()
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, browser *http.Client, txn, csrf string) response
	}{
		{"missing csrf", func(t *testing.T, b *http.Client, txn, _ string) response {
			return h.postForm(b, "/authorize/consent", url.Values{"txn": {txn}, "decision": {"approve"}})
		}},
		{"wrong csrf", func(t *testing.T, b *http.Client, txn, _ string) response {
			return h.decide(b, txn, newRandom(), "approve")
		}},
		{"csrf of another transaction", func(t *testing.T, b *http.Client, txn, _ string) response {
			_, otherCSRF := consentFields(t, h.authorize(b, h.authzParams(clientID, ch)))
			return h.decide(b, txn, otherCSRF, "approve")
		}},
		{"no cookie", func(t *testing.T, _ *http.Client, txn, csrf string) response {
			return h.decide(newBrowser(t), txn, csrf, "approve")
		}},
		{"wrong cookie", func(t *testing.T, b *http.Client, txn, csrf string) response {
			u, _ := url.Parse(h.srv.URL)
			for _, c := range b.Jar.Cookies(u) {
				c.Value = newRandom()
				b.Jar.SetCookies(u, []*http.Cookie{c})
			}
			return h.decide(b, txn, csrf, "approve")
		}},
		{"unknown transaction", func(t *testing.T, b *http.Client, _, csrf string) response {
			return h.decide(b, newRandom(), csrf, "approve")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBrowser(t)
			txn, csrf := consentFields(t, h.authorize(b, h.authzParams(clientID, ch)))
			r := tc.run(t, b, txn, csrf)
			require.Contains(t, []int{http.StatusBadRequest, http.StatusForbidden}, r.Status, r.Body)
			require.Empty(t, r.Header.Get("Location"), "never a redirect, never to Slack")
			// The genuine form still works afterwards (unless the cookie
			// was tampered with in this very jar).
			if tc.name != "wrong cookie" {
				ok := h.decide(b, txn, csrf, "approve")
				require.Equal(t, http.StatusSeeOther, ok.Status, ok.Body)
			}
		})
	}
	t.Run("callback in another browser", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t)
		txn, csrf := consentFields(t, h.authorize(b, h.authzParams(clientID, ch)))
		toSlack := h.decide(b, txn, csrf, "approve")
		cb := h.throughSlack(newBrowser(t), toSlack)
		require.Equal(t, http.StatusBadRequest, cb.Status)
		require.Empty(t, cb.Header.Get("Location"))
	})
	t.Run("double approve", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t)
		txn, csrf := consentFields(t, h.authorize(b, h.authzParams(clientID, ch)))
		require.Equal(t, http.StatusSeeOther, h.decide(b, txn, csrf, "approve").Status)
		again := h.decide(b, txn, csrf, "approve")
		require.Equal(t, http.StatusBadRequest, again.Status)
		require.Empty(t, again.Header.Get("Location"))
	})
	t.Run("slack state replay", func(t *testing.T) {
		t.Parallel()
		b := newBrowser(t)
		txn, csrf := consentFields(t, h.authorize(b, h.authzParams(clientID, ch)))
		toSlack := h.decide(b, txn, csrf, "approve")
		sl := do(t, b, http.MethodGet, toSlack.Header.Get("Location"), nil)
		cbURL := sl.Header.Get("Location")
		require.Equal(t, http.StatusFound, do(t, b, http.MethodGet, cbURL, nil).Status)
		replay := do(t, b, http.MethodGet, cbURL, nil)
		require.Equal(t, http.StatusBadRequest, replay.Status)
		require.Empty(t, replay.Header.Get("Location"))
	})
}

func TestTokenRefusals(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		ctx := context.Background()
		clientID := h.publicClient()
		otherClient := h.publicClient()
		flow := func() (string, string) {
			v, ch := pkce()
			return h.fullFlow(newBrowser(t), h.authzParams(clientID, ch)), v
		}
		for _, tc := range []struct {
			name   string
			extra  []string
			status int
			error  string
		}{
			{"wrong verifier", []string{"code_verifier", newRandom() + "abc"}, 400, "invalid_grant"},
			{"missing verifier", []string{"code_verifier", ""}, 400, "invalid_request"},
			{"short verifier", []string{"code_verifier", "abc"}, 400, "invalid_grant"},
			{"wrong redirect", []string{"redirect_uri", "http://127.0.0.1:9999/other"}, 400, "invalid_grant"},
			{"wrong resource", []string{"resource", "https://other.example.com/mcp"}, 400, "invalid_target"},
			{"other of our resources", []string{"resource", h.srv.URL + "/sse"}, 400, "invalid_target"},
			{"another client", []string{"client_id", otherClient}, 400, "invalid_grant"},
			{"unregistered client", []string{"client_id", "mcpc_nobody"}, 401, "invalid_client"},
			{"unsupported grant", []string{"grant_type", "password"}, 400, "unsupported_grant_type"},
			{"public client with secret", []string{"client_secret", "x"}, 401, "invalid_client"},
		} {
			code, v := flow()
			r := h.exchange(clientID, code, v, tc.extra...)
			require.Equal(t, tc.status, r.Status, "%s: %s", tc.name, r.Body)
			require.Equal(t, tc.error, r.JSON(t)["error"], tc.name)
		}

		// A refused attempt burns the code (it was redeemed).
		code, v := flow()
		require.Equal(t, 400, h.exchange(clientID, code, v, "code_verifier", newRandom()+"xyz").Status)
		require.Equal(t, "invalid_grant", h.exchange(clientID, code, v).JSON(t)["error"])

		// Replay: invalid_grant, and the tokens it issued are revoked.
		code, v = flow()
		r := h.exchange(clientID, code, v)
		require.Equal(t, 200, r.Status, r.Body)
		at := r.JSON(t)["access_token"].(string)
		rt := r.JSON(t)["refresh_token"].(string)
		_, err := h.as.ResolveAccessToken(ctx, at)
		require.NoError(t, err)
		r = h.exchange(clientID, code, v)
		require.Equal(t, "invalid_grant", r.JSON(t)["error"])
		_, err = h.as.ResolveAccessToken(ctx, at)
		require.ErrorIs(t, err, authn.ErrInvalidToken, "tokens of a replayed code are revoked")
		require.Equal(t, "invalid_grant", h.refresh(clientID, rt).JSON(t)["error"])
		replays := h.audit("code_replay")
		require.Len(t, replays, 2)
		require.Equal(t, "family_revoked", replays[0].Outcome, "newest first")
		require.Equal(t, "no_tokens", replays[1].Outcome)

		// Expired code (injected clock).
		code, v = flow()
		h.clock.Advance(DefaultCodeTTL)
		require.Equal(t, "invalid_grant", h.exchange(clientID, code, v).JSON(t)["error"])

		// Refresh: wider scope refused, narrower allowed, another client
		// refused, expired refused.
		code, v = flow()
		r = h.exchange(clientID, code, v)
		rt = r.JSON(t)["refresh_token"].(string)
		require.Equal(t, "invalid_scope", h.refresh(clientID, rt, "scope", "slack:write").JSON(t)["error"])
		require.Equal(t, "invalid_grant", h.refresh(otherClient, rt).JSON(t)["error"])
		require.Equal(t, "invalid_target", h.refresh(clientID, rt, "resource", "https://other.example.com").JSON(t)["error"])
		r = h.refresh(clientID, rt, "resource", h.srv.URL+"/mcp")
		require.Equal(t, 200, r.Status, r.Body)
		rt = r.JSON(t)["refresh_token"].(string)
		h.clock.Advance(DefaultRefreshTTL - time.Minute)
		r = h.refresh(clientID, rt)
		require.Equal(t, 200, r.Status, "sliding expiry: still valid just before 30 days")
		rt = r.JSON(t)["refresh_token"].(string)
		h.clock.Advance(DefaultRefreshTTL)
		require.Equal(t, "invalid_grant", h.refresh(clientID, rt).JSON(t)["error"])

		// Malformed requests.
		for name, req := range map[string]struct{ body, ct string }{
			"json body":      {`{"grant_type":"authorization_code"}`, "application/json"},
			"repeated param": {"grant_type=refresh_token&grant_type=authorization_code&client_id=" + clientID, "application/x-www-form-urlencoded"},
			"no grant type":  {"client_id=" + clientID, "application/x-www-form-urlencoded"},
		} {
			r := do(t, http.DefaultClient, http.MethodPost, h.srv.URL+"/token", strings.NewReader(req.body), "Content-Type", req.ct)
			require.Equal(t, 400, r.Status, name)
			require.Equal(t, "invalid_request", r.JSON(t)["error"], name)
		}
		r = do(t, http.DefaultClient, http.MethodGet, h.srv.URL+"/token", nil)
		require.Equal(t, http.StatusMethodNotAllowed, r.Status)
	})
}

func TestConfidentialClient(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	id, secret := h.register(map[string]any{"redirect_uris": []string{clientRedirect}, "token_endpoint_auth_method": "client_secret_basic"})
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	}
	code := func() (string, string) {
		v, ch := pkce()
		return h.fullFlow(newBrowser(t), h.authzParams(id, ch)), v
	}
	form := func(c, v string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "code_verifier": {v}, "redirect_uri": {clientRedirect}}
	}
	c, v := code()
	r := h.postForm(http.DefaultClient, "/token", form(c, v), "Authorization", basic(id, "wrong"))
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.Equal(t, "invalid_client", r.JSON(t)["error"])
	require.Contains(t, r.Header.Get("WWW-Authenticate"), "Basic")

	f := form(c, v)
	f.Set("client_id", id)
	r = h.postForm(http.DefaultClient, "/token", f)
	require.Equal(t, http.StatusUnauthorized, r.Status, "a secret client must authenticate")

	c, v = code()
	r = h.postForm(http.DefaultClient, "/token", form(c, v), "Authorization", basic(id, secret))
	require.Equal(t, http.StatusOK, r.Status, r.Body)
	rt := r.JSON(t)["refresh_token"].(string)

	// client_secret_post works too for a secret client.
	r = h.postForm(http.DefaultClient, "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {id}, "client_secret": {secret}})
	require.Equal(t, http.StatusOK, r.Status, r.Body)

	// Two methods at once.
	f = form(c, v)
	f.Set("client_secret", secret)
	r = h.postForm(http.DefaultClient, "/token", f, "Authorization", basic(id, secret))
	require.Equal(t, "invalid_request", r.JSON(t)["error"])

	// Revoke needs authentication too.
	r = h.postForm(http.DefaultClient, "/revoke", url.Values{"token": {rt}, "client_id": {id}})
	require.Equal(t, http.StatusUnauthorized, r.Status)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem", func(o *hopts) {
		o.mod = func(o *Options) { o.RateLimit, o.Burst = 0.001, 2 }
	})
	var last response
	for range 3 {
		last = do(t, http.DefaultClient, http.MethodPost, h.srv.URL+"/register", strings.NewReader(`{}`), "Content-Type", "application/json")
	}
	require.Equal(t, http.StatusTooManyRequests, last.Status)
	require.NotEmpty(t, last.Header.Get("Retry-After"))
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(last.Body), &m))
	require.Equal(t, "rate_limited", m["error"])
	r := do(t, http.DefaultClient, http.MethodGet, h.srv.URL+"/.well-known/oauth-authorization-server", nil)
	require.Equal(t, http.StatusOK, r.Status, "metadata is not limited")
}
