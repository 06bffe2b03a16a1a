package main

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"
)

// incumbentSettings are the SLACK_MCP_* settings korotovsky/slack-mcp-server
// 1.3.0 reads (strings of its linux-amd64 binary), each with a value its
// users may have set.
var incumbentSettings = map[string]string{
	"SLACK_MCP_ADD_MESSAGE_MARK": "true", "SLACK_MCP_ADD_MESSAGE_TOOL": "true", "SLACK_MCP_ADD_MESSAGE_UNFURLING": "true",
	"SLACK_MCP_API_KEY": "k", "SLACK_MCP_SSE_API_KEY": "k", "SLACK_MCP_ATTACHMENT_TOOL": "true",
	"SLACK_MCP_CACHE_TTL": "1h", "SLACK_MCP_CHANNELS_CACHE": "/tmp/ch.json", "SLACK_MCP_USERS_CACHE": "/tmp/u.json",
	"SLACK_MCP_CUSTOM_TLS": "true", "SLACK_MCP_ENABLED_TOOLS": "channels_list", "SLACK_MCP_GOVSLACK": "false",
	"SLACK_MCP_HOST": "127.0.0.1", "SLACK_MCP_PORT": "13080", "SLACK_MCP_LOG_LEVEL": "info", "SLACK_MCP_LOG_COLOR": "false",
	"SLACK_MCP_LOG_FORMAT": "json", "SLACK_MCP_MARK_TOOL": "true", "SLACK_MCP_MIN_REFRESH_INTERVAL": "30s",
	"SLACK_MCP_PROXY": "http://127.0.0.1:3128", "SLACK_MCP_REACTION_TOOL": "true", "SLACK_MCP_SERVER_CA": "/tmp/ca.pem",
	"SLACK_MCP_SERVER_CA_INSECURE": "true", "SLACK_MCP_SERVER_CA_TOOLKIT": "true", "SLACK_MCP_USER_AGENT": "ua",
	"SLACK_MCP_XOXB_TOKEN": "xoxb-1", "SLACK_MCP_XOXC_TOKEN": "xoxc-1", "SLACK_MCP_XOXD_TOKEN": "xoxd-1", "SLACK_MCP_XOXP_TOKEN": "xoxp-1",
}

// Every 1.3.0 setting is read: none is silently ignored, and a full 1.3.0
// configuration parses.
func TestIncumbentSettingsAreRead(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(nil, envOf(incumbentSettings), io.Discard)
	require.NoError(t, err)
	require.Len(t, cfg.Compat.Warnings, 3, "one warning per setting we do not honour: %v", cfg.Compat.Warnings)
	// One at a time, so a fallback (SLACK_MCP_SSE_API_KEY) is asked too.
	for name, value := range incumbentSettings {
		var mu sync.Mutex
		asked := false
		getenv := func(k string) string {
			if k != name {
				return map[string]string{"SLACK_MCP_XOXP_TOKEN": "xoxp-1"}[k]
			}
			mu.Lock()
			asked = true
			mu.Unlock()
			return value
		}
		_, err := parseConfig(nil, getenv, io.Discard)
		if name != "SLACK_MCP_XOXC_TOKEN" && name != "SLACK_MCP_XOXD_TOKEN" { // these two go together
			require.NoError(t, err, name)
		}
		require.True(t, asked, "%s is never read", name)
	}
}

