package slackoauth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Random values are 32 bytes from crypto/rand, base64url without padding.
const (
	randomBytes = 32
	randomLen   = 43 // base64.RawURLEncoding.EncodedLen(32)
)

var errMalformed = errors.New("slackoauth: malformed value")

// newRandom returns 256 random bits, base64url-encoded.
func newRandom() string {
	b := make([]byte, randomBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newPAT returns a fresh personal access token.
func newPAT() string { return tenant.PATPrefix + newRandom() }

// hashHex is the SHA-256 of s in hex; what the store keeps of states,
// nonces and personal access tokens.
func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// parseRandom accepts exactly a value newRandom could have produced.
func parseRandom(s string) error {
	if len(s) != randomLen {
		return errMalformed
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return errMalformed
		}
	}
	// The last character carries 2 padding bits that must be zero
	// (canonical encoding), so every state has exactly one spelling.
	if b, err := base64.RawURLEncoding.Strict().DecodeString(s); err != nil || len(b) != randomBytes {
		return errMalformed
	}
	return nil
}

// parseState validates an OAuth state from the callback query and returns
// the hash the store is keyed by.
func parseState(s string) (string, error) {
	if err := parseRandom(s); err != nil {
		return "", err
	}
	return hashHex(s), nil
}

// parsePAT validates a personal access token's shape and returns its hash.
func parsePAT(token string) (string, error) {
	rest, ok := strings.CutPrefix(token, tenant.PATPrefix)
	if !ok {
		return "", errMalformed
	}
	if err := parseRandom(rest); err != nil {
		return "", err
	}
	return tenant.KeyOf(token), nil // the key pkg/caller and the caches use too
}
