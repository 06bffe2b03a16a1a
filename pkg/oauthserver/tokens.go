package oauthserver

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
)

const (
	randomBytes = 32
	randomLen   = 43 // base64.RawURLEncoding.EncodedLen(32)
)

var errMalformed = errors.New("oauthserver: malformed value")

// newRandom returns 256 random bits, base64url without padding.
func newRandom() string {
	b := make([]byte, randomBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkRandom accepts exactly a value newRandom could have produced.
func checkRandom(s string) error {
	if len(s) != randomLen {
		return errMalformed
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != randomBytes {
		return errMalformed
	}
	return nil
}

// sha256Hex is what the store keeps of transaction ids, CSRF tokens,
// nonces, codes, browser sessions and client secrets.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// tokenHash is what the store keeps of access and refresh tokens:
// HMAC-SHA256 under the token key, so a database dump alone cannot even
// confirm a guessed token.
func (s *Server) tokenHash(token string) string {
	m := hmac.New(sha256.New, s.o.TokenKey)
	m.Write([]byte(token))
	return hex.EncodeToString(m.Sum(nil))
}

// parseToken checks the shape of one of our tokens (prefix + 43
// base64url characters) and returns its hash.
func (s *Server) parseToken(token, prefix string) (string, error) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok {
		return "", errMalformed
	}
	if err := checkRandom(rest); err != nil {
		return "", err
	}
	return s.tokenHash(token), nil
}

// fp is the fingerprint of a hash for logs and audit: 8 hex digits.
func fp(hash string) string {
	if len(hash) < 8 {
		return hash
	}
	return hash[:8]
}

// parseScope parses a space-separated MCP scope string, refusing unknown
// scopes; "" means slack:read. slack:write implies slack:read. The result
// is sorted and deduplicated.
func parseScope(raw string) ([]string, bool) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return []string{ScopeRead}, true
	}
	if raw != strings.Join(fields, " ") && strings.ContainsAny(raw, "\t\r\n") {
		return nil, false
	}
	out := []string{ScopeRead}
	for _, f := range fields {
		switch f {
		case ScopeRead:
		case ScopeWrite:
			out = append(out, ScopeWrite)
		default:
			return nil, false
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// joinScope is the stored and answered form of a scope set.
func joinScope(scopes []string) string { return strings.Join(scopes, " ") }

// splitScope reads a stored scope string.
func splitScope(s string) []string { return strings.Fields(s) }

// covers reports whether have contains every element of want.
func covers(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
