package version

// Version is the release version; "dev" for local builds.
var Version = "dev"

// Name is the server name announced to MCP clients.
const Name = "slack-mcp-server"
