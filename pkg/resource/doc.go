// Package resource describes this server as an OAuth 2.0 protected
// resource (RFC 9728), so MCP clients can discover how to get a token for
// it without any configuration beyond the server's URL.
//
// Routes serves the Protected Resource Metadata document at the root
// well-known URL and at the path-aware form of every MCP endpoint:
//
//	/.well-known/oauth-protected-resource      resource = PublicURL
//	/.well-known/oauth-protected-resource/mcp  resource = PublicURL + "/mcp"
//	/.well-known/oauth-protected-resource/sse  resource = PublicURL + "/sse"
//
// Clients (the TypeScript SDK among them) try the path-aware URL first and
// fall back to the root only on a 4xx, so both answer 200 with JSON and
// neither ever redirects. The authorization server is this server itself
// (PublicURL). The documents carry permissive CORS headers because
// browser-based clients such as MCP Inspector fetch them cross-origin.
//
// MetadataURL is the URL the Bearer middleware (pkg/authn) announces as
// resource_metadata in its 401 and 403 challenges; Identifiers lists the
// resource URIs tokens may be bound to (RFC 8707), for the authorization
// server and the token check of pkg/provider.
//
// Import direction: resource imports only pkg/tenant of ours (for the
// scope names); cmd/, pkg/provider and pkg/oauthserver may import it.
package resource
