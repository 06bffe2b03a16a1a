package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// walkUntil plays the person in browser from target, approving our
// consent page, and returns the first URL that starts with stop, without
// opening it.
func walkUntil(t *testing.T, e *authEnv, browser *http.Client, target, stop string) string {
	t.Helper()
	for range 10 {
		if strings.HasPrefix(target, stop) {
			return target
		}
		resp, err := browser.Get(target)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.HasPrefix(target, e.base+"/authorize?") {
			txn, csrf := consentTxnRE.FindStringSubmatch(string(body)), consentCSRFRE.FindStringSubmatch(string(body))
			require.Len(t, txn, 2, string(body))
			require.Len(t, csrf, 2, string(body))
			resp, err = browser.PostForm(e.base+"/authorize/consent", url.Values{"txn": {txn[1]}, "csrf": {csrf[1]}, "decision": {"approve"}})
			require.NoError(t, err)
			resp.Body.Close()
		}
		require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, resp.StatusCode, "%s: %s", target, body)
		loc, err := resp.Location()
		require.NoError(t, err)
		target = loc.String()
	}
	t.Fatalf("%s never reached", stop)
	return ""
}

// Finding 11 through the MCP authorization server's Slack step, with
// SLACK_MCP_OAUTH_SLACK_PKCE on a PKCE-enabled Slack app: the victim's
// Slack code, taken to the attacker's own transaction, is refused by
// Slack and the attacker's client receives no code; the victim's flow is
// unaffected.
func TestSlackPKCEBindsCodeToTransaction(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, map[string]string{"SLACK_MCP_OAUTH_SLACK_PKCE": "true"})
	e.emu.Workspace().AddOAuthApp(slackemu.OAuthApp{ClientID: "cid-123", ClientSecret: "csecret-456",
		RedirectURLs: []string{e.base + "/oauth/callback"}, PKCE: true})
	rc := newRedirectCatcher(t)
	clientID := registerClient(t, e, rc.url)

	victim := newCookieBrowser(t)
	va := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	toSlack := walkUntil(t, e, victim, va.url(e.base), e.emu.URL)
	su, err := url.Parse(toSlack)
	require.NoError(t, err)
	require.Equal(t, "S256", su.Query().Get("code_challenge_method"), toSlack)
	victimCB := walkUntil(t, e, victim, toSlack, e.base+"/oauth/callback")
	vu, err := url.Parse(victimCB)
	require.NoError(t, err)
	stolen := vu.Query().Get("code")
	require.NotEmpty(t, stolen)

	attacker := newCookieBrowser(t)
	aa := newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	attackerCB := walkUntil(t, e, attacker, walkUntil(t, e, attacker, aa.url(e.base), e.emu.URL), e.base+"/oauth/callback")
	au, err := url.Parse(attackerCB)
	require.NoError(t, err)
	q := au.Query()
	q.Set("code", stolen)
	au.RawQuery = q.Encode()
	out := walkAuthorization(t, e, attacker, rc, au.String(), "approve")
	require.Empty(t, out.query.Get("code"), "no code for the attacker's client: %v", out.query)
	require.NotEmpty(t, out.query.Get("error"))
	require.Equal(t, aa.state, out.query.Get("state"))

	// The victim's own flow (a fresh one: the stolen code is spent) works.
	va = newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	tr := va.exchange(t, e, va.code(t, e, victim, rc), e.base+"/mcp")
	require.Equal(t, http.StatusOK, tr.status, tr.body)
}
