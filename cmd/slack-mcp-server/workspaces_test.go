package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit/slackapp"
)

var workspaceBoxRE = regexp.MustCompile(`name="workspace" form="consent-form" value="([^"]+)"( checked)?> <strong>([^<]+)</strong>`)

// twoWorkspaces serves the sandbox and a second workspace, Beta, behind
// one Slack URL (slackemu.Hub), each with the server's Slack app, and
// starts the server in OAuth mode against it.
func twoWorkspaces(t *testing.T, backend string) (*authEnv, *slackemu.Hub) {
	t.Helper()
	lp := freePort(t)
	redirect := "http://127.0.0.1:" + strconv.Itoa(lp.Port) + "/oauth/callback"
	app := slackemu.OAuthApp{ClientID: "cid-123", ClientSecret: "csecret-456"}
	sandbox := slackapp.Start(t, slackapp.Options{Workspace: slackemu.Sandbox(), App: app, Redirect: redirect,
		Consent: &slackemu.Consent{UserID: slackemu.SandboxYou, AutoApprove: true}})
	beta := slackapp.Acme(slackemu.Team{ID: "T0BETA", Name: "Beta", Domain: "beta"})
	beta.AddChannel(slackemu.Channel{ID: "C0BETAGEN", Name: "general", Members: []string{slackapp.UserID}})
	beta.AddMessage("C0BETAGEN", slackemu.Message{User: slackapp.UserID, Text: "hello from the beta workspace"})
	betaSlack := slackapp.Start(t, slackapp.Options{Workspace: beta, App: app, Redirect: redirect,
		Consent: &slackemu.Consent{UserID: slackapp.UserID, AutoApprove: true}})
	hub := slackemu.NewHub(sandbox.Server, betaSlack.Server)
	t.Cleanup(hub.Close)
	base := "http://127.0.0.1:" + strconv.Itoa(lp.Port)
	e := &authEnv{t: t, lp: lp, port: lp.Port, base: base, issuer: base, emu: sandbox.Server, slackURL: hub.URL,
		storePath: t.TempDir() + "/store.db"}
	if backend == "postgres" {
		e.storePath, e.extra = "", map[string]string{"SLACK_MCP_DATABASE_URL": storetest.PostgresURL(t)}
	}
	e.start()
	t.Cleanup(e.stop)
	return e, hub
}

// connectBoth signs one browser in to the sandbox, then connects Beta in
// it: one person with two workspaces.
func connectBoth(t *testing.T, e *authEnv, hub *slackemu.Hub, browser *http.Client) {
	t.Helper()
	for _, team := range []string{slackemu.SandboxTeamID, "T0BETA"} {
		hub.SignInTo(team)
		target := e.base + "/oauth/authorize"
		for hop := 0; ; hop++ {
			require.Less(t, hop, 6, "too many redirects")
			resp, err := browser.Get(target)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				require.Contains(t, string(body), "smcp_", "the success page")
				break
			}
			require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, resp.StatusCode, string(body))
			target = resp.Header.Get("Location")
		}
	}
	hub.SignInTo(slackemu.SandboxTeamID)
}

// One MCP connection reaches the workspaces the person picked on the
// consent page: the default without the workspace argument, the other by
// team ID, name or domain; one not picked is refused with the list; a
// revoked approval takes its workspace away at once.
func TestSeveralWorkspacesThroughOneConnection(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			severalWorkspaces(t, backend)
		})
	}
}

