package main

// End-to-end tests of MCP Authorization (OAuth 2.1) through the real binary
// path: run() in OAuth mode against the Slack emulator, our authorization
// server in front of it, and the mcp-go client's OAuth support as the MCP
// client. Every test owns its ports, store and emulator.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// The mcp-go client's OAuth support end to end: discovery, dynamic
// registration, PKCE, our consent page, the emulator's Slack page, code
// exchange, tools, refresh with rotation and reuse detection, remembered
// consent, revocation.
func TestMCPAuthMCPGoClient(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	ctx := context.Background()
	rc := newRedirectCatcher(t)
	tokens := client.NewMemoryTokenStore()
	c, err := client.NewOAuthStreamableHttpClient(e.base+"/mcp", client.OAuthConfig{
		RedirectURI: rc.url, Scopes: []string{"slack:read"}, TokenStore: tokens, PKCEEnabled: true,
	})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })

	_, err = c.Initialize(ctx, initRequest())
	h := requireAuthorizationRequired(t, err)
	require.Empty(t, h.GetClientID())
	require.NoError(t, h.RegisterClient(ctx, "mcp-go e2e"))
	clientID := h.GetClientID()
	require.True(t, strings.HasPrefix(clientID, "mcpc_"), clientID)

	// Discovery went through the PRM and AS metadata documents.
	md, err := h.GetServerMetadata(ctx)
	require.NoError(t, err)
	require.Equal(t, e.base, md.Issuer)
	require.Equal(t, e.base+"/authorize", md.AuthorizationEndpoint)
	require.Equal(t, e.base+"/token", md.TokenEndpoint)
	require.Equal(t, e.base+"/register", md.RegistrationEndpoint)
	require.Equal(t, e.base+"/revoke", md.RevocationEndpoint)
	require.Contains(t, md.CodeChallengeMethodsSupported, "S256")

	browser := newCookieBrowser(t)
	out, q := authorizeWith(t, e, h, browser, rc)
	require.True(t, out.consentShown, "a first authorization shows our consent page")
	require.Equal(t, e.base+"/mcp", q.Get("resource"), "the client binds the token to the PRM resource")
	require.Equal(t, "S256", q.Get("code_challenge_method"))
	require.Equal(t, "slack:read", q.Get("scope"))
	require.True(t, slices.ContainsFunc(out.hops, func(s string) bool { return strings.HasPrefix(s, e.emu.URL+"/oauth/v2/authorize?") }), "went through Slack: %v", out.hops)
	require.True(t, slices.ContainsFunc(out.hops, func(s string) bool { return strings.HasPrefix(s, e.base+"/oauth/callback?") }), "came back through our callback: %v", out.hops)

	tok1, err := tokens.GetToken(ctx)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(tok1.AccessToken, "mcp_at_"))
	require.True(t, strings.HasPrefix(tok1.RefreshToken, "mcp_rt_"))
	require.True(t, strings.EqualFold(tok1.TokenType, "bearer"))
	require.Equal(t, int64(3600), tok1.ExpiresIn)
	require.Equal(t, "slack:read", tok1.Scope)

	// The issued token works: initialize, list tools, read history.
	_, err = c.Initialize(ctx, initRequest())
	require.NoError(t, err)
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	var names []string
	for _, tl := range list.Tools {
		names = append(names, tl.Name)
	}
	require.Contains(t, names, "conversations_history")
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
	require.Contains(t, toolText(res), "sandbox")

	// Refresh through the handler: both tokens rotate, the client goes on
	// with the new access token from its store.
	tok2, err := h.RefreshToken(ctx, tok1.RefreshToken)
	require.NoError(t, err)
	require.NotEqual(t, tok1.AccessToken, tok2.AccessToken)
	require.NotEqual(t, tok1.RefreshToken, tok2.RefreshToken, "refresh tokens rotate on every use")
	require.True(t, strings.HasPrefix(tok2.RefreshToken, "mcp_rt_"))
	stored, err := tokens.GetToken(ctx)
	require.NoError(t, err)
	require.Equal(t, tok2.AccessToken, stored.AccessToken)
	res, err = callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
	require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", tok2.AccessToken, initializeBody).status)
	if st := postMCP(t, e, "/mcp", tok1.AccessToken, initializeBody).status; st != http.StatusOK {
		t.Logf("note: the access token issued before the refresh answers %d after it", st)
	}

	// The rotated refresh token is dead, and presenting it again revokes
	// the whole family (RFC 9700 §4.14.2): the new access token dies too.
	r := refreshRaw(t, e, clientID, tok1.RefreshToken)
	require.Equal(t, http.StatusBadRequest, r.status, r.body)
	require.Equal(t, "invalid_grant", r.json(t)["error"])
	requireRefused(t, e, postMCP(t, e, "/mcp", tok2.AccessToken, initializeBody))
	_, err = callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	h = requireAuthorizationRequired(t, err)
	r = refreshRaw(t, e, clientID, tok2.RefreshToken)
	require.Equal(t, http.StatusBadRequest, r.status, r.body)
	require.Equal(t, "invalid_grant", r.json(t)["error"])

	// Authorize again in the same browser: the consent is remembered, so
	// no consent page and no Slack round trip.
	out, _ = authorizeWith(t, e, h, browser, rc)
	require.False(t, out.consentShown, "remembered consent: %v", out.hops)
	tok3, err := tokens.GetToken(ctx)
	require.NoError(t, err)
	require.NotEqual(t, tok2.AccessToken, tok3.AccessToken)
	res, err = callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))

	// Revoke (RFC 7009): the access token is refused at once.
	r = postTokenForm(t, e, "/revoke", url.Values{"client_id": {clientID}, "token": {tok3.AccessToken}, "token_type_hint": {"access_token"}})
	require.Equal(t, http.StatusOK, r.status, r.body)
	_, err = callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	var authErr *transport.OAuthAuthorizationRequiredError
	require.True(t, errors.As(err, &authErr), "got %v", err)
	require.Equal(t, e.base+"/.well-known/oauth-protected-resource/mcp", authErr.ResourceMetadataURL)
	requireRefused(t, e, postMCP(t, e, "/mcp", tok3.AccessToken, initializeBody))

	// Revoking the refresh token ends its family: no more refreshes.
	r = postTokenForm(t, e, "/revoke", url.Values{"client_id": {clientID}, "token": {tok3.RefreshToken}})
	require.Equal(t, http.StatusOK, r.status, r.body)
	_, err = authErr.Handler.RefreshToken(ctx, tok3.RefreshToken)
	require.Error(t, err)
	require.Contains(t, err.Error(), "invalid_grant")
}

