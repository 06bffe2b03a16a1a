package authn

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

const prm = "https://mcp.example/.well-known/oauth-protected-resource/mcp"

// scopedAuth knows four tokens: an unrestricted one and three grants.
var scopedAuth = AuthenticatorFunc(func(_ context.Context, bearer string) (*tenant.Caller, error) {
	scopes, ok := map[string][]string{
		"xoxp-unrestricted": nil,
		"mcp_at_read":       {tenant.ScopeRead},
		"mcp_at_write":      {tenant.ScopeWrite},
		"mcp_at_both":       {tenant.ScopeRead, tenant.ScopeWrite},
		"mcp_at_none":       {},
	}[bearer]
	if !ok {
		return nil, ErrInvalidToken
	}
	return &tenant.Caller{Key: "k-" + bearer, Bearer: bearer, Scopes: scopes}, nil
})

// catalog stands in for tools.Catalog.
func catalog(name string) (readOnly, known bool) {
	switch name {
	case "channels_list", "conversations_history":
		return true, true
	case "conversations_add_message", "reactions_add":
		return false, true
	}
	return false, false
}

func call(name string) string {
	return `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + name + `","arguments":{}}}`
}

// sdkParam extracts a challenge parameter the way the TypeScript SDK does
// (first "name=" anywhere in the header), so our header must survive it.
func sdkParam(header, name string) string {
	m := regexp.MustCompile(name + `=(?:"([^"]+)"|([^\s,]+))`).FindStringSubmatch(header)
	if m == nil {
		return ""
	}
	return m[1] + m[2]
}

func scopedHandler(t *testing.T, o Options, seen *string) http.Handler {
	t.Helper()
	return Middleware(scopedAuth, o, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		*seen = string(b)
		w.WriteHeader(http.StatusOK)
	}))
}

