// Package version holds the build version, stamped at link time with
//
//	go build -ldflags "-X github.com/slack-mcp-server/slack-mcp-server/pkg/version.Version=v1.2.3"
package version
