package tenant

import (
	"crypto/sha256"
	"encoding/hex"
)

// KeyOf is the key of a bearer token everywhere it is cached or stored
// by hash: the hex SHA-256. The session caches (Caller.Key) and the store
// of personal access tokens both call it, so a key computed on one side
// always finds the other.
func KeyOf(bearer string) string {
	sum := sha256.Sum256([]byte(bearer))
	return hex.EncodeToString(sum[:])
}

// Fingerprint identifies a token in logs: the first 12 hex digits of
// KeyOf, enough to tell tokens apart, useless to an attacker.
func Fingerprint(bearer string) string { return KeyOf(bearer)[:12] }
