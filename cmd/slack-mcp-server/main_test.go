package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr []string
		check   func(t *testing.T, c *config)
	}{
		{name: "defaults with a user token", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "xoxp-1"}, check: func(t *testing.T, c *config) {
			require.Equal(t, "stdio", c.Transport)
			require.Equal(t, "127.0.0.1:13080", c.addr())
			require.Equal(t, "https://slack.com", c.SlackURL)
			require.False(t, c.Demo)
			require.False(t, c.Tools.AddMessage.Enabled)
			require.Equal(t, time.Hour, c.CacheTTL)
		}},
		{name: "no token serves the sandbox", check: func(t *testing.T, c *config) {
			require.True(t, c.Demo)
			require.True(t, c.NoToken)
		}},
		{name: "short transport flag", args: []string{"-t", "http"}, check: func(t *testing.T, c *config) { require.Equal(t, "http", c.Transport) }},
		{name: "govslack", env: map[string]string{"SLACK_MCP_GOVSLACK": "true", "SLACK_MCP_XOXP_TOKEN": "xoxp-1"}, check: func(t *testing.T, c *config) {
			require.Equal(t, "https://slack-gov.com", c.SlackURL)
		}},
		{name: "token priority", env: map[string]string{"SLACK_MCP_XOXB_TOKEN": "xoxb-1", "SLACK_MCP_XOXP_TOKEN": "xoxp-1"}, check: func(t *testing.T, c *config) {
			tok, _, v := c.token()
			require.Equal(t, "xoxp-1", tok)
			require.Equal(t, "SLACK_MCP_XOXP_TOKEN", v)
		}},
		{name: "enabled tools open a write tool everywhere", args: []string{"--enabled-tools", "conversations_history, conversations_add_message"}, env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x"}, check: func(t *testing.T, c *config) {
			require.Equal(t, []string{"conversations_history", "conversations_add_message"}, c.EnabledTools)
			require.True(t, c.Tools.AddMessage.Allows("C1"))
		}},
		{name: "reactions follow add message", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_ADD_MESSAGE_TOOL": "C1"}, check: func(t *testing.T, c *config) {
			require.True(t, c.Tools.Reactions.Allows("C1"))
			require.False(t, c.Tools.Reactions.Allows("C2"))
			require.True(t, c.OpenGates[tools.GateReactions])
			require.False(t, c.OpenGates[tools.GateAttachment])
		}},
		{name: "every problem at once", args: []string{"-t", "pigeon"}, env: map[string]string{
			"SLACK_MCP_PORT": "http", "SLACK_MCP_XOXC_TOKEN": "xoxc-1", "SLACK_MCP_ADD_MESSAGE_TOOL": "C1,!C2",
			"SLACK_MCP_CACHE_TTL": "soon", "SLACK_MCP_LOG_LEVEL": "loud", "SLACK_MCP_LOG_FORMAT": "xml",
		}, wantErr: []string{"--transport", "SLACK_MCP_PORT", "SLACK_MCP_XOXD_TOKEN", "SLACK_MCP_ADD_MESSAGE_TOOL", "SLACK_MCP_CACHE_TTL", "SLACK_MCP_LOG_LEVEL", "SLACK_MCP_LOG_FORMAT"}},
		{name: "oauth mode needs every setting", args: []string{"-t", "stdio"}, env: map[string]string{"SLACK_MCP_OAUTH_ENABLED": "true", "SLACK_MCP_OAUTH_REDIRECT_URI": "http://mcp.example.com/oauth/callback"},
			wantErr: []string{"--transport sse or http", "SLACK_MCP_OAUTH_CLIENT_ID", "SLACK_MCP_OAUTH_CLIENT_SECRET", "SLACK_MCP_ENCRYPTION_KEY", "must use https"}},
		{name: "admin settings are checked", args: []string{"-t", "http"}, env: map[string]string{"SLACK_MCP_OAUTH_ENABLED": "true",
			"SLACK_MCP_OAUTH_CLIENT_ID": "c", "SLACK_MCP_OAUTH_CLIENT_SECRET": "s", "SLACK_MCP_ENCRYPTION_KEY": "k", "SLACK_MCP_OAUTH_REDIRECT_URI": "http://127.0.0.1:13080/oauth/callback",
			"SLACK_MCP_ADMINS": "U0GOOD01,alice", "SLACK_MCP_ADMIN_TOKEN": "short"},
			wantErr: []string{`SLACK_MCP_ADMINS: "alice"`, "SLACK_MCP_ADMIN_TOKEN"}},
		{name: "oauth mode and api key conflict", args: []string{"-t", "http"}, env: map[string]string{"SLACK_MCP_OAUTH_ENABLED": "true", "SLACK_MCP_API_KEY": "k",
			"SLACK_MCP_OAUTH_CLIENT_ID": "c", "SLACK_MCP_OAUTH_CLIENT_SECRET": "s", "SLACK_MCP_ENCRYPTION_KEY": "k", "SLACK_MCP_OAUTH_REDIRECT_URI": "http://127.0.0.1:13080/oauth/callback"},
			wantErr: []string{"SLACK_MCP_API_KEY"}},
		{name: "oauth mode on loopback", args: []string{"-t", "http"}, env: map[string]string{"SLACK_MCP_OAUTH_ENABLED": "true", "SLACK_MCP_DATA_DIR": "/tmp/x",
			"SLACK_MCP_OAUTH_CLIENT_ID": "c", "SLACK_MCP_OAUTH_CLIENT_SECRET": "s", "SLACK_MCP_ENCRYPTION_KEY": "k", "SLACK_MCP_OAUTH_REDIRECT_URI": "http://localhost:13080/oauth/callback",
			"SLACK_MCP_OAUTH_SCOPES": "channels:read, search:read"}, check: func(t *testing.T, c *config) {
			require.True(t, c.OAuth.Enabled)
			require.False(t, c.Demo, "OAuth mode never falls back to the sandbox")
			require.Equal(t, "http://localhost:13080", c.OAuth.PublicURL)
			require.Equal(t, "/tmp/x/slack-mcp.db", c.OAuth.StorePath)
			require.Equal(t, []string{"channels:read", "search:read"}, c.OAuth.Scopes)
			require.True(t, c.OAuth.AcceptSlackTokens)
		}},
		{name: "non-marketplace limits", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_NON_MARKETPLACE_LIMITS": "true"}, check: func(t *testing.T, c *config) {
			require.True(t, c.NonMarketplace)
			require.Equal(t, 15, c.policy().HistoryPageMax)
		}},
		{name: "database url must be PostgreSQL", args: []string{"-t", "http"}, env: map[string]string{"SLACK_MCP_OAUTH_ENABLED": "true",
			"SLACK_MCP_OAUTH_CLIENT_ID": "c", "SLACK_MCP_OAUTH_CLIENT_SECRET": "s", "SLACK_MCP_ENCRYPTION_KEY": "k", "SLACK_MCP_OAUTH_REDIRECT_URI": "http://127.0.0.1:13080/oauth/callback",
			"SLACK_MCP_DATABASE_URL": "mysql://u:p@db/x"}, wantErr: []string{"SLACK_MCP_DATABASE_URL must be a PostgreSQL URL"}},
		{name: "database url selects PostgreSQL", args: []string{"-t", "http"}, env: map[string]string{"SLACK_MCP_OAUTH_ENABLED": "true",
			"SLACK_MCP_OAUTH_CLIENT_ID": "c", "SLACK_MCP_OAUTH_CLIENT_SECRET": "s", "SLACK_MCP_ENCRYPTION_KEY": "k", "SLACK_MCP_OAUTH_REDIRECT_URI": "http://127.0.0.1:13080/oauth/callback",
			"SLACK_MCP_DATABASE_URL": " postgresql://u:p@db:5432/x "}, check: func(t *testing.T, c *config) {
			require.Equal(t, "postgresql://u:p@db:5432/x", c.OAuth.DatabaseURL)
		}},
		{name: "pacing adaptive by default", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x"}, check: func(t *testing.T, c *config) {
			require.Equal(t, slackapi.PaceAfterPushback, c.Pacing)
		}},
		{name: "pacing at the tiers", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_PACING": "Tiers"}, check: func(t *testing.T, c *config) {
			require.Equal(t, slackapi.PaceAlways, c.Pacing)
		}},
		{name: "pacing unknown", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_PACING": "never"}, wantErr: []string{"SLACK_MCP_PACING \"never\""}},
		{name: "write tool channel lists and switches", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_SCHEDULE_TOOL": "!C9", "SLACK_MCP_FILE_UPLOAD_TOOL": "C1",
			"SLACK_MCP_CANVAS_TOOL": "true", "SLACK_MCP_UPLOAD_MAX_BYTES": "1024", "SLACK_MCP_UPLOAD_DIR": "/tmp"}, check: func(t *testing.T, c *config) {
			p := c.policy()
			require.True(t, p.Schedule.Allows("C1"))
			require.False(t, p.Schedule.Allows("C9"))
			require.True(t, p.FileUpload.Allows("C1"))
			require.False(t, p.FileUpload.Allows("C2"))
			require.Equal(t, int64(1024), p.UploadMaxBytes)
			require.Equal(t, "/tmp", p.UploadDir)
			require.True(t, c.OpenGates[tools.GateCanvas])
			require.False(t, c.OpenGates[tools.GateStatus])
		}},
		{name: "upload settings checked", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_UPLOAD_MAX_BYTES": "lots", "SLACK_MCP_UPLOAD_DIR": "relative/dir",
			"SLACK_MCP_SCHEDULE_TOOL": "general"}, wantErr: []string{"SLACK_MCP_UPLOAD_MAX_BYTES \"lots\"", "SLACK_MCP_UPLOAD_DIR \"relative/dir\"", "SLACK_MCP_SCHEDULE_TOOL"}},
		{name: "confirm writes off", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_CONFIRM_WRITES": "off"}, check: func(t *testing.T, c *config) {
			require.Equal(t, confirm.Off, c.ConfirmWrites)
		}},
		{name: "confirm writes unknown", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_CONFIRM_WRITES": "always"}, wantErr: []string{"SLACK_MCP_CONFIRM_WRITES \"always\""}},
		{name: "upload cap by default", env: map[string]string{"SLACK_MCP_XOXP_TOKEN": "x"}, check: func(t *testing.T, c *config) {
			require.Equal(t, int64(defaultUploadMaxBytes), c.policy().UploadMaxBytes)
		}},
		{name: "govslack conflicts with another url", env: map[string]string{"SLACK_MCP_GOVSLACK": "1", "SLACK_MCP_SLACK_URL": "https://example.com"}, wantErr: []string{"SLACK_MCP_GOVSLACK"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := parseConfig(tc.args, envOf(tc.env), io.Discard)
			if len(tc.wantErr) > 0 {
				require.Error(t, err)
				for _, w := range tc.wantErr {
					require.ErrorContains(t, err, w)
				}
				return
			}
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer = testkit.LogBuffer

// The whole binary path over stdio: stdout carries only protocol, logs go
// to stderr, and SIGTERM (ctx cancel) ends the process with status 0.
func TestRunStdioSandbox(t *testing.T) {
	t.Parallel()
	r := startStdio(t, []string{"--transport", "stdio"}, map[string]string{"SLACK_MCP_LOG_FORMAT": "json"})
	require.Contains(t, r.init.Instructions, "SANDBOX")
	// Write tools are all on in the sandbox and say where they write.
	list, err := r.client.ListTools(r.ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	writes := 0
	for _, tool := range list.Tools {
		if !*tool.Annotations.ReadOnlyHint {
			writes++
			require.Contains(t, tool.Description, "never real Slack", tool.Name)
		}
	}
	require.NotZero(t, writes)

	req := mcp.CallToolRequest{}
	req.Params.Name = "channels_list"
	req.Params.Arguments = map[string]any{"channel_types": "public_channel"}
	out, err := r.client.CallTool(r.ctx, req)
	require.NoError(t, err)
	require.False(t, out.IsError)
	require.Contains(t, out.Content[0].(mcp.TextContent).Text, "#general")

	require.Equal(t, 0, r.stop(t))
	logs := r.stderr.String()
	require.Contains(t, logs, "DEMO MODE")
	require.NotContains(t, logs, slackemu.SandboxUserToken, "tokens never reach logs")
}

func TestRunRejectsBadTokenNamingTheVariable(t *testing.T) {
	t.Parallel()
	ws := slackemu.Sandbox()
	emu := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(emu.Close)
	stderr := &syncBuffer{}
	code := run(context.Background(), nil, envOf(map[string]string{
		"SLACK_MCP_XOXP_TOKEN": "xoxp-not-a-real-token", "SLACK_MCP_SLACK_URL": emu.URL, "SLACK_MCP_LOG_FORMAT": "json",
	}), strings.NewReader(""), io.Discard, stderr)
	require.Equal(t, 1, code)
	require.Contains(t, stderr.String(), "SLACK_MCP_XOXP_TOKEN")
	require.NotContains(t, stderr.String(), "xoxp-not-a-real-token")
}

func TestRunConfigErrorsExit2(t *testing.T) {
	t.Parallel()
	stderr := &syncBuffer{}
	code := run(context.Background(), []string{"-t", "smoke"}, envOf(nil), strings.NewReader(""), io.Discard, stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "--transport")
}