// Refusals at the protected resource and the authorization server, each
// against its own server.
func TestMCPAuthRefusals(t *testing.T) {
	t.Parallel()

	t.Run("no token: challenge points at correct metadata", func(t *testing.T) {
		t.Parallel()
		e := newAuthEnv(t, nil)
		r := postMCP(t, e, "/mcp", "", initializeBody)
		require.Equal(t, http.StatusUnauthorized, r.status, r.body)
		require.Contains(t, r.header.Get("Content-Type"), "application/json")
		require.NotEmpty(t, r.json(t)["error"])
		p := challengeParams(t, r.header.Get("WWW-Authenticate"))
		require.Empty(t, p["error"], "no error code when no token was presented (RFC 6750 §3.1)")
		require.Equal(t, "slack:read", p["scope"])
		prmURL := p["resource_metadata"]
		require.Equal(t, e.base+"/.well-known/oauth-protected-resource/mcp", prmURL)

		prm := rawDo(t, http.MethodGet, prmURL, "", "")
		require.Equal(t, http.StatusOK, prm.status, prm.body)
		var doc struct {
			Resource             string   `json:"resource"`
			AuthorizationServers []string `json:"authorization_servers"`
			ScopesSupported      []string `json:"scopes_supported"`
			BearerMethods        []string `json:"bearer_methods_supported"`
		}
		require.NoError(t, json.Unmarshal([]byte(prm.body), &doc))
		require.Equal(t, e.base+"/mcp", doc.Resource)
		require.Equal(t, []string{e.base}, doc.AuthorizationServers)
		require.Equal(t, []string{"slack:read"}, doc.ScopesSupported, "no write tool is enabled by default")
		require.Equal(t, []string{"header"}, doc.BearerMethods)

		as := rawDo(t, http.MethodGet, doc.AuthorizationServers[0]+"/.well-known/oauth-authorization-server", "", "")
		require.Equal(t, http.StatusOK, as.status, as.body)
		md := as.json(t)
		require.Equal(t, e.base, md["issuer"], "issuer identical to the public URL (RFC 8414 §3.3)")
		require.Equal(t, e.base+"/authorize", md["authorization_endpoint"])
		require.Equal(t, e.base+"/token", md["token_endpoint"])
		require.Equal(t, e.base+"/register", md["registration_endpoint"])
		require.Equal(t, e.base+"/revoke", md["revocation_endpoint"])
		require.Equal(t, []any{"S256"}, md["code_challenge_methods_supported"])
		require.Equal(t, []any{"code"}, md["response_types_supported"])
		require.Equal(t, true, md["authorization_response_iss_parameter_supported"])
	})

	t.Run("public URL with a default port: metadata agree", func(t *testing.T) {
		t.Parallel()
		// https://mcp.example.com:443 and https://mcp.example.com are the
		// same origin (RFC 3986 §6.2.3). Whatever form the issuer takes, the
		// PRM's authorization_servers must name it identically (RFC 8414
		// §3.3, RFC 9728 §3), and the resource the PRM announces must be
		// accepted at /authorize and /token.
		const public = "https://mcp.example.com:443"
		e := newAuthEnv(t, map[string]string{"SLACK_MCP_PUBLIC_URL": public})
		e.issuer = "https://mcp.example.com"
		r := postMCP(t, e, "/mcp", "", initializeBody)
		require.Equal(t, http.StatusUnauthorized, r.status, r.body)
		prmURL := challengeParams(t, r.header.Get("WWW-Authenticate"))["resource_metadata"]
		u, err := url.Parse(prmURL)
		require.NoError(t, err)
		prm := rawDo(t, http.MethodGet, e.base+u.Path, "", "")
		require.Equal(t, http.StatusOK, prm.status, prm.body)
		doc := prm.json(t)
		as := rawDo(t, http.MethodGet, e.base+"/.well-known/oauth-authorization-server", "", "")
		require.Equal(t, http.StatusOK, as.status, as.body)
		require.Equal(t, doc["authorization_servers"], []any{as.json(t)["issuer"]}, "PRM authorization_servers vs AS issuer")

		rc := newRedirectCatcher(t)
		resource := doc["resource"].(string)
		a := newRawAuthz(registerClient(t, e, rc.url), rc.url, "slack:read", resource)
		out := walkAuthorization(t, e, newCookieBrowser(t), rc, a.url(e.base), "approve")
		require.Empty(t, out.query.Get("error"), "resource %q from the PRM refused: %s", resource, out.query.Get("error_description"))
		require.Equal(t, as.json(t)["issuer"], out.query.Get("iss"))
		tr := a.exchange(t, e, out.query.Get("code"), resource)
		require.Equal(t, http.StatusOK, tr.status, tr.body)
		require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", tr.json(t)["access_token"].(string), initializeBody).status)

		// The spelling with the default port names the same resource.
		a = newRawAuthz(a.clientID, rc.url, "slack:read", public+"/mcp")
		tok := a.tokens(t, e, newCookieBrowser(t), rc)
		require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", tok["access_token"].(string), initializeBody).status)
	})

	t.Run("token in the query string", func(t *testing.T) {
		t.Parallel()
		e := newAuthEnv(t, nil)
		rc := newRedirectCatcher(t)
		a := newRawAuthz(registerClient(t, e, rc.url), rc.url, "slack:read", e.base+"/mcp")
		at := a.tokens(t, e, newCookieBrowser(t), rc)["access_token"].(string)
		require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", at, initializeBody).status, "the token itself is good")

		for name, hdr := range map[string][]string{
			"query only":       {"Accept", "application/json, text/event-stream"},
			"query and header": {"Accept", "application/json, text/event-stream", "Authorization", "Bearer " + at},
			"upper-case param": {"Accept", "application/json, text/event-stream"},
		} {
			param := "access_token"
			if name == "upper-case param" {
				param = "Access_Token"
			}
			r := rawDo(t, http.MethodPost, e.base+"/mcp?"+param+"="+url.QueryEscape(at), "application/json", initializeBody, hdr...)
			require.Contains(t, []int{http.StatusBadRequest, http.StatusUnauthorized}, r.status, "%s: %s", name, r.body)
			require.Equal(t, "invalid_request", challengeParams(t, r.header.Get("WWW-Authenticate"))["error"], name)
			require.Contains(t, r.json(t)["error"], "never in the URL", name)
			require.Empty(t, r.header.Get("Mcp-Session-Id"), "%s: not accepted", name)
		}
	})

	t.Run("token bound to /sse refused at /mcp", func(t *testing.T) {
		t.Parallel()
		// The server serves /mcp only; /sse is another resource (RFC 8707):
		// a token whose audience is <public>/sse must not be accepted here.
		e := newAuthEnv(t, nil)
		rc := newRedirectCatcher(t)
		clientID := registerClient(t, e, rc.url)
		browser := newCookieBrowser(t)
		a := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/sse")
		out := walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
		if out.query.Get("error") != "" {
			// Refusing at /authorize is correct too.
			require.Equal(t, "invalid_target", out.query.Get("error"))
			t.Log("a resource of <public>/sse is refused at /authorize")
			return
		}
		r := a.exchange(t, e, out.query.Get("code"), e.base+"/sse")
		require.Equal(t, http.StatusOK, r.status, r.body)
		at := r.json(t)["access_token"].(string)
		refused := postMCP(t, e, "/mcp", at, initializeBody)
		requireRefused(t, e, refused)
		require.Contains(t, refused.json(t)["error"], "another resource")

		// Control: a token for the server's own origin (what an older
		// client without resource gets) and one for /mcp both work.
		for _, res := range []string{"", e.base + "/mcp"} {
			a := newRawAuthz(clientID, rc.url, "slack:read", res)
			at := a.tokens(t, e, browser, rc)["access_token"].(string)
			require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", at, initializeBody).status, "resource %q", res)
		}
	})

	t.Run("slack tokens refused when turned off", func(t *testing.T) {
		t.Parallel()
		e := newAuthEnv(t, map[string]string{"SLACK_MCP_ACCEPT_SLACK_TOKENS": "false"})
		r := postMCP(t, e, "/mcp", slackemu.SandboxUserToken, initializeBody)
		p := requireRefused(t, e, r)
		msg, _ := r.json(t)["error"].(string)
		require.Contains(t, msg, "does not accept Slack tokens")
		require.Contains(t, msg, "forbids passing a client's token through")
		require.Contains(t, p["error_description"], "does not accept Slack tokens")
		require.Equal(t, "INVALID_TOKEN", r.json(t)["code"])
		_, err := mcpClient(t, e.base, slackemu.SandboxUserToken)
		require.Error(t, err)

		// Control: with the default, the same token is served.
		on := newAuthEnv(t, nil)
		require.Equal(t, http.StatusOK, postMCP(t, on, "/mcp", slackemu.SandboxUserToken, initializeBody).status)
	})

	t.Run("write tool needs slack:write, step-up works", func(t *testing.T) {
		t.Parallel()
		e := newAuthEnv(t, map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "true"})
		rc := newRedirectCatcher(t)
		clientID := registerClient(t, e, rc.url)
		browser := newCookieBrowser(t)
		read := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp").tokens(t, e, browser, rc)
		require.Equal(t, "slack:read", read["scope"])
		at := read["access_token"].(string)

		// Reading is fine with the read grant.
		c, err := mcpClient(t, e.base, at)
		require.NoError(t, err)
		res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
		require.NoError(t, err)
		require.False(t, res.IsError, toolText(res))

		// Writing is 403 insufficient_scope, before anything reaches Slack.
		call := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"conversations_add_message","arguments":{"channel_id":"#general","payload":"step-up hello"}}}`
		r := postMCP(t, e, "/mcp", at, call)
		require.Equal(t, http.StatusForbidden, r.status, r.body)
		require.Contains(t, r.header.Get("Content-Type"), "application/json")
		p := challengeParams(t, r.header.Get("WWW-Authenticate"))
		require.Equal(t, "insufficient_scope", p["error"])
		require.Equal(t, "slack:read slack:write", p["scope"])
		require.Equal(t, e.base+"/.well-known/oauth-protected-resource/mcp", p["resource_metadata"])
		body := r.json(t)
		require.Equal(t, "INSUFFICIENT_SCOPE", body["code"])
		require.Equal(t, "slack:read slack:write", body["scope"])
		require.NotEmpty(t, body["error"])
		// Through the MCP client too (same session, same refusal).
		_, err = callTool(c, "conversations_add_message", map[string]any{"channel_id": "#general", "payload": "step-up hello"})
		require.Error(t, err)

		// Step up: authorize again with the larger scope. The earlier
		// consent covered only slack:read, so the consent page is shown.
		up := newRawAuthz(clientID, rc.url, "slack:read slack:write", e.base+"/mcp")
		out := walkAuthorization(t, e, browser, rc, up.url(e.base), "approve")
		require.True(t, out.consentShown, "a larger scope needs consent again")
		require.Empty(t, out.query.Get("error"), out.query.Get("error_description"))
		tr := up.exchange(t, e, out.query.Get("code"), e.base+"/mcp")
		require.Equal(t, http.StatusOK, tr.status, tr.body)
		write := tr.json(t)
		require.ElementsMatch(t, []string{"slack:read", "slack:write"}, strings.Fields(write["scope"].(string)))
		c2, err := mcpClient(t, e.base, write["access_token"].(string))
		require.NoError(t, err)
		res, err = callTool(c2, "conversations_add_message", map[string]any{"channel_id": "#general", "payload": "step-up hello"})
		require.NoError(t, err)
		require.False(t, res.IsError, toolText(res))
		res, err = callTool(c2, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
		require.NoError(t, err)
		require.Contains(t, toolText(res), "step-up hello", "the message landed in the emulator")
	})
}

// Clients, grants, consent and tokens live in the SQLite store: a restart
// over the same store loses none of them.
func TestMCPAuthSurvivesRestart(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	rc := newRedirectCatcher(t)
	clientID := registerClient(t, e, rc.url)
	browser := newCookieBrowser(t)
	tok := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp").tokens(t, e, browser, rc)
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	c, err := mcpClient(t, e.base, at)
	require.NoError(t, err)
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
	require.NoError(t, c.Close())

	e.restart()

	// The access token still works.
	c, err = mcpClient(t, e.base, at)
	require.NoError(t, err)
	requireHistory(t, c)

	// The client is still registered and its refresh token still rotates.
	r := refreshRaw(t, e, clientID, rt)
	require.Equal(t, http.StatusOK, r.status, r.body)
	at2 := r.json(t)["access_token"].(string)
	require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", at2, initializeBody).status)

	// The consent (and the browser session) survive: a new authorization
	// from the same browser gets a code without the consent page.
	a := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	out := walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
	require.False(t, out.consentShown, "remembered consent after a restart: %v", out.hops)
	tr := a.exchange(t, e, out.query.Get("code"), e.base+"/mcp")
	require.Equal(t, http.StatusOK, tr.status, tr.body)

	// A revocation made after the restart survives the next one.
	require.Equal(t, http.StatusOK, postTokenForm(t, e, "/revoke", url.Values{"client_id": {clientID}, "token": {at2}}).status)
	e.restart()
	requireRefused(t, e, postMCP(t, e, "/mcp", at2, initializeBody))
	require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", tr.json(t)["access_token"].(string), initializeBody).status)
}
