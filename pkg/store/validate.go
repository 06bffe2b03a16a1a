package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// What every backend refuses before it stores anything, in one place, so
// the SQL and memory backends reject exactly the same input.

// maxPendingMetadata is the documented limit on Pending.Metadata.
const maxPendingMetadata = 1024

var validClientKinds = map[string]bool{ClientDynamic: true, ClientMetadata: true, ClientStatic: true}

// CheckScopes refuses scopes that cannot be stored space-separated (the
// OAuth scope syntax): empty ones and ones containing white space.
func CheckScopes(scopes []string) error {
	for _, sc := range scopes {
		if sc == "" || strings.IndexFunc(sc, unicode.IsSpace) >= 0 {
			return fmt.Errorf("store: invalid scope %q: scopes are non-empty and contain no spaces", sc)
		}
	}
	return nil
}

// CheckPending checks what CreatePending requires.
func CheckPending(p Pending) error {
	if p.StateHash == "" || p.NonceHash == "" {
		return errors.New("store: pending authorization needs a state hash and a nonce hash")
	}
	if len(p.Metadata) > maxPendingMetadata {
		return fmt.Errorf("store: pending metadata is %d bytes, at most %d allowed", len(p.Metadata), maxPendingMetadata)
	}
	if p.ExpiresAt.IsZero() {
		return errors.New("store: pending authorization needs an expiry")
	}
	return CheckScopes(p.Scopes)
}

// CheckInstallation checks what UpsertInstallation requires.
func CheckInstallation(in Installation) error {
	if in.UserID == "" || (in.TeamID == "" && in.EnterpriseID == "") {
		return errors.New("store: installation needs a user ID and a team or enterprise ID")
	}
	return CheckScopes(in.Scopes)
}

// CheckPAT checks what CreatePAT requires.
func CheckPAT(p PAT) error {
	if p.Hash == "" {
		return errors.New("store: personal access token needs a hash")
	}
	return nil
}

// CheckAuditEvent checks what AppendAudit requires.
func CheckAuditEvent(e AuditEvent) error {
	if e.Event == "" {
		return errors.New("store: audit event needs a name")
	}
	return nil
}

// CheckClient checks what PutClient requires.
func CheckClient(c Client) error {
	if c.ID == "" {
		return errors.New("store: client needs an ID")
	}
	if !validClientKinds[c.Kind] {
		return fmt.Errorf("store: unknown client kind %q", c.Kind)
	}
	return nil
}

// CheckTxn checks what CreateTxn requires.
func CheckTxn(t AuthTxn) error {
	if t.IDHash == "" {
		return errors.New("store: authorization transaction needs an ID hash")
	}
	if t.ExpiresAt.IsZero() {
		return errors.New("store: authorization transaction needs an expiry")
	}
	return nil
}

// MaxTxnWorkspaces bounds the workspaces one authorization may pick.
const MaxTxnWorkspaces = 50

// CheckSlackState checks what SetTxnSlackState requires.
func CheckSlackState(slackStateHash string, workspaces []string) error {
	if slackStateHash == "" {
		return errors.New("store: empty Slack state hash")
	}
	if len(workspaces) > MaxTxnWorkspaces {
		return fmt.Errorf("store: more than %d workspaces in one authorization", MaxTxnWorkspaces)
	}
	for _, w := range workspaces {
		if w == "" || strings.ContainsAny(w, " \t\n") {
			return fmt.Errorf("store: malformed installation ID %q", w)
		}
	}
	return nil
}

// CheckCode checks what CreateCode requires.
func CheckCode(c AuthCode) error {
	if c.Hash == "" {
		return errors.New("store: authorization code needs a hash")
	}
	if c.ExpiresAt.IsZero() {
		return errors.New("store: authorization code needs an expiry")
	}
	return nil
}

// CheckToken checks what CreateToken requires.
func CheckToken(t Token) error {
	if t.Hash == "" || t.FamilyID == "" {
		return errors.New("store: token needs a hash and a family ID")
	}
	if t.Kind != TokenAccess && t.Kind != TokenRefresh {
		return fmt.Errorf("store: unknown token kind %q", t.Kind)
	}
	if t.ExpiresAt.IsZero() {
		return errors.New("store: token needs an expiry")
	}
	return nil
}

// CheckBrowserSession checks what CreateBrowserSession requires.
func CheckBrowserSession(hash string, expiresAt time.Time) error {
	if hash == "" {
		return errors.New("store: browser session needs a hash")
	}
	if expiresAt.IsZero() {
		return errors.New("store: browser session needs an expiry")
	}
	return nil
}

// CheckConsent checks what PutConsent requires.
func CheckConsent(c Consent) error {
	if c.ClientID == "" {
		return errors.New("store: consent needs a client ID")
	}
	return nil
}

// CheckIssued checks a token a redemption or rotation issues (op names
// the operation in the error): a valid token that keeps the family,
// installation and client of from.
func CheckIssued(op string, from, t Token) error {
	if err := CheckToken(t); err != nil {
		return err
	}
	if t.FamilyID != from.FamilyID || t.InstallationID != from.InstallationID || t.ClientID != from.ClientID {
		return fmt.Errorf("store: %s: an issued token must keep the family, installation and client it comes from", op)
	}
	return nil
}

// NewInstallationID returns a new installation ID: "inst_" + 16 random
// bytes in hex.
func NewInstallationID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: generating installation ID: %w", err)
	}
	return "inst_" + hex.EncodeToString(b[:]), nil
}

// CheckEndedSession validates the hash of an ended MCP session's ID.
func CheckEndedSession(idHash string) error {
	if idHash == "" {
		return errors.New("store: ended session needs an ID hash")
	}
	return nil
}
