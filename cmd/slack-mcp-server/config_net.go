package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/version"
)

// netConfig is how the HTTP front door treats the network: who the client
// is behind proxies, how long a request may take to arrive, and what the
// unauthenticated /health tells.
type netConfig struct {
	// HealthDetails adds cache and tenant counts to /health
	// (SLACK_MCP_HEALTH_DETAILS); off, /health says only status, version
	// and mode, since it answers anyone.
	HealthDetails bool
	// ReadTimeout bounds how long a request (headers and body) may take to
	// arrive (SLACK_MCP_READ_TIMEOUT); the MCP streams are not cut.
	ReadTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client for rate limits (SLACK_MCP_TRUSTED_PROXIES, CIDRs).
	TrustedProxies clientip.Proxies
	// RegistrationsPerHour caps new OAuth clients across all addresses
	// (SLACK_MCP_OAUTH_REGISTRATIONS_PER_HOUR).
	RegistrationsPerHour int
}

func (c *config) parseNet(getenv func(string) string) []error {
	n := &c.Net
	var errs []error
	n.HealthDetails = envBool(getenv("SLACK_MCP_HEALTH_DETAILS"))
	n.ReadTimeout = transport.DefaultReadTimeout
	if v := getenv("SLACK_MCP_READ_TIMEOUT"); v != "" {
		var err error
		if n.ReadTimeout, err = parseDuration(v); err != nil || n.ReadTimeout <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_READ_TIMEOUT %q: use a duration such as 30s", v))
		}
	}
	var err error
	if n.TrustedProxies, err = clientip.ParseProxies(getenv("SLACK_MCP_TRUSTED_PROXIES")); err != nil {
		errs = append(errs, fmt.Errorf("SLACK_MCP_TRUSTED_PROXIES: %w (use CIDRs such as 10.0.0.0/8 or single addresses, comma separated)", err))
	}
	if v := getenv("SLACK_MCP_OAUTH_REGISTRATIONS_PER_HOUR"); v != "" {
		if n.RegistrationsPerHour, err = strconv.Atoi(v); err != nil || n.RegistrationsPerHour <= 0 {
			errs = append(errs, fmt.Errorf("SLACK_MCP_OAUTH_REGISTRATIONS_PER_HOUR %q: use a positive number", v))
		}
	}
	return errs
}

// health is the body of GET /health; the details (name and value) only
// when configured.
func (c *config) health(mode, name string, details func() any) func() any {
	return func() any {
		body := map[string]any{"status": "ok", "version": version.Version, "mode": mode}
		if c.Net.HealthDetails {
			body[name] = details()
		}
		return body
	}
}
