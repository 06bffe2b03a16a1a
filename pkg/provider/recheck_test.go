package provider

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// callTool runs one tool through the MCP server as the caller of ctx.
func callTool(t *testing.T, srv *server.Server, ctx context.Context, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	msg, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": name, "arguments": args},
	})
	require.NoError(t, err)
	out := srv.MCP.HandleMessage(ctx, msg)
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	var resp struct {
		Result mcp.CallToolResult `json:"result"`
	}
	require.NoError(t, json.Unmarshal(raw, &resp), string(raw))
	return &resp.Result
}

func resultText(r *mcp.CallToolResult) string {
	for _, c := range r.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			return tc.Text
		}
	}
	return ""
}

// The attack of finding 12: a direct Slack token revoked at Slack kept
// reading the cached directories for the rest of its 10-minute
// validation. Cache-only tools now recheck a validation older than
// RecheckAfter, so the revoked token is refused within that bound; within
// it, they cost no Slack call.
func TestMultiCacheOnlyToolsRecheckRevokedTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"users_search", map[string]any{"query": "user1"}},
		{"channels_list", map[string]any{"channel_types": "public_channel"}},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			t.Parallel()
			emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
			m, clock := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) { o.RecheckAfter = time.Minute })
			srv, err := server.New(server.Options{Provider: m, Logger: zerolog.Nop()})
			require.NoError(t, err)
			tok := userToken("T1", 0)
			ctx := withCaller(t, m, tok)
			s, err := m.Session(ctx)
			require.NoError(t, err)
			require.Eventually(t, func() bool { return s.Users.Ready() && s.Channels.Ready() }, 5*time.Second, 5*time.Millisecond)

			for range 5 {
				res := callTool(t, srv, ctx, tc.tool, tc.args)
				require.False(t, res.IsError, resultText(res))
			}
			assert.Equal(t, 1, emu.Calls("auth.test"), "a fresh validation costs no Slack call")

			_, err = slack.New(tok, slack.OptionAPIURL(emu.URL+"/api/")).SendAuthRevoke(tok)
			require.NoError(t, err)
			clock.Advance(30 * time.Second)
			res := callTool(t, srv, ctx, tc.tool, tc.args)
			require.False(t, res.IsError, "within the bound the cache still answers (the documented residual)")

			clock.Advance(31 * time.Second)
			res = callTool(t, srv, ctx, tc.tool, tc.args)
			require.True(t, res.IsError, "refused once the validation is older than RecheckAfter")
			assert.Contains(t, resultText(res), "token_revoked", resultText(res))
			assert.Equal(t, 2, emu.Calls("auth.test"))
			assert.Equal(t, 0, m.Stats()["validated_tokens"], "the caller was evicted")

			_, err = m.Authenticate(context.Background(), tok)
			require.Error(t, err, "and stays refused")
		})
	}
}

// A live token rechecked after the bound keeps its session and costs one
// auth.test per bound, not one per call.
func TestMultiRecheckKeepsLiveSessions(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	m, clock := newMultiFor(t, newFactory(t, emu.URL), nil)
	ctx := withCaller(t, m, userToken("T1", 0))
	before, err := m.Session(ctx)
	require.NoError(t, err)
	for range 3 {
		clock.Advance(caller.DefaultRecheckAfter)
		for range 10 {
			require.NoError(t, m.Recheck(ctx))
		}
	}
	assert.Equal(t, 4, emu.Calls("auth.test"))
	after, err := m.Session(ctx)
	require.NoError(t, err)
	assert.Same(t, before, after)
	require.Error(t, m.Recheck(context.Background()), "no caller")
}
