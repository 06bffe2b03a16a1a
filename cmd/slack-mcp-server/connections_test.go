package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// /api/connections through the real binary path: a person's own token
// lists, tests and disconnects their connection; nothing else gets in.
func TestConnectionsAPI(t *testing.T) {
	t.Parallel()
	lp := freePort(t)
	emu := sandboxWithApp(t, lp.Port)
	const adminToken = "admin-token-for-tests-0123456789abcdef"
	srv := startOAuthServer(t, emu.URL, lp, filepath.Join(t.TempDir(), "store.db"), "http",
		map[string]string{"SLACK_MCP_ADMIN_TOKEN": adminToken, "SLACK_MCP_ADMINS": "T0NOBODY:U0NOBODY"})
	pat, _ := connectInBrowser(t, srv.base)

	call := func(method, path, bearer string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, srv.base+path, nil)
		require.NoError(t, err)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		return resp.StatusCode, body
	}

	status, body := call(http.MethodGet, "/api/connections", pat)
	require.Equal(t, http.StatusOK, status, body)
	list := body["connections"].([]any)
	require.Len(t, list, 1)
	conn := list[0].(map[string]any)
	id := conn["id"].(string)
	assert.Equal(t, "active", conn["status"])
	require.Len(t, conn["tokens"].([]any), 1, "the token just issued")

	status, body = call(http.MethodPost, "/api/connections/"+id+"/test", pat)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, true, body["ok"], body)
	assert.NotEmpty(t, body["team_id"])

	for _, bearer := range []string{"", slackemu.SandboxUserToken, "smcp_not-a-real-token-at-all-000000000"} {
		status, body = call(http.MethodGet, "/api/connections", bearer)
		assert.Equal(t, http.StatusUnauthorized, status, "bearer %q", bearer)
		assert.Equal(t, "UNAUTHORIZED", body["code"])
	}
	status, body = call(http.MethodDelete, "/api/connections/inst_someone_else", pat)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "INTEGRATION_NOT_FOUND", body["code"])

	// The operator's view: the admin token reads, a person's token is no
	// admin's.
	status, body = call(http.MethodGet, "/api/admin/installations", adminToken)
	require.Equal(t, http.StatusOK, status, body)
	require.Len(t, body["installations"].([]any), 1)
	status, body = call(http.MethodGet, "/api/admin/audit?event=oauth_completed", adminToken)
	require.Equal(t, http.StatusOK, status, body)
	require.NotEmpty(t, body["events"])
	status, body = call(http.MethodGet, "/api/admin/installations", pat)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "FORBIDDEN", body["code"])

	status, body = call(http.MethodDelete, "/api/connections/"+id, pat)
	require.Equal(t, http.StatusOK, status, body)
	status, _ = call(http.MethodGet, "/api/connections", pat)
	assert.Equal(t, http.StatusUnauthorized, status, "disconnecting killed the token")
	_, err := mcpClient(t, srv.base, pat)
	require.Error(t, err)
	srv.stop()
	require.NotContains(t, srv.stderr.String(), pat, "tokens never reach logs")
	require.NotContains(t, srv.stderr.String(), adminToken)
}

// An admin's workspace policy narrows the write tools at once: off, then
// only some channels, then gone again.
func TestWorkspacePolicyNarrowsWrites(t *testing.T) {
	t.Parallel()
	lp := freePort(t)
	emu := sandboxWithApp(t, lp.Port)
	const adminToken = "admin-token-for-tests-0123456789abcdef"
	srv := startOAuthServer(t, emu.URL, lp, filepath.Join(t.TempDir(), "store.db"), "http",
		map[string]string{"SLACK_MCP_ADMIN_TOKEN": adminToken, "SLACK_MCP_ADD_MESSAGE_TOOL": "true"})
	pat, _ := connectInBrowser(t, srv.base)
	c, err := mcpClient(t, srv.base, pat)
	require.NoError(t, err)
	post := func() *mcp.CallToolResult {
		t.Helper()
		req := mcp.CallToolRequest{}
		req.Params.Name = "conversations_add_message"
		req.Params.Arguments = map[string]any{"channel_id": "#general", "text": "policy check"}
		res, err := c.CallTool(context.Background(), req)
		require.NoError(t, err)
		return res
	}
	setPolicy := func(method, body string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.base+"/api/admin/policies/"+slackemu.SandboxTeamID, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}

	require.False(t, post().IsError, "the settings allow posting")
	setPolicy(http.MethodPut, `{"rules":{"SLACK_MCP_ADD_MESSAGE_TOOL":"false"}}`)
	res := post()
	require.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(mcp.TextContent).Text, "this workspace's admin turned this tool off")
	setPolicy(http.MethodPut, `{"rules":{"SLACK_MCP_ADD_MESSAGE_TOOL":"C0NOTGENERAL"}}`)
	res = post()
	require.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(mcp.TextContent).Text, "not allowed by this workspace's policy")
	setPolicy(http.MethodDelete, "")
	require.False(t, post().IsError, "the settings apply again")
}

// An MCP client's access token is bound to /mcp: it can neither read nor
// change the person's connections (or anything admin).
func TestAccessTokensDoNotManageConnections(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	rc := newRedirectCatcher(t)
	a := newRawAuthz(registerClient(t, e, rc.url), rc.url, "slack:read", e.base+"/mcp")
	browser := newCookieBrowser(t)
	at := a.tokens(t, e, browser, rc)["access_token"].(string)
	require.Equal(t, http.StatusOK, postMCP(t, e, "/mcp", at, initializeBody).status, "the token itself is good")
	for _, path := range []string{"/api/connections", "/api/admin/installations"} {
		r := rawDo(t, http.MethodGet, e.base+path, "", "", "Authorization", "Bearer "+at)
		assert.Contains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, r.status, path)
	}

	// The browser that authorized the client is signed in: its connections
	// show the client, with when it last used Slack.
	resp, err := browser.Get(e.base + "/api/connections")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var body struct {
		Connections []struct {
			Clients []struct {
				ClientID   string `json:"client_id"`
				LastUsedAt string `json:"last_used_at"`
			} `json:"clients"`
		} `json:"connections"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Len(t, body.Connections, 1)
	require.Len(t, body.Connections[0].Clients, 1)
	assert.NotEmpty(t, body.Connections[0].Clients[0].LastUsedAt)
}
