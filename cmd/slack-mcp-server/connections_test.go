package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

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
