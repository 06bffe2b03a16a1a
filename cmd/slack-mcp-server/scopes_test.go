package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Without a write tool, the deployment grants, advertises and challenges
// for slack:read only (the consent page used to grant slack:write anyway):
// a request for slack:write gets slack:read, and calling a write tool that
// is not enabled is "not found", never a 403 asking for a scope this
// server would not grant. With one, both scopes are advertised.
func TestMCPAuthScopesFollowWriteTools(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		extra map[string]string
		want  []string
	}{
		{"read only", nil, []string{"slack:read"}},
		{"with a write tool", map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "true"}, []string{"slack:read", "slack:write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newAuthEnv(t, tc.extra)
			var prm struct {
				ScopesSupported []string `json:"scopes_supported"`
			}
			r := rawDo(t, http.MethodGet, e.base+"/.well-known/oauth-protected-resource/mcp", "", "")
			require.NoError(t, json.Unmarshal([]byte(r.body), &prm))
			require.Equal(t, tc.want, prm.ScopesSupported)
			md := rawDo(t, http.MethodGet, e.base+"/.well-known/oauth-authorization-server", "", "").json(t)
			require.ElementsMatch(t, tc.want, md["scopes_supported"])

			rc := newRedirectCatcher(t)
			clientID := registerClient(t, e, rc.url)
			tok := newRawAuthz(clientID, rc.url, "slack:read slack:write", e.base+"/mcp").tokens(t, e, newCookieBrowser(t), rc)
			require.Equal(t, strings.Join(tc.want, " "), tok["scope"])
			if len(tc.want) > 1 {
				return
			}
			call := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"conversations_add_message","arguments":{"channel_id":"#general","text":"hi"}}}`
			w := postMCP(t, e, "/mcp", tok["access_token"].(string), call)
			require.NotEqual(t, http.StatusForbidden, w.status, w.body)
			require.Empty(t, w.header.Get("WWW-Authenticate"))
			c, err := mcpClient(t, e.base, tok["access_token"].(string))
			require.NoError(t, err)
			_, err = callTool(c, "conversations_add_message", map[string]any{"channel_id": "#general", "text": "hi"})
			require.ErrorContains(t, err, "conversations_add_message")
		})
	}
}
