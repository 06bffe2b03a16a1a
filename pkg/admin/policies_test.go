package admin

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (f *fixture) put(t *testing.T, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, f.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	raw, _ := json.Marshal(m)
	return resp.StatusCode, string(raw)
}

func TestWorkspacePolicies(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		tok := map[string]string{"Authorization": "Bearer " + adminToken}
		status, _, body := f.do(t, http.MethodGet, "/api/admin/policies/T1AA", tok)
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, `"rules":{}`)

		status, body = f.put(t, "/api/admin/policies/T1AA", `{"rules":{"SLACK_MCP_ADD_MESSAGE_TOOL":"C1,C2","SLACK_MCP_STATUS_TOOL":"false"}}`, tok)
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, `"updated_by":"token"`)
		status, _, body = f.do(t, http.MethodGet, "/api/admin/policies", tok)
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, "SLACK_MCP_ADD_MESSAGE_TOOL")

		for _, bad := range []struct{ body, want string }{
			{`{"rules":{"SLACK_MCP_NOPE":"true"}}`, "is not a write tool setting"},
			{`{"rules":{"SLACK_MCP_STATUS_TOOL":"C1"}}`, "use true or false"},
			{`{"rules":{"SLACK_MCP_ADD_MESSAGE_TOOL":"C1,!C2"}}`, "SLACK_MCP_ADD_MESSAGE_TOOL"},
			{`{"tools":{}}`, "unknown field"},
			{`not json`, "send {"},
		} {
			status, body := f.put(t, "/api/admin/policies/T1AA", bad.body, tok)
			assert.Equal(t, http.StatusBadRequest, status, bad.body)
			assert.Contains(t, body, bad.want, bad.body)
		}
		status, body = f.put(t, "/api/admin/policies/not-a-team", `{"rules":{}}`, tok)
		assert.Equal(t, http.StatusBadRequest, status, body)

		// A person is no admin; an admin's browser needs the CSRF header.
		status, body = f.put(t, "/api/admin/policies/T1AA", `{"rules":{}}`, map[string]string{"X-Test-Session": f.user.ID})
		assert.Equal(t, http.StatusForbidden, status, body)
		status, body = f.put(t, "/api/admin/policies/T1AA", `{"rules":{}}`, map[string]string{"X-Test-Session": f.admin.ID})
		assert.Equal(t, http.StatusForbidden, status)
		assert.Contains(t, body, CodeCSRF)
		status, body = f.put(t, "/api/admin/policies/T1AA", `{"rules":{"SLACK_MCP_CANVAS_TOOL":"false"}}`,
			map[string]string{"X-Test-Session": f.admin.ID, "X-CSRF-Token": "csrf-" + f.admin.ID})
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, `"updated_by":"U1AA"`)

		status, _, body = f.do(t, http.MethodDelete, "/api/admin/policies/T1AA", tok)
		require.Equal(t, http.StatusOK, status, body)
		status, _, body = f.do(t, http.MethodGet, "/api/admin/audit?event=policy_changed", tok)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, 3, strings.Count(body, "policy_changed"))
	})
}
