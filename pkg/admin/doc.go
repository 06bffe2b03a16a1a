// Package admin serves the operator's view under /api/admin: every
// installation across workspaces (filtered, disconnectable) and the audit
// log (filtered, exportable as JSON Lines). Operators are named by
// SLACK_MCP_ADMINS (Slack user IDs, optionally T…:U…), signed in with the
// browser session of the connect flow, or hold SLACK_MCP_ADMIN_TOKEN for
// scripts. Everyone else gets 403; tokens are never shown.
package admin
