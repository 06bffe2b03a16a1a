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
// Rejections are logged at info with the reason and the token fingerprint
// (12 hex digits of its SHA-256), never the token.
//
// Import direction: authn imports only pkg/tenant of ours; the provider
// (which implements Authenticator) and cmd/ import authn.
package authn