func TestChallengeCarriesMetadataAndScope(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header, want string
	}{
		{name: "no token", want: `Bearer realm="slack-mcp-server", resource_metadata="` + prm + `", scope="slack:read"`},
		{name: "other scheme", header: "Basic dXNlcjpwdw==", want: `Bearer realm="slack-mcp-server", resource_metadata="` + prm + `", scope="slack:read"`},
		{
			name: "unknown token", header: "Bearer mcp_at_unknown",
			want: `Bearer realm="slack-mcp-server", resource_metadata="` + prm + `", scope="slack:read", error="invalid_token", error_description="` + msgInvalid + `"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var seen string
			h := scopedHandler(t, Options{ResourceMetadataURL: prm, Scope: tenant.ScopeRead, Tool: catalog}, &seen)
			req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(call("channels_list")))
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, http.StatusUnauthorized, rec.Code)
			ch := rec.Header().Get("WWW-Authenticate")
			assert.Equal(t, tc.want, ch)
			assert.Equal(t, prm, sdkParam(ch, "resource_metadata"))
			assert.Equal(t, tenant.ScopeRead, sdkParam(ch, "scope"))
			wantErr := ""
			if tc.header == "Bearer mcp_at_unknown" {
				wantErr = "invalid_token"
			}
			assert.Equal(t, wantErr, sdkParam(ch, "error"))
			assert.Empty(t, seen)
		})
	}
}

// An Authenticator's Refusal sentence replaces the generic one.
func TestRefusalSentenceReachesTheClient(t *testing.T) {
	t.Parallel()
	const why = "Slack tokens are not accepted here; add the server by its URL and sign in"
	a := AuthenticatorFunc(func(context.Context, string) (*tenant.Caller, error) {
		return nil, errors.Join(errors.New("wrapped"), Refusal(ErrInvalidToken, why))
	})
	h := Middleware(a, Options{}, http.NotFoundHandler())
	req := httptest.NewRequest(http.MethodGet, "/mcp", nil)
	req.Header.Set("Authorization", "Bearer xoxp-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, 401, rec.Code)
	var body errorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	assert.Equal(t, why, body.Error)
	assert.Equal(t, CodeInvalidToken, body.Code)
	assert.Contains(t, rec.Header().Get("WWW-Authenticate"), `error="invalid_token", error_description="`+why+`"`)
}

func TestScopeStepUp(t *testing.T) {
	t.Parallel()
	const (
		readWrite = "slack:read slack:write"
		read      = "slack:read"
	)
	batch := func(msgs ...string) string { return "[" + strings.Join(msgs, ",") + "]" }
	for _, tc := range []struct {
		name   string
		token  string
		method string // default POST
		body   string
		status int    // 200 = passed on
		scope  string // the scope a 403 asks for
	}{
		{name: "read tool with read grant", token: "mcp_at_read", body: call("channels_list"), status: 200},
		{name: "write tool with read grant", token: "mcp_at_read", body: call("conversations_add_message"), status: 403, scope: readWrite},
		{name: "write tool with write grant", token: "mcp_at_write", body: call("conversations_add_message"), status: 200},
		{name: "read tool with write grant (write implies read)", token: "mcp_at_write", body: call("channels_list"), status: 200},
		{name: "write tool with both", token: "mcp_at_both", body: call("reactions_add"), status: 200},
		{name: "write tool unrestricted", token: "xoxp-unrestricted", body: call("conversations_add_message"), status: 200},
		{name: "read tool with empty grant", token: "mcp_at_none", body: call("channels_list"), status: 403, scope: read},
		{name: "write tool with empty grant", token: "mcp_at_none", body: call("reactions_add"), status: 403, scope: readWrite},
		{name: "tools/list with empty grant", token: "mcp_at_none", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, status: 200},
		{name: "initialize", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`, status: 200},
		{name: "unknown tool passes", token: "mcp_at_read", body: call("no_such_tool"), status: 200},
		{name: "GET stream", token: "mcp_at_read", method: http.MethodGet, status: 200},
		{name: "DELETE session", token: "mcp_at_read", method: http.MethodDelete, body: call("reactions_add"), status: 200},
		{name: "notification form", token: "mcp_at_read", body: `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"reactions_add"}}`, status: 403, scope: readWrite},
		{name: "batch all read", token: "mcp_at_read", body: batch(call("channels_list"), call("conversations_history")), status: 200},
		{name: "batch with one write", token: "mcp_at_read", body: batch(call("channels_list"), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, call("reactions_add")), status: 403, scope: readWrite},
		{name: "batch with write granted", token: "mcp_at_write", body: batch(call("channels_list"), call("reactions_add")), status: 200},
		{name: "nested batch calls nothing", token: "mcp_at_read", body: "[" + batch(call("reactions_add")) + "]", status: 200},
		{name: "empty batch", token: "mcp_at_read", body: "[]", status: 200},
		{name: "not json", token: "mcp_at_read", body: "tools/call reactions_add", status: 200},
		{name: "empty body", token: "mcp_at_read", body: "", status: 200},
		{name: "trailing bytes after a write call", token: "mcp_at_read", body: call("reactions_add") + " }garbage", status: 403, scope: readWrite},
		{name: "method key case-folded", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"METHOD":"tools/call","Params":{"NAME":"reactions_add"}}`, status: 403, scope: readWrite},
		{name: "duplicate method, last wins", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"tools/call","params":{"name":"reactions_add"}}`, status: 403, scope: readWrite},
		{name: "duplicate name, last wins", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"channels_list","name":"reactions_add"}}`, status: 403, scope: readWrite},
		{name: "name not a string fails closed", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":["reactions_add"]}}`, status: 403, scope: readWrite},
		{name: "missing name fails closed", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}`, status: 403, scope: readWrite},
		{name: "unknown fields ignored", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"reactions_add","x":[1]},"x":1}`, status: 403, scope: readWrite},
		{name: "escaped name", token: "mcp_at_read", body: `{"jsonrpc":"2.0","id":1,"method":"tools\/call","params":{"name":"reactions\u005fadd"}}`, status: 403, scope: readWrite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &syncBuffer{}
			seen := "<not called>"
			h := scopedHandler(t, Options{
				ResourceMetadataURL: prm, Scope: tenant.ScopeRead, Tool: catalog,
				Logger: zerolog.New(logs).Level(zerolog.InfoLevel),
			}, &seen)
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, "/mcp", strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+tc.token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.status == http.StatusOK {
				assert.Equal(t, tc.body, seen, "the next handler reads the body unchanged")
				return
			}
			assert.Equal(t, "<not called>", seen)
			ch := rec.Header().Get("WWW-Authenticate")
			assert.Equal(t, `Bearer realm="slack-mcp-server", resource_metadata="`+prm+`", scope="`+tc.scope+`", error="insufficient_scope", error_description="`+
				map[string]string{read: msgNeedRead, readWrite: msgNeedWrite}[tc.scope]+`"`, ch)
			assert.Equal(t, "insufficient_scope", sdkParam(ch, "error"))
			assert.Equal(t, tc.scope, sdkParam(ch, "scope"))
			assert.Equal(t, prm, sdkParam(ch, "resource_metadata"))

			var body errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Equal(t, CodeInsufficient, body.Code)
			assert.Equal(t, tc.scope, body.Scope)
			assert.Contains(t, body.Error, strings.Fields(tc.scope)[len(strings.Fields(tc.scope))-1], "the sentence names the scope")
			assert.Contains(t, logs.String(), `"reason":"INSUFFICIENT_SCOPE"`)
			assert.NotContains(t, logs.String(), tc.token)
		})
	}
}

