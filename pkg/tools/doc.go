// Package tools declares every MCP tool of the server, one file per toolset,
// and lists them in Catalog. Handlers get the caller's Slack session from
// Deps.Slack and never know which auth mode produced it. A caller who
// reaches several workspaces names one with the workspace argument (the
// server resolves it, InWorkspace, before the handler runs); listings and
// searches without it cover every workspace (listingWorkspaces, merge.go).
package tools
