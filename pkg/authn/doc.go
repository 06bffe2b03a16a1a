// Package authn guards the HTTP transports (SSE and Streamable HTTP) in
// multi-user mode: it reads "Authorization: Bearer <token>", asks an
// Authenticator who the token belongs to, and puts that caller in the
// request context (tenant.With). Everything else answers with a JSON
// error and an RFC 6750 challenge:
//
//   - no Bearer credentials (no header, another scheme, an empty token):
//     401, code UNAUTHORIZED, `WWW-Authenticate: Bearer realm="..."`;
//   - a malformed, oversized (> MaxTokenBytes), unknown or expired token:
//     401, code INVALID_TOKEN, plus `error="invalid_token"`;
//   - a revoked token: 401, code TOKEN_REVOKED, plus `error="invalid_token"`;
//   - a token in the query string (?access_token=): 400, code
//     INVALID_REQUEST; it is never logged;
//   - the Authenticator could not decide (Slack unreachable, a store
//     outage): 503, code UNAVAILABLE, with Retry-After.
//
// With Options.ResourceMetadataURL and Options.Scope set, every challenge
// carries resource_metadata (RFC 9728) and scope, which is how MCP clients
// discover where and what to authorize:
//
//	WWW-Authenticate: Bearer realm="...", resource_metadata="https://host/.well-known/oauth-protected-resource/mcp", scope="slack:read", error="invalid_token", error_description="..."
//
// An Authenticator may replace the generic sentence of a refusal with a
// more useful fixed one (Refusal).
//
// Scope step-up: with Options.Tool set, a caller whose grant is restricted
// (tenant.Caller.Scopes not nil, that is an OAuth access token we issued)
// and lacks tenant.ScopeWrite has its POST bodies peeked (at most
// MaxPeekBytes, then restored): a JSON-RPC tools/call, alone or in a batch,
// of a tool that is not read-only is answered 403, code
// INSUFFICIENT_SCOPE, with
//
//	WWW-Authenticate: Bearer realm="...", resource_metadata="...", scope="slack:read slack:write", error="insufficient_scope", error_description="..."
//
// and the JSON body naming the scope, so the client authorizes again with
// the larger scope. Callers with nil Scopes (Slack tokens, personal access
// tokens) are never peeked at. Write implies read.
//
// Rejections are logged at info with the reason and the token fingerprint
// (12 hex digits of its SHA-256), never the token.
//
// Fresh validations are limited per client address: a token the
// Authenticator does not know yet (Validated) costs a Slack call, so with
// Options.ValidationRate set each address (clientip) may present only so
// many; beyond that: 429, code RATE_LIMITED, with Retry-After. Known tokens
// and cached refusals are never limited.
//
// Import direction: authn imports only the leaf packages pkg/tenant and
// pkg/clientip of ours; the provider (which implements Authenticator) and
// cmd/ import authn.
package authn