func TestScopeStepUpBodyLimits(t *testing.T) {
	t.Parallel()
	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"channels_list","arguments":{"pad":"` + strings.Repeat("x", 2048) + `"}}}`
	for _, tc := range []struct {
		name     string
		token    string
		body     string
		peek     int64
		maxBytes int64 // an outer http.MaxBytesReader, as the transport sets; 0 = none
		status   int
	}{
		{name: "restricted within cap", token: "mcp_at_read", body: call("channels_list"), peek: 1024, status: 200},
		{name: "restricted exactly at cap", token: "mcp_at_read", body: call("channels_list"), peek: int64(len(call("channels_list"))), status: 200},
		{name: "restricted over cap", token: "mcp_at_read", body: big, peek: 1024, status: 413},
		{name: "restricted over default cap", token: "mcp_at_read", body: `"` + strings.Repeat("x", DefaultMaxPeekBytes) + `"`, status: 413},
		{name: "restricted over transport limit", token: "mcp_at_read", body: big, peek: 1 << 20, maxBytes: 1024, status: 413},
		{name: "write grant is never peeked", token: "mcp_at_write", body: big, peek: 16, status: 200},
		{name: "unrestricted is never peeked", token: "xoxp-unrestricted", body: big, peek: 16, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seen := "<not called>"
			inner := scopedHandler(t, Options{Tool: catalog, MaxPeekBytes: tc.peek}, &seen)
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.maxBytes > 0 {
					r.Body = http.MaxBytesReader(w, r.Body, tc.maxBytes)
				}
				inner.ServeHTTP(w, r)
			})
			req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+tc.token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code)
			if tc.status == 200 {
				assert.Equal(t, tc.body, seen)
				return
			}
			assert.Equal(t, "<not called>", seen)
			var body errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Equal(t, CodeBodyTooLarge, body.Code)
		})
	}
}

type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
func (failingBody) Close() error             { return nil }

func TestScopeStepUpUnreadableBody(t *testing.T) {
	t.Parallel()
	seen := "<not called>"
	h := scopedHandler(t, Options{Tool: catalog}, &seen)
	req := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	req.Body = failingBody{}
	req.Header.Set("Authorization", "Bearer mcp_at_read")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "<not called>", seen)
}

// Without Options.Tool nothing is peeked, whatever the grant.
func TestScopeStepUpOff(t *testing.T) {
	t.Parallel()
	seen := ""
	h := scopedHandler(t, Options{}, &seen)
	req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(call("reactions_add")))
	req.Header.Set("Authorization", "Bearer mcp_at_none")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, call("reactions_add"), seen)
}

func TestToolCalls(t *testing.T) {
	t.Parallel()
	named := func(n string) toolCall { return toolCall{name: n, named: true} }
	for _, tc := range []struct {
		name, body string
		want       []toolCall
	}{
		{name: "single", body: call("a"), want: []toolCall{named("a")}},
		{name: "leading space", body: " \n\t" + call("a"), want: []toolCall{named("a")}},
		{name: "batch", body: "[" + call("a") + `,{"method":"ping"},` + call("b") + "]", want: []toolCall{named("a"), named("b")}},
		{name: "batch with junk elements", body: `[1,"x",null,` + call("a") + "]", want: []toolCall{named("a")}},
		{name: "unnamed", body: `{"method":"tools/call","params":{"name":null}}`, want: []toolCall{{}}},
		{name: "params not an object", body: `{"method":"tools/call","params":"reactions_add"}`, want: []toolCall{{}}},
		{name: "empty name", body: `{"method":"tools/call","params":{"name":""}}`, want: []toolCall{named("")}},
		{name: "other method", body: `{"method":"tools/list"}`},
		{name: "method with spaces", body: `{"method":" tools/call","params":{"name":"a"}}`},
		{name: "broken json", body: `{"method":"tools/call","params":{"name":"a"}`},
		{name: "trailing value ignored", body: call("a") + call("b"), want: []toolCall{named("a")}},
		{name: "null", body: "null"},
		{name: "empty", body: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, toolCalls([]byte(tc.body)))
		})
	}
}
