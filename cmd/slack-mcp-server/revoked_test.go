package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// viaSlack reports whether a walked authorization passed through Slack's
// authorize page (the emulator's).
func viaSlack(e *authEnv, out authzOutcome) bool {
	return slices.ContainsFunc(out.hops, func(h string) bool { return strings.HasPrefix(h, e.emu.URL+"/oauth/v2/authorize") })
}

// Finding 5, end to end through the MCP authorization flow: the person
// revokes the app at Slack. The next tool call fails and revokes the
// installation; the access and refresh tokens die with it; a new
// authorization from the same browser, where consent was remembered,
// goes through Slack again instead of minting a code for the dead grant,
// and the fresh grant works.
func TestRevokedAtSlackAccessToken(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	rc := newRedirectCatcher(t)
	clientID := registerClient(t, e, rc.url)
	browser := newCookieBrowser(t)
	tok := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp").tokens(t, e, browser, rc)
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	c, err := mcpClient(t, e.base, at)
	require.NoError(t, err)
	args := map[string]any{"channel_id": slackemu.SandboxGeneral, "limit": "5"}
	res, err := callTool(c, "conversations_history", args)
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))

	// Remembered consent before the revocation: a code without Slack.
	a := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	out := walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
	require.False(t, out.consentShown || viaSlack(e, out), "remembered: %v", out.hops)

	require.Positive(t, e.emu.Workspace().RevokeUserTokens(slackemu.SandboxYou))
	res, err = callTool(c, "conversations_history", args)
	require.NoError(t, err)
	require.True(t, res.IsError)
	require.Contains(t, toolText(res), "token_revoked")

	// The tool call itself revoked the installation (no request since).
	r := refreshRaw(t, e, clientID, rt)
	require.Equal(t, http.StatusBadRequest, r.status, "the refresh token died with the installation: %s", r.body)
	require.Equal(t, "invalid_grant", r.json(t)["error"])
	requireRefused(t, e, postMCP(t, e, "/mcp", at, initializeBody))

	// The same browser authorizes again: through Slack, not a code for
	// the dead grant.
	a = newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	out = walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
	require.True(t, viaSlack(e, out), "a revoked installation goes to Slack: %v", out.hops)
	tr := a.exchange(t, e, out.query.Get("code"), e.base+"/mcp")
	require.Equal(t, http.StatusOK, tr.status, tr.body)
	c2, err := mcpClient(t, e.base, tr.json(t)["access_token"].(string))
	require.NoError(t, err)
	res, err = callTool(c2, "conversations_history", args)
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
}

// Finding 5 for personal access tokens, through the validation path: the
// token is refused at its first use after the revocation at Slack
// (auth.test), and the installation goes with it, taking down the access
// tokens the authorization server issued on the same grant and the
// remembered consent.
func TestRevokedAtSlackPAT(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	rc := newRedirectCatcher(t)
	clientID := registerClient(t, e, rc.url)
	browser := newCookieBrowser(t)
	tok := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp").tokens(t, e, browser, rc)
	at := tok["access_token"].(string)
	pat, _ := connectInBrowser(t, e.base) // the same Slack user: the same installation

	require.Positive(t, e.emu.Workspace().RevokeUserTokens(slackemu.SandboxYou))
	requireRefused(t, e, postMCP(t, e, "/mcp", pat, initializeBody))
	requireRefused(t, e, postMCP(t, e, "/mcp", at, initializeBody))

	a := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	out := walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
	require.True(t, viaSlack(e, out), "a revoked installation goes to Slack: %v", out.hops)

	// Connecting again in the browser flow gives a working token.
	pat2, _ := connectInBrowser(t, e.base)
	c, err := mcpClient(t, e.base, pat2)
	require.NoError(t, err)
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": slackemu.SandboxGeneral, "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
	requireRefused(t, e, postMCP(t, e, "/mcp", pat, initializeBody))
}
