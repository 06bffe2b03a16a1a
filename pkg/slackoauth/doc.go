// Package slackoauth owns OAuth mode's browser side: the Slack OAuth v2
// user-token flow (/oauth/authorize, /oauth/callback), disconnecting
// (/oauth/revoke), and the personal access tokens ("smcp_…") that flow
// issues, which ResolvePAT turns back into the installation's Slack
// credentials, refreshing rotating Slack tokens before they expire.
//
// The MCP authorization server (pkg/oauthserver) shares /oauth/callback:
// it mounts Callback there, which offers it a well-formed state that is
// not one of our pending authorizations, with an ExchangeFunc that runs the same code
// exchange, scope check, sealing, upsert and audit as the browser flow but
// issues no personal access token. AuthorizeURL, SlackURL and
// CredentialsFor serve that server too.
//
// Security defaults, each with a test: the Slack state is 256 random bits
// stored only as a hash, consumed once and bound to the browser that
// started the flow by an HttpOnly cookie; return URLs are relative paths or
// allow-listed origins; Slack tokens are sealed with the installation
// identity as AAD and never appear in a page, URL, log or response;
// personal access tokens are stored as SHA-256 hashes; every /oauth/*
// route is rate-limited per client IP and body-limited. With
// Options.PKCE the Slack code is bound to its flow by PKCE (pkce.go).
//
// A grant Slack ended (refresh refused, or RevokeRefused when the provider
// saw token_revoked, invalid_auth or account_inactive) revokes the
// installation and everything built on it, so the next authorization goes
// through Slack.
//
// Import direction: slackoauth uses pkg/store, pkg/seal, pkg/authn (error
// sentinels), pkg/caller (the interfaces it implements) and pkg/slackapi
// (credential type); cmd wires it, and pkg/caller asks it about personal
// access tokens (caller.PATResolver, caller.Installations).
package slackoauth
