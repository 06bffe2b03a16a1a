// Package caller decides who is calling: it turns the Bearer value of a
// request into what it stands for. Three kinds are accepted:
//
//   - a personal access token from the browser flow (tenant.PATPrefix),
//     looked up through PATResolver (pkg/slackoauth);
//   - an access token of our MCP authorization server
//     (tenant.AccessTokenPrefix), looked up through AccessTokenResolver
//     (pkg/oauthserver), checked against the resource it was issued for;
//   - a Slack token sent directly, only when Options.AcceptSlackTokens is
//     set (the MCP specification forbids token passthrough otherwise).
//
// Tokens we issued are looked up on every request (a store read, no
// Slack call), so a revocation on any replica bites at once. Refusals are
// remembered for Options.NegativeTTL so a refused token costs nothing
// until then. When Slack itself ends the grant behind a token we issued,
// Options.Revoked is told (Revoker revokes the installation).
//
// The Resolver makes no Slack call. The Validator (authn.Authenticator)
// checks what it resolved with one auth.test per ValidationTTL, shared by
// concurrent first uses, keeps the answers bounded and drops idle ones,
// telling pkg/provider (OnDrop), which hands out sessions built from them.
// An access token may reach several installations (AccessTokenWorkspaces):
// each is validated under a key of its own (KeyIn), so its session, caches
// and rate limits stay apart. Import direction:
// caller imports authn (its error vocabulary), resource, slackapi and
// tenant; slackoauth, oauthserver and provider import caller.
package caller