func severalWorkspaces(t *testing.T, backend string) {
	e, hub := twoWorkspaces(t, backend)
	browser := newCookieBrowser(t)
	connectBoth(t, e, hub, browser)

	rc := newRedirectCatcher(t)
	a := newRawAuthz(registerClient(t, e, rc.url), rc.url, "slack:read", "")
	resp, err := browser.Get(a.url(e.base))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	page := string(body)
	boxes := workspaceBoxRE.FindAllStringSubmatch(page, -1)
	require.Len(t, boxes, 2, "both workspaces offered: %s", page)
	assert.Equal(t, "Beta", boxes[0][3], "the signed-in workspace (Beta, connected last) first")
	assert.Equal(t, " checked", boxes[0][2])
	assert.Empty(t, boxes[1][2], "the others start unticked")
	require.Contains(t, page, `id="another"`)
	betaID, sandboxID := boxes[0][1], boxes[1][1]

	txn, csrf := consentTxnRE.FindStringSubmatch(page)[1], consentCSRFRE.FindStringSubmatch(page)[1]
	post := func(form url.Values) (int, string, string) {
		t.Helper()
		resp, err := browser.PostForm(e.base+"/authorize/consent", form)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location"), string(b)
	}
	// Bad input: a workspace that is not the person's, or none at all.
	status, _, text := post(url.Values{"txn": {txn}, "csrf": {csrf}, "decision": {"approve"}, "workspace": {"inst_not_mine"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, text, "not one of yours")
	status, _, text = post(url.Values{"txn": {txn}, "csrf": {csrf}, "decision": {"approve"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, text, "Tick at least one workspace")
	// The sandbox first (the default), Beta second: no trip to Slack.
	status, loc, text := post(url.Values{"txn": {txn}, "csrf": {csrf}, "decision": {"approve"}, "workspace": {sandboxID, betaID}})
	require.Equal(t, http.StatusSeeOther, status, text)
	require.True(t, strings.HasPrefix(loc, rc.url), "straight back to the client: %s", loc)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	require.Equal(t, a.state, u.Query().Get("state"))
	r := a.exchange(t, e, u.Query().Get("code"), "")
	require.Equal(t, http.StatusOK, r.status, r.body)
	token := r.json(t)["access_token"].(string)

	c, err := mcpClient(t, e.base, token)
	require.NoError(t, err)
	tools, err := c.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	for _, tool := range tools.Tools {
		_, ok := tool.InputSchema.Properties["workspace"]
		require.True(t, ok, "%s takes workspace", tool.Name)
	}
	history := func(ws string) (string, bool) {
		args := map[string]any{"channel_id": "#general", "limit": "5"}
		if ws != "" {
			args["workspace"] = ws
		}
		res, err := callTool(c, "conversations_history", args)
		require.NoError(t, err)
		return toolText(res), res.IsError
	}
	text, isErr := history("")
	require.False(t, isErr, text)
	assert.NotContains(t, text, "hello from the beta workspace", "the default is the sandbox")
	for _, ws := range []string{"T0BETA", "beta", "BETA", "t0beta"} {
		text, isErr = history(ws)
		require.False(t, isErr, "%s: %s", ws, text)
		assert.Contains(t, text, "hello from the beta workspace", ws)
	}
	text, isErr = history(slackemu.SandboxTeamID)
	require.False(t, isErr, text)
	assert.NotContains(t, text, "hello from the beta workspace")
	text, isErr = history("T0NOPE")
	require.True(t, isErr)
	assert.Contains(t, text, `workspace "T0NOPE" is not one this connection reaches`)
	assert.Contains(t, text, "Beta (T0BETA)")
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "workspace": 7})
	require.NoError(t, err)
	require.True(t, res.IsError)
	assert.Contains(t, toolText(res), "workspace must be a string")

	// Revoke the application in Beta (the person's approvals page, signed
	// in to Beta): Beta is gone from this connection, the sandbox stays.
	pageResp, err := browser.Get(e.base + "/authorize/consents")
	require.NoError(t, err)
	consents, _ := io.ReadAll(pageResp.Body)
	pageResp.Body.Close()
	csrfM := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(consents))
	require.Len(t, csrfM, 2, string(consents))
	clientID := a.clientID
	resp, err = browser.PostForm(e.base+"/authorize/consents/revoke", url.Values{"client_id": {clientID}, "csrf": {csrfM[1]}, "revoke": {"1"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	text, isErr = history("Beta")
	require.True(t, isErr)
	assert.Contains(t, text, "this connection reaches one workspace, Sandbox Co (T0SANDBOX)")
	text, isErr = history("")
	require.False(t, isErr, "the default workspace still answers: %s", text)

	// Another application, by "Connect another workspace" with Beta
	// ticked: Slack signs the person in (to the sandbox here), which
	// becomes the default; Beta comes along.
	a2 := newRawAuthz(registerClient(t, e, rc.url), rc.url, "slack:read", "")
	resp, err = browser.Get(a2.url(e.base))
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	page = string(body)
	txn, csrf = consentTxnRE.FindStringSubmatch(page)[1], consentCSRFRE.FindStringSubmatch(page)[1]
	status, loc, text = post(url.Values{"txn": {txn}, "csrf": {csrf}, "decision": {"another"}, "workspace": {betaID}})
	require.Equal(t, http.StatusSeeOther, status, text)
	require.True(t, strings.HasPrefix(loc, hub.URL), "on to Slack: %s", loc)
	for hop := 0; !strings.HasPrefix(loc, rc.url); hop++ {
		require.Less(t, hop, 5, loc)
		resp, err = browser.Get(loc)
		require.NoError(t, err)
		resp.Body.Close()
		require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, resp.StatusCode, loc)
		loc = resp.Header.Get("Location")
	}
	u, err = url.Parse(loc)
	require.NoError(t, err)
	r = a2.exchange(t, e, u.Query().Get("code"), "")
	require.Equal(t, http.StatusOK, r.status, r.body)
	c2, err := mcpClient(t, e.base, r.json(t)["access_token"].(string))
	require.NoError(t, err)
	res, err = callTool(c2, "conversations_history", map[string]any{"channel_id": "#general", "workspace": "Beta"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
	assert.Contains(t, toolText(res), "hello from the beta workspace")
	res, err = callTool(c2, "channels_list", map[string]any{"channel_types": "public_channel"})
	require.NoError(t, err)
	require.False(t, res.IsError, toolText(res))
	assert.Contains(t, toolText(res), "T0BETA", "a listing covers both workspaces")
	assert.Contains(t, toolText(res), slackemu.SandboxTeamID)
}
