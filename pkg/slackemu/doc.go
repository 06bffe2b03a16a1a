// Package slackemu emulates the Slack Web API over HTTP, for tests and for
// the --demo sandbox.
//
// It owns an in-memory workspace model (Workspace, built with AddUser,
// AddChannel, AddMessage, ... or by Generate and Sandbox) and a Server
// that serves it at /api/<method> the way slack.com does, so the real
// slack-go client, pointed at it with
//
//	slack.New(token, slack.OptionAPIURL(srv.URL+"/api/"))
//
// exercises real encoding and decoding. The server reproduces what our
// code depends on: Slack's envelopes and error codes (not_authed,
// invalid_auth, missing_scope with needed/provided, channel_not_found,
// not_in_channel, ...), token kinds (xoxp, xoxb, xoxc + d cookie), scope
// headers, base64 "kind:value" cursors, the limit defaults and maxima of
// each method, visibility (private conversations only for members), the
// search.messages query language, file downloads behind a Bearer token,
// per-method call counters, tiered rate limits with 429 + Retry-After,
// Slack's limits for non-Marketplace apps (Options.NonMarketplace),
// org-wide (Enterprise Grid) tokens that must name a workspace with
// team_id (org.go) and injected failures (FailNext, FailNextWith).
//
// It also plays Slack's side of OAuth v2 for apps registered with
// Workspace.AddOAuthApp: the authorize pages (/oauth/v2/authorize and
// /oauth/v2_user/authorize, answered by a consent page with Allow and
// Cancel buttons, or at once per Server.SetConsent), single-use codes that
// live 10 minutes, oauth.v2.access and oauth.v2.user.access with their
// documented errors, token rotation (expiring tokens, refresh tokens that
// work once) and Enterprise Grid org-wide installs. Issued tokens are
// ordinary workspace tokens; auth.revoke makes one answer token_revoked.
//
// Search date modifiers (after:, before:, on:, during:) are read in the
// searching user's time zone (users.info tz). Posted text is stored with
// Slack's HTML escaping (&amp;, &lt;, &gt;) outside markup.
//
// A Hub serves several workspaces behind one URL, as slack.com does: API
// calls go to the workspace that issued their token or code, the
// authorize page to the workspace the person picks.
//
// The package imports nothing else of this module.
package slackemu
