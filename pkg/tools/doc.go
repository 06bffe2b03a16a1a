// Package tools declares every MCP tool of the server, one file per toolset,
// and lists them in Catalog. Handlers get the caller's Slack session from
// Deps.Slack and never know which auth mode produced it.
package tools
