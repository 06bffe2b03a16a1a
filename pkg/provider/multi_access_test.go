package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/resource"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

const publicURL = "https://mcp.example.com"

// fakeGrants is the token store side of pkg/oauthserver: a table of
// grants, revocable, each entry of errs failing once.
type fakeGrants struct {
	mu     sync.Mutex
	grants map[string]caller.Grant
	errs   map[string]error
	calls  int
}

func (f *fakeGrants) ResolveAccessToken(_ context.Context, tok string) (caller.Grant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err, ok := f.errs[tok]; ok {
		delete(f.errs, tok)
		return caller.Grant{}, err
	}
	if g, ok := f.grants[tok]; ok {
		return g, nil
	}
	return caller.Grant{}, fmt.Errorf("unknown access token: %w", authn.ErrInvalidToken)
}

func (f *fakeGrants) revoke(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.grants, tok)
	f.errs[tok] = fmt.Errorf("access token revoked: %w", authn.ErrRevokedToken)
}

func (f *fakeGrants) lookups() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func newGrants(t testing.TB) *fakeGrants {
	t.Helper()
	read := []string{tenant.ScopeRead}
	both := []string{tenant.ScopeRead, tenant.ScopeWrite}
	creds := slackapi.Credentials{Token: userToken("T1", 0)}
	return &fakeGrants{
		grants: map[string]caller.Grant{
			"mcp_at_read":      {Credentials: creds, Scopes: read, ClientID: "c1", Resource: publicURL + "/mcp", InstallationID: "i1"},
			"mcp_at_both":      {Credentials: slackapi.Credentials{Token: userToken("T1", 1)}, Scopes: both, Resource: publicURL},
			"mcp_at_noscopes":  {Credentials: creds, Resource: "HTTPS://MCP.example.com/sse/"},
			"mcp_at_legacy":    {Credentials: creds, Scopes: read},
			"mcp_at_elsewhere": {Credentials: creds, Scopes: read, Resource: "https://other.example.com/mcp"},
			"mcp_at_noslack":   {Scopes: read, Resource: publicURL},
			"mcp_at_deadslack": {Credentials: slackapi.Credentials{Token: "xoxp-revoked-long-ago"}, Scopes: read, Resource: publicURL},
			"mcp_at_storedown": {Credentials: creds, Scopes: read, Resource: publicURL},
		},
		errs: map[string]error{
			"mcp_at_revoked":   fmt.Errorf("revoked: %w", authn.ErrRevokedToken),
			"mcp_at_storedown": errors.New("database is locked"),
		},
	}
}

func TestMultiAccessTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		token     string
		noSlack   bool // AcceptSlackTokens=false
		disabled  bool // no AccessTokens resolver
		want      error
		msg       string   // the client's sentence (authn.Refusal), if any
		scopes    []string // of the caller
		authTests int      // after two attempts
		lookups   int      // store lookups after two attempts
	}{
		{name: "read grant", token: "mcp_at_read", scopes: []string{tenant.ScopeRead}, authTests: 1, lookups: 2},
		{name: "read and write grant", token: "mcp_at_both", scopes: []string{tenant.ScopeRead, tenant.ScopeWrite}, authTests: 1, lookups: 2},
		{name: "no scopes is never unrestricted", token: "mcp_at_noscopes", scopes: []string{}, authTests: 1, lookups: 2},
		{name: "grant without resource means ours", token: "mcp_at_legacy", scopes: []string{tenant.ScopeRead}, authTests: 1, lookups: 2},
		{name: "with slack tokens refused", token: "mcp_at_read", noSlack: true, scopes: []string{tenant.ScopeRead}, authTests: 1, lookups: 2},
		{name: "unknown", token: "mcp_at_nobody", want: authn.ErrInvalidToken, lookups: 1},
		{name: "revoked", token: "mcp_at_revoked", want: authn.ErrRevokedToken, lookups: 1},
		{name: "another resource", token: "mcp_at_elsewhere", want: authn.ErrInvalidToken, msg: caller.MsgWrongAudience, lookups: 1},
		{name: "grant without slack credentials", token: "mcp_at_noslack", want: authn.ErrInvalidToken, lookups: 1},
		{name: "slack token behind the grant revoked", token: "mcp_at_deadslack", want: authn.ErrInvalidToken, authTests: 1, lookups: 1},
		{name: "store outage is not cached", token: "mcp_at_storedown", want: errOutage, scopes: []string{tenant.ScopeRead}, authTests: 1, lookups: 2},
		{name: "access tokens disabled", token: "mcp_at_read", disabled: true, want: authn.ErrInvalidToken},
		{name: "other format", token: "sk-live-123", want: authn.ErrInvalidToken},
		{name: "slack token refused with the reason", token: userToken("T1", 0), noSlack: true, want: authn.ErrInvalidToken, msg: caller.MsgSlackTokensRefused},
		{name: "bot token refused with the reason", token: "xoxb-t1-bot", noSlack: true, want: authn.ErrInvalidToken, msg: caller.MsgSlackTokensRefused},
		{name: "slack token accepted, unrestricted", token: userToken("T1", 1), authTests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
			grants := newGrants(t)
			m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) {
				o.AcceptSlackTokens = !tc.noSlack
				o.Resources = resource.Identifiers(publicURL, []string{"/mcp", "/sse"})
				if !tc.disabled {
					o.AccessTokens = grants
				}
			})
			for attempt := range 2 {
				c, err := m.Authenticate(context.Background(), tc.token)
				switch {
				case tc.want == nil || (tc.want == errOutage && attempt == 1):
					require.NoError(t, err, "attempt %d", attempt)
					require.NotNil(t, c)
					assert.Equal(t, tc.scopes, c.Scopes, "attempt %d", attempt)
					assert.Equal(t, tc.scopes == nil, c.Scopes == nil, "nil means unrestricted; attempt %d", attempt)
				case tc.want == errOutage:
					require.Error(t, err)
					assert.False(t, errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken), "an outage is not a refusal: %v", err)
				default:
					require.ErrorIs(t, err, tc.want, "attempt %d", attempt)
					assert.Nil(t, c)
				}
				if err != nil {
					assert.NotContains(t, err.Error(), tc.token, "errors never carry the token")
				}
			}
			assert.Equal(t, tc.authTests, emu.Calls("auth.test"), "auth.test calls")
			assert.Equal(t, tc.lookups, grants.lookups(), "store lookups")

			if tc.msg != "" {
				// The sentence reaches the client through the middleware.
				h := authn.Middleware(m, authn.Options{ResourceMetadataURL: resource.MetadataURL(publicURL, "/mcp"), Scope: tenant.ScopeRead},
					http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next ran") }))
				req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader("{}"))
				req.Header.Set("Authorization", "Bearer "+tc.token)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				require.Equal(t, http.StatusUnauthorized, rec.Code)
				var body struct{ Error, Code string }
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
				assert.Equal(t, tc.msg, body.Error)
				assert.Equal(t, authn.CodeInvalidToken, body.Code)
				ch := rec.Header().Get("WWW-Authenticate")
				assert.Contains(t, ch, `error="invalid_token"`)
				assert.Contains(t, ch, `error_description="`+tc.msg+`"`)
				assert.Contains(t, ch, `resource_metadata="`+publicURL+`/.well-known/oauth-protected-resource/mcp"`)
				assert.NotContains(t, ch+rec.Body.String(), tc.token)
			}
		})
	}
}

