package transport

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/resource"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// grantAuth knows a read-only access token and an unrestricted Slack token.
var grantAuth = authn.AuthenticatorFunc(func(_ context.Context, bearer string) (*tenant.Caller, error) {
	switch bearer {
	case "mcp_at_read":
		return &tenant.Caller{Key: "reader", Bearer: bearer, Scopes: []string{tenant.ScopeRead}}, nil
	case "xoxp-full":
		return &tenant.Caller{Key: "full", Bearer: bearer}, nil
	}
	return nil, authn.ErrInvalidToken
})

// oauthServer serves the MCP endpoint of transport kind with the protected
// resource metadata and the Bearer middleware, as cmd wires OAuth mode.
func oauthServer(t *testing.T, kind string) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	ep := endpointOf(kind)
	lookup := func(name string) (bool, bool) {
		tool, ok := tools.Lookup(name)
		return tool.ReadOnly, ok
	}
	h, _ := Handler(newServer(t), Options{
		Transport: kind,
		Routes:    resource.Routes(resource.Options{PublicURL: ts.URL, Endpoints: []string{ep}}),
		Authenticate: func(next http.Handler) http.Handler {
			return authn.Middleware(grantAuth, authn.Options{
				ResourceMetadataURL: resource.MetadataURL(ts.URL, ep), Scope: tenant.ScopeRead, Tool: lookup, Logger: zerolog.Nop(),
			}, next)
		},
	})
	ts.Config.Handler = h
	return ts
}

func challengeParam(header, name string) string {
	m := regexp.MustCompile(name + `=(?:"([^"]+)"|([^\s,]+))`).FindStringSubmatch(header)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	if resp.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	}
	return resp.StatusCode, doc
}

// What an MCP client does with only the server URL: get a 401, follow
// resource_metadata, find the authorization server; the path-aware and
// root documents are both there, on the same mux as the MCP endpoint.
func TestDiscoveryFromTheServerURL(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{HTTP, SSE} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ts := oauthServer(t, kind)
			ep := endpointOf(kind)
			req, err := http.NewRequest(http.MethodGet, ts.URL+ep, nil)
			require.NoError(t, err)
			if kind == HTTP {
				req.Method = http.MethodPost
				req.Body = io.NopCloser(strings.NewReader(initBody))
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			ch := resp.Header.Get("WWW-Authenticate")
			assert.Equal(t, tenant.ScopeRead, challengeParam(ch, "scope"))
			assert.Empty(t, challengeParam(ch, "error"), "no token presented")
			prmURL := challengeParam(ch, "resource_metadata")
			require.Equal(t, ts.URL+"/.well-known/oauth-protected-resource"+ep, prmURL)

			status, doc := getJSON(t, prmURL)
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, ts.URL+ep, doc["resource"], "the resource is the URL the user pasted")
			assert.Equal(t, []any{ts.URL}, doc["authorization_servers"])

			status, doc = getJSON(t, ts.URL+"/.well-known/oauth-protected-resource")
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, ts.URL, doc["resource"])

			other := map[string]string{HTTP: "/sse", SSE: "/mcp"}[kind]
			status, _ = getJSON(t, ts.URL+"/.well-known/oauth-protected-resource"+other)
			assert.Equal(t, http.StatusNotFound, status, "a 4xx lets clients fall back to the root document")
		})
	}
}

// A read-only grant reaches the MCP server for reading and gets a 403
// step-up challenge for a write tool; an unrestricted caller does not.
func TestStepUpInFrontOfTheMCPServer(t *testing.T) {
	t.Parallel()
	ts := oauthServer(t, HTTP)
	var writeTool, readTool string
	for _, tool := range tools.Catalog() {
		if !tool.ReadOnly && writeTool == "" {
			writeTool = tool.Name
		}
		if tool.ReadOnly && readTool == "" {
			readTool = tool.Name
		}
	}
	callBody := func(name string) string {
		return `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"` + name + `","arguments":{}}}`
	}
	for _, who := range []string{"mcp_at_read", "xoxp-full"} {
		resp := post(t, ts.URL+"/mcp", who, "", initBody)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		sid := resp.Header.Get("Mcp-Session-Id")

		resp = post(t, ts.URL+"/mcp", who, sid, callBody(readTool))
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s reads", who)

		resp = post(t, ts.URL+"/mcp", who, sid, callBody(writeTool))
		if who == "xoxp-full" {
			assert.NotEqual(t, http.StatusForbidden, resp.StatusCode)
			continue
		}
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
		ch := resp.Header.Get("WWW-Authenticate")
		assert.Equal(t, "insufficient_scope", challengeParam(ch, "error"))
		assert.Equal(t, tenant.ScopeRead+" "+tenant.ScopeWrite, challengeParam(ch, "scope"))
		assert.Equal(t, ts.URL+"/.well-known/oauth-protected-resource/mcp", challengeParam(ch, "resource_metadata"))
		var body map[string]string
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		assert.Equal(t, "INSUFFICIENT_SCOPE", body["code"])
		assert.Equal(t, tenant.ScopeRead+" "+tenant.ScopeWrite, body["scope"])
	}

	// Over SSE the tool calls arrive on /message: same check.
	sse := oauthServer(t, SSE)
	resp := post(t, sse.URL+"/message?sessionId=whatever", "mcp_at_read", "", callBody(writeTool))
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}
