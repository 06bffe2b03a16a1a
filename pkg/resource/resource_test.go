package resource_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/resource"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

const pub = "https://mcp.example.com"

func serve(t *testing.T, routes map[string]http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.Handle(pattern, h)
	}
	mux.Handle("/", http.NotFoundHandler())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestDocumentsAtEveryPath(t *testing.T) {
	t.Parallel()
	routes := resource.Routes(resource.Options{
		PublicURL:       pub + "/", // a trailing slash is ignored
		ScopesSupported: []string{tenant.ScopeRead, tenant.ScopeWrite},
		Endpoints:       []string{"/mcp", "sse"},
	})
	require.Len(t, routes, 3)
	for _, tc := range []struct {
		path, resource string
	}{
		{path: "/.well-known/oauth-protected-resource", resource: pub},
		{path: "/.well-known/oauth-protected-resource/mcp", resource: pub + "/mcp"},
		{path: "/.well-known/oauth-protected-resource/sse", resource: pub + "/sse"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			rec := serve(t, routes, http.MethodGet, tc.path)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))

			var doc map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
			assert.Equal(t, map[string]any{
				"resource":                 tc.resource,
				"authorization_servers":    []any{pub},
				"scopes_supported":         []any{"slack:read", "slack:write"},
				"bearer_methods_supported": []any{"header"},
				"resource_name":            resource.DefaultResourceName,
			}, doc)

			// The path-aware URL announced in challenges is this very path.
			ep := strings.TrimPrefix(tc.path, resource.WellKnownPath)
			assert.Equal(t, pub+tc.path, resource.MetadataURL(pub, ep))
		})
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	routes := resource.Routes(resource.Options{PublicURL: pub, Endpoints: []string{"/mcp"}})
	for _, tc := range []struct {
		method string
		status int
		body   bool
	}{
		{method: http.MethodGet, status: 200, body: true},
		{method: http.MethodHead, status: 200},
		{method: http.MethodOptions, status: 204},
		{method: http.MethodPost, status: 405, body: true},
		{method: http.MethodPut, status: 405, body: true},
		{method: http.MethodDelete, status: 405, body: true},
	} {
		for _, path := range []string{"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"} {
			t.Run(tc.method+" "+path, func(t *testing.T) {
				t.Parallel()
				rec := serve(t, routes, tc.method, path)
				require.Equal(t, tc.status, rec.Code)
				assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"), "CORS on every answer")
				assert.Contains(t, rec.Header().Get("Access-Control-Allow-Headers"), "MCP-Protocol-Version")
				assert.Equal(t, tc.body, rec.Body.Len() > 0)
				if tc.status == 405 {
					assert.Equal(t, "GET, HEAD, OPTIONS", rec.Header().Get("Allow"))
					var e map[string]string
					require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
					assert.Equal(t, "METHOD_NOT_ALLOWED", e["code"])
				}
			})
		}
	}
}

// Paths that are not ours fall through to the mux (a 404, so clients fall
// back to the root document); nothing redirects.
func TestUnknownPathsFallThrough(t *testing.T) {
	t.Parallel()
	routes := resource.Routes(resource.Options{PublicURL: pub, Endpoints: []string{"/mcp"}})
	for _, path := range []string{
		"/.well-known/oauth-protected-resource/sse",
		"/.well-known/oauth-protected-resource/mcp/",
		"/.well-known/oauth-protected-resource/",
		"/.well-known/oauth-protected-resourcex",
	} {
		assert.Equal(t, http.StatusNotFound, serve(t, routes, http.MethodGet, path).Code, path)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	docs := resource.Documents(resource.Options{PublicURL: pub, ResourceName: "Acme Slack"})
	require.Len(t, docs, 1, "no endpoints: the root document only")
	md := docs[resource.WellKnownPath]
	assert.Equal(t, []string{tenant.ScopeRead, tenant.ScopeWrite}, md.ScopesSupported)
	assert.Equal(t, "Acme Slack", md.ResourceName)
	assert.NotContains(t, md.ScopesSupported, "offline_access")
}

func TestMetadataURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ public, endpoint, want string }{
		{pub, "/mcp", pub + "/.well-known/oauth-protected-resource/mcp"},
		{pub + "/", "mcp/", pub + "/.well-known/oauth-protected-resource/mcp"},
		{pub, "/sse", pub + "/.well-known/oauth-protected-resource/sse"},
		{pub, "", pub + "/.well-known/oauth-protected-resource"},
		{pub, "/", pub + "/.well-known/oauth-protected-resource"},
		{"HTTPS://MCP.Example.com:443", "/mcp", pub + "/.well-known/oauth-protected-resource/mcp"},
		{"http://127.0.0.1:8080", "/mcp", "http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp"},
	} {
		assert.Equal(t, tc.want, resource.MetadataURL(tc.public, tc.endpoint), "%s %s", tc.public, tc.endpoint)
	}
}

func TestIdentifiersAndMatch(t *testing.T) {
	t.Parallel()
	ids := resource.Identifiers(pub+"/", []string{"/mcp", "/sse"})
	require.Equal(t, []string{pub, pub + "/mcp", pub + "/sse"}, ids)
	for _, tc := range []struct {
		resource string
		want     bool
	}{
		{pub, true},
		{pub + "/", true},
		{pub + "/mcp", true},
		{pub + "/mcp/", true},
		{"HTTPS://MCP.EXAMPLE.COM/mcp", true},
		{"https://mcp.example.com:443/sse", true},
		{pub + "/mcp#frag", true},
		{pub + "/MCP", false},
		{pub + "/mcp/x", false},
		{"http://mcp.example.com/mcp", false},
		{"https://mcp.example.com:8443/mcp", false},
		{"https://evil.example.com/mcp", false},
		{"https://mcp.example.com.evil.com", false},
		{"", false},
		{"mcp.example.com", false},
	} {
		assert.Equal(t, tc.want, resource.Match(ids, tc.resource), tc.resource)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    resource.Options
		errs []string // substrings; none = valid
	}{
		{name: "https", o: resource.Options{PublicURL: pub, Endpoints: []string{"/mcp", "/sse"}}},
		{name: "loopback http", o: resource.Options{PublicURL: "http://127.0.0.1:9000/"}},
		{name: "missing", o: resource.Options{}, errs: []string{"required"}},
		{name: "scheme", o: resource.Options{PublicURL: "ftp://x"}, errs: []string{"https"}},
		{name: "no host", o: resource.Options{PublicURL: "https://"}, errs: []string{"no host"}},
		{name: "path", o: resource.Options{PublicURL: pub + "/slack"}, errs: []string{"without a path"}},
		{name: "query", o: resource.Options{PublicURL: pub + "?a=1"}, errs: []string{"query"}},
		{name: "userinfo", o: resource.Options{PublicURL: "https://u:p@mcp.example.com"}, errs: []string{"user info"}},
		{
			name: "everything at once",
			o: resource.Options{
				PublicURL: "mcp.example.com", Endpoints: []string{"/mcp", "mcp", "/", "/a?b"},
				ScopesSupported: []string{"slack:read", "offline_access", "a b"},
			},
			errs: []string{"https", "listed twice", "must be a path", "not a plain path", "offline_access", "valid scope token"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.o.Validate()
			if len(tc.errs) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, s := range tc.errs {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}
