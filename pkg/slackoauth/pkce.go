package slackoauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// Slack leg PKCE (RFC 7636, S256), on when Options.PKCE is set.
//
// Without it, a Slack authorization code is bound to nothing but our
// client credentials: anyone who gets hold of a code minted for one
// browser's flow (a leaked callback URL) can finish it in a flow of their
// own, started in their own browser, and receive the token we issue for
// the grant. With it, the code is bound to the challenge of the flow that
// asked for it, and Slack refuses the exchange in any other flow.
//
// The verifier is derived from the flow's state instead of stored: the
// state reaches the callback anyway (and is bound to the browser that
// started the flow by a cookie), both flows that reach Slack (ours and
// the MCP authorization server's) mint their state and finish through
// install, so neither store schema changes. An HMAC under the client
// secret keeps the verifier unguessable from the state, which travels in
// URLs.
//
// Slack documents the PKCE arguments of /oauth/v2/authorize and
// oauth.v2.access only for apps with PKCE enabled in their settings (an
// irreversible switch that marks the app a public client); what it does
// with them for other apps is not documented, so they are sent only when
// the operator says the app has PKCE enabled.

// pkceVerifier is the code_verifier of the flow with this state: 43
// base64url characters (256 bits).
func (s *Service) pkceVerifier(state string) string {
	m := hmac.New(sha256.New, []byte(s.o.ClientSecret))
	m.Write([]byte("slack-mcp-server slack pkce verifier\x00"))
	m.Write([]byte(state))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
