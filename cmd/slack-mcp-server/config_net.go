package main

import "github.com/slack-mcp-server/slack-mcp-server/pkg/version"

// netConfig is how the HTTP front door treats the network: who the client
// is behind proxies, how long a request may take to arrive, and what the
// unauthenticated /health tells.
type netConfig struct {
	// HealthDetails adds cache and tenant counts to /health
	// (SLACK_MCP_HEALTH_DETAILS); off, /health says only status, version
	// and mode, since it answers anyone.
	HealthDetails bool
}

func (c *config) parseNet(getenv func(string) string) []error {
	n := &c.Net
	n.HealthDetails = envBool(getenv("SLACK_MCP_HEALTH_DETAILS"))
	return nil
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
