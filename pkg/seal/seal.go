package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

const (
	// KeySize is the length in bytes of every key: AES-256.
	KeySize = 32
	// DefaultKeyID is the key ID of a keyring given as one bare key.
	DefaultKeyID = "k1"

	version      = "v1"
	nonceSize    = 12 // 96 bits, the GCM standard nonce
	maxKeyIDLen  = 32
	maxSealedLen = 64 << 10 // refuse to decode anything larger
)

// Errors Open returns; match them with errors.Is.
var (
	// ErrMalformed: the value is not a sealed value of a known version.
	ErrMalformed = errors.New("seal: malformed sealed value")
	// ErrUnknownKey: the value names a key ID that is not in the keyring.
	ErrUnknownKey = errors.New("seal: sealed under a key that is not in the keyring")
	// ErrDecrypt: authentication failed (wrong key, wrong AAD or tampering).
	ErrDecrypt = errors.New("seal: cannot open sealed value (wrong key, wrong additional data, or tampered)")
)

// Keyring holds AES-256-GCM keys by ID. The first key is the primary one,
// used to seal; all keys can open. A Keyring is immutable and safe for
// concurrent use. The decoded key bytes are wiped once the ciphers exist.
type Keyring struct {
	primary string
	ids     []string // in configuration order, primary first
	aeads   map[string]cipher.AEAD
}

// ParseKeyring parses SLACK_MCP_ENCRYPTION_KEY: either one base64 key of 32
// bytes (standard or URL alphabet, padded or not), which gets key ID "k1",
// or a comma-separated list "kid:base64key,kid2:base64key" whose first entry
// is the primary. Key IDs are 1-32 characters of [A-Za-z0-9_-]. Surrounding
// spaces are ignored. Errors name the entry and the problem, never the key.
func ParseKeyring(s string) (*Keyring, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("seal: encryption key is empty; generate one with: openssl rand -base64 32")
	}
	k := &Keyring{aeads: make(map[string]cipher.AEAD)}
	// Neither base64 alphabet contains ':' or ',', so either marks a list.
	if !strings.ContainsAny(s, ":,") {
		if err := k.add(DefaultKeyID, s, "encryption key"); err != nil {
			return nil, err
		}
		return k, nil
	}
	for i, entry := range strings.Split(s, ",") {
		where := fmt.Sprintf("encryption key entry %d", i+1)
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("seal: %s is empty (stray comma?)", where)
		}
		kid, key, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("seal: %s has no key ID; write it as kid:base64key", where)
		}
		kid, key = strings.TrimSpace(kid), strings.TrimSpace(key)
		if err := checkKeyID(kid); err != nil {
			return nil, fmt.Errorf("seal: %s: %w", where, err)
		}
		if _, dup := k.aeads[kid]; dup {
			return nil, fmt.Errorf("seal: %s: duplicate key ID %q", where, kid)
		}
		if err := k.add(kid, key, fmt.Sprintf("%s (key ID %q)", where, kid)); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *Keyring) add(kid, b64, where string) error {
	key, err := decodeKey(b64)
	if err != nil {
		return fmt.Errorf("seal: %s: %w", where, err)
	}
	block, err := aes.NewCipher(key)
	clear(key)
	if err != nil {
		return fmt.Errorf("seal: %s: %w", where, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("seal: %s: %w", where, err)
	}
	if k.primary == "" {
		k.primary = kid
	}
	k.ids = append(k.ids, kid)
	k.aeads[kid] = aead
	return nil
}

// decodeKey accepts any of the four base64 variants and requires 32 bytes.
// Its errors never include the input.
func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("key is empty; generate one with: openssl rand -base64 32")
	}
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if !strings.HasSuffix(s, "=") {
		enc = enc.WithPadding(base64.NoPadding)
	}
	key, err := enc.Strict().DecodeString(s)
	if err != nil {
		// Not %w: a CorruptInputError is harmless, but keep the message
		// ours and free of any part of the input.
		return nil, errors.New("key is not valid base64; generate one with: openssl rand -base64 32")
	}
	if len(key) != KeySize {
		n := len(key)
		clear(key)
		return nil, fmt.Errorf("key decodes to %d bytes, want %d (AES-256); generate one with: openssl rand -base64 32", n, KeySize)
	}
	return key, nil
}

func checkKeyID(kid string) error {
	if kid == "" {
		return errors.New("key ID is empty")
	}
	if len(kid) > maxKeyIDLen {
		return fmt.Errorf("key ID is %d characters, at most %d allowed", len(kid), maxKeyIDLen)
	}
	for i := 0; i < len(kid); i++ {
		if !isKeyIDByte(kid[i]) {
			return errors.New("key ID may contain only letters, digits, '-' and '_'")
		}
	}
	return nil
}

func isKeyIDByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// PrimaryID returns the ID of the key Seal uses.
func (k *Keyring) PrimaryID() string { return k.primary }

// String describes the keyring by key IDs only, so printing or logging a
// Keyring never reveals key material.
func (k *Keyring) String() string {
	return fmt.Sprintf("seal.Keyring{primary: %s, keys: %s}", k.primary, strings.Join(k.ids, ","))
}

// GoString is String, for %#v.
func (k *Keyring) GoString() string { return k.String() }

// Seal encrypts plaintext under the primary key, binding aad, and returns
// "v1.<kid>.<base64url(nonce||ciphertext)>".
func (k *Keyring) Seal(plaintext, aad []byte) (string, error) {
	aead := k.aeads[k.primary]
	if aead == nil {
		return "", errors.New("seal: keyring has no keys")
	}
	buf := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("seal: reading random nonce: %w", err)
	}
	buf = aead.Seal(buf, buf[:nonceSize], plaintext, additionalData(k.primary, aad))
	return version + "." + k.primary + "." + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open decrypts a value produced by Seal with the same aad. It returns
// ErrMalformed, ErrUnknownKey or ErrDecrypt (wrapped) on failure.
//
// The key named by the value's key ID is tried first; when it is missing
// or does not open the value, every other key of the keyring is tried, so
// key IDs are labels, not a contract: a store sealed with a bare key
// (labelled DefaultKeyID) still opens after the keyring is rewritten as
// "new:<key>,old:<key>". GCM authenticates, so a wrong key never yields
// plaintext; the label stays bound through the additional data.
func (k *Keyring) Open(sealed string, aad []byte) ([]byte, error) {
	plain, _, err := k.OpenStale(sealed, aad)
	return plain, err
}

// OpenStale is Open that also reports whether the value should be sealed
// again: it was opened by a key other than the primary, or carries another
// label. Callers re-seal such values as they use them.
func (k *Keyring) OpenStale(sealed string, aad []byte) (plain []byte, stale bool, err error) {
	kid, body, err := parse(sealed)
	if err != nil {
		return nil, false, err
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil || len(raw) < nonceSize+16 { // 16: the GCM tag
		return nil, false, ErrMalformed
	}
	ad := additionalData(kid, aad)
	try := func(id string) []byte {
		aead := k.aeads[id]
		if aead == nil {
			return nil
		}
		out, err := aead.Open(nil, raw[:nonceSize], raw[nonceSize:], ad)
		if err != nil {
			return nil
		}
		if out == nil {
			out = []byte{}
		}
		return out
	}
	if plain = try(kid); plain != nil {
		return plain, kid != k.primary, nil
	}
	for _, id := range k.ids {
		if id == kid {
			continue
		}
		if plain = try(id); plain != nil {
			return plain, true, nil
		}
	}
	if k.aeads[kid] == nil {
		return nil, false, fmt.Errorf("%w (key ID %q; configured: %s)", ErrUnknownKey, kid, strings.Join(k.ids, ", "))
	}
	return nil, false, ErrDecrypt
}

// KeyID returns the key ID a sealed value is labelled with; false when the
// value is malformed.
func KeyID(sealed string) (string, bool) {
	kid, _, err := parse(sealed)
	return kid, err == nil
}

// IDs returns the configured key IDs, primary first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.ids...) }

// NeedsReseal reports whether sealed is a well-formed value labelled with
// a key ID other than the primary's, so it should be opened and sealed
// again. It reads the label only: OpenStale also catches a value under the
// primary's label that only another key opens. It is false for malformed
// values and for values labelled with the primary key.
func (k *Keyring) NeedsReseal(sealed string) bool {
	kid, _, err := parse(sealed)
	return err == nil && kid != k.primary
}

// parse splits "v1.<kid>.<body>" and validates the version and key ID.
func parse(sealed string) (kid, body string, err error) {
	if len(sealed) > maxSealedLen {
		return "", "", ErrMalformed
	}
	v, rest, ok := strings.Cut(sealed, ".")
	if !ok || v != version {
		return "", "", ErrMalformed
	}
	kid, body, ok = strings.Cut(rest, ".")
	if !ok || checkKeyID(kid) != nil || body == "" {
		return "", "", ErrMalformed
	}
	return kid, body, nil
}

// additionalData authenticates the header with the caller's AAD. The key ID
// never contains '.', so the prefix is unambiguous.
func additionalData(kid string, aad []byte) []byte {
	out := make([]byte, 0, len(version)+len(kid)+2+len(aad))
	out = append(out, version...)
	out = append(out, '.')
	out = append(out, kid...)
	out = append(out, '.')
	return append(out, aad...)
}
