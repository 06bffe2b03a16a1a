// Package version holds the build version, stamped at link time with
//
//	go build -ldflags "-X github.com/slack-mcp-server/slack-mcp-server/pkg/version.Version=v1.2.3"
package version

// Version is the release version; "dev" for local builds.
var Version = "dev"

// Name is the server name announced to MCP clients.
const Name = "slack-mcp-server"
