// Package e2e drives the whole server (transports, MCP server, tools,
// Slack layer) with real MCP clients against the Slack emulator.
package e2e
