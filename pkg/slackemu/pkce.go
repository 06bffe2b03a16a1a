package slackemu

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
)

// PKCE on the emulator's OAuth v2 flow, as Slack documents it
// (docs.slack.dev/authentication/using-pkce): an app with PKCE enabled
// (OAuthApp.PKCE) may send code_challenge and code_challenge_method to
// the authorize page, optional for web redirects; a code minted with a
// challenge is exchanged only with the code_verifier that hashes to it.
//
// What Slack does not document, and what the emulator assumes:
//   - an app without PKCE enabled that sends a challenge is refused with
//     an error page (Slack says the arguments may be used "once the PKCE
//     setting is enabled"), so a server that sends PKCE to an app that
//     was not switched over fails loudly in tests instead of silently;
//   - only S256 is accepted (plain protects nothing);
//   - a wrong or missing verifier answers invalid_code_verifier, and the
//     code is spent either way (RFC 7636 section 4.6).

// pkceChallenge reads the challenge of an authorize request for app. A
// non-empty message means the request is refused.
func pkceChallenge(app OAuthApp, q url.Values) (challenge, msg string) {
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && method == "":
		return "", ""
	case !app.PKCE:
		return "", "invalid_request: PKCE is not enabled for this app (code_challenge sent)."
	case method != "S256":
		return "", "invalid_request: code_challenge_method must be S256."
	case len(challenge) != 43 || !isBase64URL(challenge):
		return "", "invalid_request: code_challenge must be the base64url SHA-256 of the code_verifier."
	}
	return challenge, ""
}

// checkVerifier checks the code_verifier of an exchange against the
// code's challenge; a code minted without one needs none.
func (ac *authCode) checkVerifier(verifier string) error {
	if ac.challenge == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	if verifier == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ac.challenge)) != 1 {
		return fail("invalid_code_verifier")
	}
	return nil
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
