// Package transport serves the MCP server over stdio, SSE or Streamable
// HTTP, with /health, the API-key check, request limits and graceful
// shutdown. It owns no tool logic.
//
// Over HTTP, every request passes, outermost first: the client address
// (clientip.Middleware, X-Forwarded-For only from Options.TrustedProxies),
// the body limit, DNS-rebinding protection, the API key; the MCP endpoints
// then check Origin (the server's own, the allowed hosts and the listed
// origins get CORS), authentication (Options.Authenticate) and session
// ownership (an MCP session ID works only for the caller that opened it,
// on every method, and answers 404 once a DELETE ended it). Paths under
// Options.OpenPrefixes answer without the API key. The server cuts
// requests that take longer than Options.ReadTimeout to arrive; the long-lived streams are exempt.
package transport
