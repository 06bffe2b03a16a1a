// Package oauthserver is the MCP authorization server (OAuth 2.1): RFC 8414
// metadata, dynamic client registration (RFC 7591), Client ID Metadata
// Documents, /authorize with our consent page, /oauth/callback (mounted
// here: pkg/slackoauth's Callback finishes the Slack leg and hands our
// transactions back to HandleSlackCallback), /token (authorization code with
// PKCE S256 and RFC 8707 resource, refresh rotation with reuse detection),
// /revoke (RFC 7009), and ResolveAccessToken for the resource server.
//
// Origin = Options.PublicURL is both issuer and resource. Clients hold
// only opaque "mcp_at_"/"mcp_rt_" tokens we issue; the Slack token stays
// sealed in the installation row and is opened per request through
// slackoauth.
//
// Security defaults, each with a test: unknown clients and unregistered
// redirect URIs get an error page, never a redirect; PKCE S256 is required;
// the Slack state is minted only after consent (confused deputy); the
// consent form is CSRF-protected, bound to the browser by a cookie and not
// frameable; codes are single use and a replay revokes what they issued;
// refresh tokens rotate and a reuse revokes the family; tokens, codes,
// client secrets, transaction ids and CSRF tokens are stored only as hashes
// and logged only as fingerprints; CIMD fetches refuse private addresses
// at dial time; every endpoint is rate-limited per client IP.
//
// Import direction: oauthserver calls down to pkg/slackoauth (the Slack
// leg and credentials), never the other way round, and uses pkg/store,
// pkg/caller (the Grant it resolves access tokens to) and pkg/authn (error
// sentinels only); cmd wires it.
package oauthserver