// A revoked access token is refused at once although its auth.test answer
// is cached; its scopes ride on every caller, cached or not.
func TestMultiRechecksAccessTokensOnEveryRequest(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	grants := newGrants(t)
	m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) {
		o.AccessTokens = grants
		o.Resources = resource.Identifiers(publicURL, []string{"/mcp"})
	})
	ctx := withCaller(t, m, "mcp_at_read")
	require.Equal(t, []string{tenant.ScopeRead}, tenant.From(ctx).Scopes)
	s, err := m.Session(ctx)
	require.NoError(t, err)
	require.NotNil(t, s.Client)

	for range 3 {
		c, err := m.Authenticate(context.Background(), "mcp_at_read")
		require.NoError(t, err)
		assert.Equal(t, []string{tenant.ScopeRead}, c.Scopes)
		c.Scopes[0] = "mutated" // each caller has its own copy
	}
	require.Equal(t, 1, emu.Calls("auth.test"), "the store is asked again, Slack is not")
	require.Equal(t, 4, grants.lookups())

	grants.revoke("mcp_at_read")
	_, err = m.Authenticate(context.Background(), "mcp_at_read")
	require.ErrorIs(t, err, authn.ErrRevokedToken, "refused at once, although auth.test is cached")
	_, err = m.Authenticate(context.Background(), "mcp_at_read")
	require.ErrorIs(t, err, authn.ErrRevokedToken, "the refusal is remembered")
	_, err = m.Session(ctx)
	require.ErrorIs(t, err, authn.ErrRevokedToken, "the session is gone too")
	assert.Equal(t, 1, emu.Calls("auth.test"))
	assert.Equal(t, 5, grants.lookups(), "a remembered refusal costs no lookup")
}

// End to end through the middleware: the grant's scopes decide which
// tools of the real catalog a caller may call.
func TestMultiAccessTokenScopesGateTools(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	grants := newGrants(t)
	m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) {
		o.AccessTokens = grants
	})
	lookup := func(name string) (bool, bool) {
		tool, ok := tools.Lookup(name)
		return tool.ReadOnly, ok
	}
	var readTool, writeTool string
	for _, tool := range tools.Catalog() {
		switch {
		case tool.ReadOnly && readTool == "":
			readTool = tool.Name
		case !tool.ReadOnly && writeTool == "":
			writeTool = tool.Name
		}
	}
	h := authn.Middleware(m, authn.Options{
		ResourceMetadataURL: resource.MetadataURL(publicURL, "/mcp"), Scope: tenant.ScopeRead, Tool: lookup,
	}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }))
	for _, tc := range []struct {
		token, tool string
		status      int
	}{
		{"mcp_at_read", readTool, 200},
		{"mcp_at_read", writeTool, 403},
		{"mcp_at_both", writeTool, 200},
		{"mcp_at_noscopes", readTool, 403},
		{userToken("T1", 1), writeTool, 200}, // a Slack token: unrestricted
	} {
		body := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"` + tc.tool + `","arguments":{}}}`
		req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tc.token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, tc.status, rec.Code, "%s calling %s: %s", tc.token, tc.tool, rec.Body.String())
		if tc.status == 403 {
			assert.Contains(t, rec.Header().Get("WWW-Authenticate"), `error="insufficient_scope"`)
		}
	}
}
