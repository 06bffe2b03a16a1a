// Package server builds the MCP server from the tool catalog: it selects the
// enabled tools, wraps every handler in one middleware chain (draining,
// recovery, logging, error mapping) and registers the directory resources.
// It knows nothing about transports or how Slack sessions are obtained.
package server
