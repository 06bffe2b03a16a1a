// Command slack-mcp-server serves Slack to MCP clients over stdio, SSE or
// Streamable HTTP. It is the only place that reads flags and environment.
package main
