package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// Issue 8, command line: --help lists the flags, the main settings and the
// docs; a bad flag gets one line and exit 2.
func TestRunHelpAndBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		code       int
		stdoutHas  []string
		stderrLine string // the one line on stderr; "" for none
	}{
		{name: "help", args: []string{"--help"}, code: 0,
			stdoutHas: []string{"-transport", "-enabled-tools", "-demo", "SLACK_MCP_XOXP_TOKEN", "SLACK_MCP_API_KEY", "SLACK_MCP_OAUTH_ENABLED", docsURL}},
		{name: "short help", args: []string{"-h"}, code: 0, stdoutHas: []string{"-transport", docsURL}},
		{name: "unknown flag", args: []string{"--bogus"}, code: 2, stderrLine: "slack-mcp-server: flag provided but not defined: -bogus (see slack-mcp-server --help)"},
		{name: "flag without its value", args: []string{"-t"}, code: 2, stderrLine: "slack-mcp-server: flag needs an argument: -t (see slack-mcp-server --help)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, envOf(nil), strings.NewReader(""), &stdout, &stderr)
			require.Equal(t, tc.code, code)
			for _, s := range tc.stdoutHas {
				require.Contains(t, stdout.String(), s)
			}
			if tc.stderrLine == "" {
				require.Empty(t, stderr.String())
				return
			}
			require.Equal(t, tc.stderrLine+"\n", stderr.String())
			require.Empty(t, stdout.String())
		})
	}
}

// Unknown --enabled-tools names are a configuration error (exit 2) found
// before any Slack call; they used to surface after auth.test.
func TestRunUnknownEnabledToolsExit2BeforeSlack(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		_, _ = w.Write([]byte(`{"ok":false,"error":"invalid_auth"}`))
	}))
	t.Cleanup(slack.Close)
	for _, env := range []map[string]string{
		{"SLACK_MCP_ENABLED_TOOLS": "channels_list,no_such_tool"},
		{},
	} {
		args := []string{"--enabled-tools", "channels_list,no_such_tool"}
		if len(env) > 0 {
			args = nil
		}
		env["SLACK_MCP_XOXP_TOKEN"], env["SLACK_MCP_SLACK_URL"] = "xoxp-1", slack.URL
		var stderr bytes.Buffer
		code := run(context.Background(), args, envOf(env), strings.NewReader(""), io.Discard, &stderr)
		require.Equal(t, 2, code, stderr.String())
		require.Contains(t, stderr.String(), "no_such_tool")
	}
	var stderr bytes.Buffer
	code := run(context.Background(), nil, envOf(map[string]string{"SLACK_MCP_XOXP_TOKEN": "xoxp-1", "SLACK_MCP_SLACK_URL": slack.URL, "SLACK_MCP_TOOLSETS": "conversations,canvasses"}),
		strings.NewReader(""), io.Discard, &stderr)
	require.Equal(t, 2, code, stderr.String())
	require.Contains(t, stderr.String(), "SLACK_MCP_TOOLSETS: unknown toolset(s): canvasses")
	require.Zero(t, calls.Load(), "no Slack call before the configuration is known good")
}

// SLACK_MCP_TOOLSETS narrows what tools/list offers a model.
func TestToolsetsNarrowTheList(t *testing.T) {
	t.Parallel()
	emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
	t.Cleanup(emu.Close)
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"SLACK_MCP_TOOLSETS": "search,users"}, []string{"conversations_search_messages", "users_search", "users_profile"}},
		{map[string]string{"SLACK_MCP_TOOLSETS": "canvases", "SLACK_MCP_CANVAS_TOOL": "true"}, []string{"canvases_create", "canvases_read", "canvases_update"}},
	} {
		tc.env["SLACK_MCP_XOXP_TOKEN"], tc.env["SLACK_MCP_SLACK_URL"] = slackemu.SandboxUserToken, emu.URL
		c := runStdio(t, tc.env)
		list, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
		require.NoError(t, err)
		var names []string
		for _, tl := range list.Tools {
			names = append(names, tl.Name)
		}
		require.ElementsMatch(t, tc.want, names, "%v", tc.env)
	}
}

// SIGTERM is logged with the shutdown budget (units included), and demo
// mode does not claim to be connected to Slack.
func TestRunLogsTheSignalAndDemoIsNotSlack(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancelCause(context.Background())
	inR, inW := io.Pipe()
	t.Cleanup(func() { _ = inW.Close() })
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, nil, envOf(map[string]string{"SLACK_MCP_LOG_FORMAT": "json"}), inR, io.Discard, stderr)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "sandbox workspace (not Slack)") }, 10*time.Second, 10*time.Millisecond)
	// What signal.NotifyContext cancels with on SIGTERM.
	cancel(errors.New("terminated signal received"))
	require.Equal(t, 0, <-code)
	logs := stderr.String()
	require.NotContains(t, logs, "connected to Slack")
	require.Contains(t, logs, `"reason":"terminated signal received"`)
	require.Contains(t, logs, `"shutdown_timeout_ms":10000`)
	require.Contains(t, logs, "in-flight tool calls get up to 10s")
}

// Durations in logs carry their unit in the field name (zerolog writes
// Dur fields as bare milliseconds).
func TestLoggedDurationsNameTheirUnit(t *testing.T) {
	t.Parallel()
	dur := regexp.MustCompile(`\.Dur\("([a-z_]+)"`)
	root := filepath.Join("..", "..")
	var bad []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range dur.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], "_ms") {
				bad = append(bad, path+": "+m[1])
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, bad, "name Dur fields *_ms")
}

// A single-user server listening beyond loopback without an API key warns.
func TestWarnIfExposed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       config
		wantWarns bool
	}{
		{"all interfaces, no key", config{Transport: "http", Host: "0.0.0.0", Port: 13080}, true},
		{"a LAN address over sse, no key", config{Transport: "sse", Host: "192.168.1.5", Port: 13080}, true},
		{"IPv6 any, no key", config{Transport: "http", Host: "::", Port: 13080}, true},
		{"all interfaces with a key", config{Transport: "http", Host: "0.0.0.0", APIKey: "k"}, false},
		{"all interfaces in OAuth mode", config{Transport: "http", Host: "0.0.0.0", OAuth: oauthConfig{Enabled: true}}, false},
		{"loopback", config{Transport: "http", Host: "127.0.0.1"}, false},
		{"IPv6 loopback", config{Transport: "http", Host: "::1"}, false},
		{"localhost", config{Transport: "http", Host: "localhost"}, false},
		{"stdio listens nowhere", config{Transport: "stdio", Host: "0.0.0.0"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			warnIfExposed(&tc.cfg, zerolog.New(&buf))
			if !tc.wantWarns {
				require.Empty(t, buf.String())
				return
			}
			require.Contains(t, buf.String(), `"level":"warn"`)
			require.Contains(t, buf.String(), "SLACK_MCP_API_KEY")
		})
	}
}