func TestIncumbentSettings(t *testing.T) {
	t.Parallel()
	base := map[string]string{"SLACK_MCP_XOXP_TOKEN": "xoxp-1"}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		check    func(t *testing.T, c *config)
		warnings []string // substrings, one per expected warning
		err      string
	}{
		{name: "nothing set: no warning", check: func(t *testing.T, c *config) {
			require.False(t, c.policy().MarkAfterPost)
			require.Zero(t, c.Compat.MinRefreshInterval)
			require.False(t, c.Compat.LogNoColor)
			require.False(t, c.Compat.NoCache)
		}},
		{name: "ADD_MESSAGE_MARK marks after posting", env: map[string]string{"SLACK_MCP_ADD_MESSAGE_MARK": "1"},
			check: func(t *testing.T, c *config) { require.True(t, c.policy().MarkAfterPost) }},
		{name: "MIN_REFRESH_INTERVAL duration", env: map[string]string{"SLACK_MCP_MIN_REFRESH_INTERVAL": "45s"},
			check: func(t *testing.T, c *config) { require.Equal(t, 45*time.Second, c.Compat.MinRefreshInterval) }},
		{name: "MIN_REFRESH_INTERVAL seconds", env: map[string]string{"SLACK_MCP_MIN_REFRESH_INTERVAL": "300"},
			check: func(t *testing.T, c *config) { require.Equal(t, 5*time.Minute, c.Compat.MinRefreshInterval) }},
		{name: "MIN_REFRESH_INTERVAL nonsense", env: map[string]string{"SLACK_MCP_MIN_REFRESH_INTERVAL": "soon"}, err: `SLACK_MCP_MIN_REFRESH_INTERVAL "soon"`},
		{name: "MIN_REFRESH_INTERVAL negative", env: map[string]string{"SLACK_MCP_MIN_REFRESH_INTERVAL": "-5s"}, err: "SLACK_MCP_MIN_REFRESH_INTERVAL"},
		{name: "LOG_COLOR false", env: map[string]string{"SLACK_MCP_LOG_COLOR": "false"},
			check: func(t *testing.T, c *config) { require.True(t, c.Compat.LogNoColor) }},
		{name: "LOG_COLOR true", env: map[string]string{"SLACK_MCP_LOG_COLOR": "true"},
			check: func(t *testing.T, c *config) { require.False(t, c.Compat.LogNoColor) }},
		{name: "CA_INSECURE refused", env: map[string]string{"SLACK_MCP_SERVER_CA_INSECURE": "true"}, warnings: []string{"SLACK_MCP_SERVER_CA_INSECURE is ignored: refused on purpose"}},
		{name: "CA_TOOLKIT", env: map[string]string{"SLACK_MCP_SERVER_CA_TOOLKIT": "true"}, warnings: []string{"SLACK_MCP_SERVER_CA_TOOLKIT is ignored"}},
		{name: "CUSTOM_TLS", env: map[string]string{"SLACK_MCP_CUSTOM_TLS": "1"}, warnings: []string{"SLACK_MCP_CUSTOM_TLS is ignored"}},
		{name: "saved tools accepted with one warning", env: map[string]string{"SLACK_MCP_ENABLED_TOOLS": "channels_list,saved_list,saved_update,conversations_join"},
			warnings: []string{"saved_list, saved_update not offered"},
			check: func(t *testing.T, c *config) {
				require.Equal(t, []string{"channels_list", "conversations_join"}, c.EnabledTools)
			}},
		{name: "only saved tools: the defaults", args: []string{"--enabled-tools", "saved_clear_completed"},
			warnings: []string{"so the default tools are served"},
			check:    func(t *testing.T, c *config) { require.Empty(t, c.EnabledTools) }},
		{name: "-e is --enabled-tools", args: []string{"-e", "channels_list,channels_me"},
			check: func(t *testing.T, c *config) {
				require.Equal(t, []string{"channels_list", "channels_me"}, c.EnabledTools)
			}},
		{name: "-no-cache", args: []string{"-no-cache"},
			check: func(t *testing.T, c *config) { require.True(t, c.Compat.NoCache) }},
		{name: "--no-cache", args: []string{"--no-cache"},
			check: func(t *testing.T, c *config) { require.True(t, c.Compat.NoCache) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			c, err := parseConfig(tc.args, envOf(env), io.Discard)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, c.Compat.Warnings, len(tc.warnings), "%v", c.Compat.Warnings)
			for i, w := range tc.warnings {
				require.Contains(t, c.Compat.Warnings[i], w)
				require.NotContains(t, c.Compat.Warnings[i], "\n", "one line")
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// The report: a 1.3.0 command line refused to start. It starts,
// serves the named tools and warns once about what it does not offer.
func TestRunIncumbentCommandLine(t *testing.T) {
	t.Parallel()
	r := startStdio(t, []string{"-t", "stdio", "-no-cache", "-e", "channels_list,conversations_join,channels_me,saved_list"},
		map[string]string{"SLACK_MCP_LOG_FORMAT": "json", "SLACK_MCP_SERVER_CA_INSECURE": "true"})
	c, ctx := r.client, r.ctx
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	var names []string
	for _, tl := range list.Tools {
		names = append(names, tl.Name)
	}
	require.ElementsMatch(t, []string{"channels_list", "conversations_join", "channels_me"}, names)
	req := mcp.CallToolRequest{}
	req.Params.Name = "channels_me"
	out, err := c.CallTool(ctx, req)
	require.NoError(t, err)
	require.False(t, out.IsError)
	require.Contains(t, out.Content[0].(mcp.TextContent).Text, "#general")

	require.Equal(t, 0, r.stop(t))
	logs := r.stderr.String()
	require.Equal(t, 1, strings.Count(logs, "saved_list not offered"), logs)
	require.Equal(t, 1, strings.Count(logs, "SLACK_MCP_SERVER_CA_INSECURE is ignored"), logs)
}
