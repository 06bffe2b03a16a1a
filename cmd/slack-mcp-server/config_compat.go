package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// compatConfig holds the settings korotovsky/slack-mcp-server 1.3.0 reads
// that were new to us, so its users can swap the binary without touching
// their configuration. Each is either honoured or answered with one
// warning at start saying why it is not.
type compatConfig struct {
	// MarkAfterPost is SLACK_MCP_ADD_MESSAGE_MARK: mark the channel read
	// after conversations_add_message posts.
	MarkAfterPost bool
	// MinRefreshInterval is SLACK_MCP_MIN_REFRESH_INTERVAL: how often a
	// cache miss may trigger a directory sweep (0: default).
	MinRefreshInterval time.Duration
	// LogNoColor is SLACK_MCP_LOG_COLOR=false (console logs only).
	LogNoColor bool
	// NoCache is --no-cache: directories load on the first tool call, not
	// at start.
	NoCache bool
	// Warnings are logged once the logger exists.
	Warnings []string
}

// parseCompat reads the 1.3.0 settings and drops the 1.3.0 tool names we
// do not offer from EnabledTools (with a warning instead of refusing to
// start).
func (c *config) parseCompat(getenv func(string) string) []error {
	var errs []error
	cc := &c.Compat
	cc.MarkAfterPost = envBool(getenv("SLACK_MCP_ADD_MESSAGE_MARK"))
	if v := getenv("SLACK_MCP_MIN_REFRESH_INTERVAL"); v != "" {
		d, err := parseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_MIN_REFRESH_INTERVAL %q: use a duration such as 30s, 5m or 300 (seconds)", v))
		}
		cc.MinRefreshInterval = d
	}
	if v := strings.TrimSpace(getenv("SLACK_MCP_LOG_COLOR")); v != "" {
		cc.LogNoColor = !envBool(v)
	}
	for _, s := range ignoredSettings {
		if getenv(s.name) != "" {
			cc.Warnings = append(cc.Warnings, s.name+" is ignored: "+s.why)
		}
	}

	kept := c.EnabledTools[:0:0]
	var dropped []string
	for _, n := range c.EnabledTools {
		if _, ok := tools.NotOffered(n); ok {
			dropped = append(dropped, n)
			continue
		}
		kept = append(kept, n)
	}
	if len(dropped) > 0 {
		why, _ := tools.NotOffered(dropped[0])
		msg := fmt.Sprintf("--enabled-tools / SLACK_MCP_ENABLED_TOOLS: %s not offered by this server (%s); the other tools named are served", strings.Join(dropped, ", "), why)
		if len(kept) == 0 {
			msg = fmt.Sprintf("--enabled-tools / SLACK_MCP_ENABLED_TOOLS: %s not offered by this server (%s); no other tool was named, so the default tools are served", strings.Join(dropped, ", "), why)
		}
		cc.Warnings = append(cc.Warnings, msg)
	}
	c.EnabledTools = kept
	return errs
}

// ignoredSettings are 1.3.0 settings we read only to say why they have no
// effect here.
var ignoredSettings = []struct{ name, why string }{
	{"SLACK_MCP_SERVER_CA_INSECURE", "refused on purpose: TLS certificates of Slack are always verified, since skipping that hands the token to anyone on the path; for a TLS-inspecting proxy put its CA in a PEM file and set SLACK_MCP_SERVER_CA to it"},
	{"SLACK_MCP_SERVER_CA_TOOLKIT", "the built-in HTTP Toolkit CA is not trusted on purpose (its key is public); export your HTTP Toolkit CA certificate and set SLACK_MCP_SERVER_CA to that PEM file"},
	{"SLACK_MCP_CUSTOM_TLS", "this server does not imitate a browser's TLS fingerprint; it connects with Go's standard TLS, which Slack accepts for every token type it documents"},
}

// logCompatWarnings logs each compatibility warning once, at start.
func logCompatWarnings(cfg *config, log zerolog.Logger) {
	for _, w := range cfg.Compat.Warnings {
		log.Warn().Msg(w)
	}
}
