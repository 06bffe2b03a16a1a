package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/version"
)

// docsURL is where the configuration is documented in full.
const docsURL = "https://github.com/slack-mcp-server/slack-mcp-server/blob/main/docs/02-configuration.md"

// helpRequest is --help: run prints text to stdout and exits 0.
type helpRequest struct{ text string }

func (h helpRequest) Error() string { return "help requested" }

// flagError is a bad command line: run prints it as one line and exits 2.
type flagError struct{ err error }

func (f flagError) Error() string { return f.err.Error() }

// parseFlagsError turns flag.Parse's error into a help request or a flag
// error; the flag package itself prints nothing (its output is discarded),
// so a typo gets one line instead of the whole usage.
func parseFlagsError(fs *flag.FlagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return helpRequest{text: usage(fs)}
	}
	return flagError{err: err}
}

// mainSettings are the environment variables a first run needs; the rest
// are in the docs.
var mainSettings = [][2]string{
	{"SLACK_MCP_XOXP_TOKEN", "Slack user token (or SLACK_MCP_XOXB_TOKEN, or SLACK_MCP_XOXC_TOKEN + SLACK_MCP_XOXD_TOKEN); none: the demo sandbox"},
	{"SLACK_MCP_HOST, SLACK_MCP_PORT", "listen address for sse and http (default 127.0.0.1:13080)"},
	{"SLACK_MCP_API_KEY", "require Authorization: Bearer <key> on sse and http"},
	{"SLACK_MCP_ENABLED_TOOLS", "same as --enabled-tools"},
	{"SLACK_MCP_ADD_MESSAGE_TOOL", "true or channel IDs: enables conversations_add_message"},
	{"SLACK_MCP_OAUTH_ENABLED", "multi-user OAuth mode (needs the SLACK_MCP_OAUTH_* settings)"},
	{"SLACK_MCP_LOG_LEVEL, SLACK_MCP_LOG_FORMAT", "debug|info|warn|error; json|console (logs go to stderr)"},
}

func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: Slack for MCP clients.\n\nUsage: %s [flags]\n\nFlags:\n", version.Name, version.Version, version.Name)
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		def := ""
		if f.DefValue != "" && f.DefValue != "false" {
			def = fmt.Sprintf(" (default %q)", f.DefValue)
		}
		fmt.Fprintf(&b, "  -%s%s\n      %s%s\n", f.Name, name, help, def)
	})
	b.WriteString("\nMain settings (environment):\n")
	for _, s := range mainSettings {
		fmt.Fprintf(&b, "  %s\n      %s\n", s[0], s[1])
	}
	fmt.Fprintf(&b, "\nEvery setting: %s\n", docsURL)
	return b.String()
}

// checkTools refuses unknown --enabled-tools names at start, before any
// Slack call, as a configuration error.
func checkTools(cfg *config) error {
	if _, err := cfg.selection(); err != nil {
		return err
	}
	return nil
}

// logShutdown logs why the server stops: signal.NotifyContext's cause
// names the signal ("terminated signal received" for SIGTERM).
func logShutdown(ctx context.Context, cfg *config, log zerolog.Logger) {
	log.Info().Str("reason", context.Cause(ctx).Error()).Dur("shutdown_timeout_ms", cfg.ShutdownTimeout).
		Msgf("shutting down: in-flight tool calls get up to %s", cfg.ShutdownTimeout)
}

// warnIfExposed warns when a single-user server listens beyond this
// machine without an API key: anyone who reaches the port acts as the
// token's owner. (OAuth mode authenticates every request itself.)
func warnIfExposed(cfg *config, log zerolog.Logger) {
	if cfg.Transport == transport.Stdio || cfg.APIKey != "" || cfg.OAuth.Enabled || loopback.IsHost(cfg.Host) {
		return
	}
	log.Warn().Str("addr", cfg.addr()).Msg("listening beyond this machine without SLACK_MCP_API_KEY: anyone who reaches this port can use Slack as the token's owner; set SLACK_MCP_API_KEY, enable OAuth mode, or listen on 127.0.0.1")
}
