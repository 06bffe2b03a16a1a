package main

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

// The MCP authorization flow split across two replicas on PostgreSQL
// behind a round-robin balancer: registration, /authorize, the consent
// form, Slack's callback and /token land on whichever replica the
// balancer picks, and the tokens work everywhere. A refresh-token reuse
// and a /revoke through one replica are refused by the other at once.
func TestMCPAuthAcrossReplicas(t *testing.T) {
	t.Parallel()
	dbURL := storetest.PostgresURL(t)
	front := freePort(t)
	public := "http://127.0.0.1:" + strconv.Itoa(front.Port)
	emu := sandboxWithApp(t, front.Port)
	shared := map[string]string{
		"SLACK_MCP_DATABASE_URL":       dbURL,
		"SLACK_MCP_PUBLIC_URL":         public,
		"SLACK_MCP_OAUTH_REDIRECT_URI": public + "/oauth/callback",
	}
	a := startOAuthServer(t, emu.URL, freePort(t), "", "http", shared)
	b := startOAuthServer(t, emu.URL, freePort(t), "", "http", shared)
	t.Cleanup(a.stop)
	t.Cleanup(b.stop)
	rr := newRoundRobin(t, front, a.base, b.base)
	// The flow helpers speak to the public origin, as a client does.
	e := &authEnv{t: t, base: public, issuer: public, emu: emu}

	ctx := context.Background()
	rc := newRedirectCatcher(t)
	tokens := client.NewMemoryTokenStore()
	c, err := client.NewOAuthStreamableHttpClient(public+"/mcp", client.OAuthConfig{
		RedirectURI: rc.url, Scopes: []string{"slack:read"}, TokenStore: tokens, PKCEEnabled: true,
	})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Initialize(ctx, initRequest())
	h := requireAuthorizationRequired(t, err)
	require.NoError(t, h.RegisterClient(ctx, "replicas e2e"))
	clientID := h.GetClientID()

	before := [2]int64{rr.served[0].Load(), rr.served[1].Load()}
	out, _ := authorizeWith(t, e, h, newCookieBrowser(t), rc)
	require.True(t, out.consentShown)
	require.Greater(t, rr.served[0].Load(), before[0], "replica A took part in the flow")
	require.Greater(t, rr.served[1].Load(), before[1], "replica B took part in the flow")

	tok1, err := tokens.GetToken(ctx)
	require.NoError(t, err)
	_, err = c.Initialize(ctx, initRequest())
	require.NoError(t, err)
	for range 4 { // on both replicas
		res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
		require.NoError(t, err)
		require.False(t, res.IsError, toolText(res))
	}

	// A refresh on one replica, the reuse of the old refresh token on the
	// other: the family dies everywhere.
	tok2, err := h.RefreshToken(ctx, tok1.RefreshToken)
	require.NoError(t, err)
	onA := &authEnv{t: t, base: a.base, issuer: public, emu: emu}
	onB := &authEnv{t: t, base: b.base, issuer: public, emu: emu}
	r := refreshRaw(t, onA, clientID, tok1.RefreshToken)
	require.Equal(t, "invalid_grant", r.json(t)["error"], r.body)
	requireRefused(t, e, postMCP(t, onB, "/mcp", tok2.AccessToken, initializeBody))
	requireRefused(t, e, postMCP(t, onA, "/mcp", tok2.AccessToken, initializeBody))

	// Authorize again (the consent is remembered), then revoke through B:
	// A refuses the token at once.
	_, err = callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	h = requireAuthorizationRequired(t, err)
	authorizeWith(t, e, h, newCookieBrowser(t), rc)
	tok3, err := tokens.GetToken(ctx)
	require.NoError(t, err)
	require.Equal(t, 200, postMCP(t, onA, "/mcp", tok3.AccessToken, initializeBody).status)
	r = postTokenForm(t, onB, "/revoke", url.Values{"client_id": {clientID}, "token": {tok3.AccessToken}, "token_type_hint": {"access_token"}})
	require.Equal(t, 200, r.status, r.body)
	requireRefused(t, e, postMCP(t, onA, "/mcp", tok3.AccessToken, initializeBody))
	require.False(t, strings.Contains(a.stderr.String()+b.stderr.String(), "mcp_at_"), "tokens never reach logs")
}
