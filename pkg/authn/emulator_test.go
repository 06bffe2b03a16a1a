package authn_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

const (
	goodToken = "xoxp-emu-good-token-1"
	goneToken = "xoxp-emu-revoked-token-2"
)

// TestMiddlewareWithMultiProvider runs the middleware in front of the
// multi-user provider and the Slack emulator.
func TestMiddlewareWithMultiProvider(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		header    string
		prepare   func(emu *slackemu.Server)
		status    int
		code      string
		invalid   bool // challenge carries error="invalid_token"
		authTests int
	}{
		{name: "valid", header: "Bearer " + goodToken, status: 200, authTests: 1},
		{name: "missing", status: 401, code: authn.CodeUnauthorized},
		{name: "wrong scheme", header: "Token " + goodToken, status: 401, code: authn.CodeUnauthorized},
		{name: "malformed", header: "Bearer xoxp-<script>", status: 401, code: authn.CodeInvalidToken, invalid: true},
		{name: "unknown to slack", header: "Bearer xoxp-nobody-knows-me", status: 401, code: authn.CodeInvalidToken, invalid: true, authTests: 1},
		{name: "not a slack token", header: "Bearer sk-live-123", status: 401, code: authn.CodeInvalidToken, invalid: true},
		{
			name: "revoked", header: "Bearer " + goneToken, status: 401, code: authn.CodeTokenRevoked, invalid: true, authTests: 1,
			prepare: func(emu *slackemu.Server) { emu.FailNextWith("auth.test", "token_revoked", 1) },
		},
		{
			name: "slack error", header: "Bearer " + goodToken, status: 503, code: authn.CodeUnavailable, authTests: 1,
			prepare: func(emu *slackemu.Server) { emu.FailNextWith("auth.test", "internal_error", 1) },
		},
		{
			name: "slack down", header: "Bearer " + goodToken, status: 503, code: authn.CodeUnavailable,
			prepare: func(emu *slackemu.Server) { emu.Close() },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := slackemu.NewWorkspace(slackemu.Team{ID: "T1", Name: "Acme", Domain: "acme"})
			ws.AddUser(slackemu.User{ID: "U1", Name: "alice"})
			ws.AddToken(goodToken, slackemu.Token{UserID: "U1", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
			ws.AddToken(goneToken, slackemu.Token{UserID: "U1", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
			emu := slackemu.NewServer(ws, slackemu.Options{})
			t.Cleanup(emu.Close)
			f, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, MaxRetries: -1})
			require.NoError(t, err)
			v := caller.NewValidator(caller.ValidatorOptions{Factory: f, Resolver: caller.New(caller.Options{AcceptSlackTokens: true}), Logger: zerolog.Nop()})
			m := provider.NewMulti(provider.MultiOptions{Factory: f, Validator: v, Logger: zerolog.Nop()})
			t.Cleanup(m.Close)
			if tc.prepare != nil {
				tc.prepare(emu)
			}

			var team string
			h := authn.Middleware(v, authn.Options{Realm: "mcp"}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s, err := m.Session(r.Context())
				require.NoError(t, err)
				team = s.Client.Identity.TeamID
				require.NotNil(t, tenant.From(r.Context()))
			}))
			req := httptest.NewRequest(http.MethodPost, "/mcp", strings.NewReader("{}"))
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Equal(t, tc.authTests, emu.Calls("auth.test"))
			if tc.status == 200 {
				assert.Equal(t, "T1", team)
				return
			}
			var body struct{ Error, Code string }
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Equal(t, tc.code, body.Code)
			assert.NotEmpty(t, body.Error)
			ch := rec.Header().Get("WWW-Authenticate")
			if tc.status == 503 {
				assert.Empty(t, ch)
				return
			}
			assert.True(t, strings.HasPrefix(ch, `Bearer realm="mcp"`), ch)
			assert.Equal(t, tc.invalid, strings.Contains(ch, `error="invalid_token"`), ch)
		})
	}
}
