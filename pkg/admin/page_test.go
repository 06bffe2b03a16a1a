package admin

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func (f *fixture) page(t *testing.T, session string, form url.Values) (int, string) {
	t.Helper()
	method, path, body := http.MethodGet, PagePath, ""
	if form != nil {
		method, path, body = http.MethodPost, ActionPath, form.Encode()
	}
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if session != "" {
		req.Header.Set("X-Test-Session", session)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestAdminPage(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		status, html := f.page(t, "", nil)
		assert.Equal(t, http.StatusOK, status)
		assert.Contains(t, html, `id="sign-in"`)
		status, html = f.page(t, f.user.ID, nil)
		assert.Equal(t, http.StatusForbidden, status)
		assert.Contains(t, html, `id="forbidden"`)
		assert.NotContains(t, html, f.other.ID)

		status, html = f.page(t, f.admin.ID, nil)
		require.Equal(t, http.StatusOK, status)
		for _, want := range []string{`id="installations"`, "Team T2CC", "U3DD", `id="started">1<`, `id="completed">2<`, `id="median">4.2s<`, `id="failed">1<`,
			"OAUTH_ACCESS_DENIED 1", `id="export"`, "<code>…beef</code>", `<td><code>T2CC</code></td><td>42</td><td>3</td>`, "conversations_add_message"} {
			assert.Contains(t, html, want)
		}
		assert.NotContains(t, html, "sealed-secret")

		status, html = f.page(t, f.user.ID, url.Values{"csrf": {"csrf-" + f.user.ID}, "id": {f.other.ID}, "action": {"disconnect"}})
		assert.Equal(t, http.StatusForbidden, status, "a non-admin cannot disconnect")
		status, html = f.page(t, f.admin.ID, url.Values{"csrf": {"forged"}, "id": {f.other.ID}, "action": {"disconnect"}})
		assert.Contains(t, html, "This form is stale")
		in, err := f.st.GetInstallation(t.Context(), f.other.ID)
		require.NoError(t, err)
		require.Equal(t, store.StatusActive, in.Status)

		_, html = f.page(t, f.admin.ID, url.Values{"csrf": {"csrf-" + f.admin.ID}, "id": {f.other.ID}, "action": {"disconnect"}})
		assert.Contains(t, html, "Disconnected U3DD in Team T2CC.")
		in, err = f.st.GetInstallation(t.Context(), f.other.ID)
		require.NoError(t, err)
		assert.Equal(t, store.StatusRevoked, in.Status)
		_ = status
	})
}

func TestAdminPagePolicies(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		form := func(kv ...string) url.Values {
			v := url.Values{"csrf": {"csrf-" + f.admin.ID}}
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		_, html := f.page(t, f.admin.ID, nil)
		assert.Contains(t, html, "None: the server's settings apply alone.")
		for _, bad := range []struct{ team, rules, want string }{
			{"nope", "", "Give a workspace ID"},
			{"T1AA", "SLACK_MCP_ADD_MESSAGE_TOOL", "is not SETTING=value"},
			{"T1AA", "SLACK_MCP_PORT=1", "is not a write tool setting"},
		} {
			_, html := f.page(t, f.admin.ID, form("action", "set_policy", "team", bad.team, "rules", bad.rules))
			assert.Contains(t, html, bad.want, bad)
		}
		_, html = f.page(t, f.admin.ID, form("action", "set_policy", "team", "T1AA", "rules", "# comment\nSLACK_MCP_ADD_MESSAGE_TOOL=C1,C2\r\nSLACK_MCP_STATUS_TOOL=false\n"))
		assert.Contains(t, html, "Saved the policy of T1AA.")
		assert.Contains(t, html, "SLACK_MCP_ADD_MESSAGE_TOOL=C1,C2")
		p, err := f.st.GetWorkspacePolicy(t.Context(), "T1AA")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "C1,C2", "SLACK_MCP_STATUS_TOOL": "false"}, p.Rules)
		assert.Equal(t, "U1AA", p.UpdatedBy)

		status, _ := f.page(t, f.user.ID, form("action", "delete_policy", "team", "T1AA"))
		assert.Equal(t, http.StatusForbidden, status, "a person cannot change policies")
		_, html = f.page(t, f.admin.ID, form("action", "delete_policy", "team", "T1AA"))
		assert.Contains(t, html, "Removed the policy of T1AA")
		_, err = f.st.GetWorkspacePolicy(t.Context(), "T1AA")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}
