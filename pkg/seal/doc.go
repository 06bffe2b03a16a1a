// Package seal encrypts Slack tokens at rest with AES-256-GCM under a keyring
// whose keys carry IDs, so keys can be rotated without a flag day.
//
// A sealed value is text, safe for a TEXT column:
//
//	v1.<kid>.<base64url(nonce || ciphertext || tag)>
//
// with a random 96-bit nonce per Seal (crypto/rand) and no padding. The
// version and key ID are authenticated together with the caller's
// additional data (AAD), so neither can be edited without Open failing.
//
// # Keys
//
// The keyring comes from SLACK_MCP_ENCRYPTION_KEY (read by cmd/, passed to
// [ParseKeyring]). Generate a key with:
//
//	openssl rand -base64 32
//
// A single key gets the key ID "k1". To rotate, put a new key first and keep
// the old ones after it:
//
//	SLACK_MCP_ENCRYPTION_KEY="k2:<new base64 key>,k1:<old base64 key>"
//
// The first entry is the primary: [Keyring.Seal] always uses it. Key IDs
// are labels: [Keyring.Open] tries the key a value is labelled with first
// and then every other configured key, so "new:<key>,old:<key>" opens a
// store that a bare key sealed (labelled "k1") just as well. GCM
// authenticates, so trying a wrong key never yields plaintext.
// [Keyring.OpenStale] says when a value was opened by any key but the
// primary; callers re-seal such values as they use them, and the server's
// re-seal pass (slack-mcp-server --reseal, also run at start in OAuth mode)
// re-seals all of them. Remove an old key once that pass reports nothing
// left under it.
//
// # Additional data
//
// Callers pass the row identity as AAD (for a Slack token, something like
// "access|<enterprise>|<team>|<user>"), so a ciphertext copied into another
// row, or from the access-token column to the refresh-token column, does not
// open. Use data known before the row exists (the Slack identity, not a
// database-generated ID).
//
// Error messages never contain key material or plaintext; Open names at
// most the key ID of the value it was given.
package seal
