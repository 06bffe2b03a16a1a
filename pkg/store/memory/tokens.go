package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Codes, tokens and their families. A redemption or rotation, the issue
// callback and the tokens it returns are one step under the lock, and a
// revoked family is recorded, so reuse revokes everything the family ever
// gets, whatever the interleaving of callers.

// CreateCode implements store.AuthServer: ErrNotFound when the
// installation is unknown or revoked, ErrAlreadyExists when the hash is
// taken. A zero CreatedAt becomes now; UsedAt is ignored.
func (m *Memory) CreateCode(ctx context.Context, c store.AuthCode) error {
	if err := store.CheckCode(c); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		if !d.alive(c.InstallationID) {
			return store.ErrNotFound
		}
		if _, ok := d.codes[c.Hash]; ok {
			return store.ErrAlreadyExists
		}
		c.CreatedAt, c.ExpiresAt, c.UsedAt = ms(c.CreatedAt), ms(c.ExpiresAt), time.Time{}
		d.codes[c.Hash] = c
		return nil
	})
}

// RedeemCode implements store.AuthServer as SQLite does: ErrNotFound when
// the code is unknown, expired at now (used or not) or its installation
// revoked; a used code is a replay that revokes its family and comes back
// with ErrAlreadyExists. Otherwise the code is marked used, issue runs
// (under the lock) and its tokens are stored, all or none; when issue
// fails the code stays used, when its tokens are refused the code is left
// unused, as a rolled-back transaction leaves it.
func (m *Memory) RedeemCode(ctx context.Context, hash string, now time.Time, issue func(store.AuthCode) ([]store.Token, error)) (out store.AuthCode, err error) {
	now = ms(now)
	err = m.tx(ctx, func(d *db) error {
		c, ok := d.codes[hash]
		if !ok || !now.Before(c.ExpiresAt) || !d.alive(c.InstallationID) {
			return store.ErrNotFound
		}
		if !c.UsedAt.IsZero() {
			d.revokeFamily(c.Hash, now)
			out = c
			return store.ErrAlreadyExists
		}
		c.UsedAt = now
		var toks []store.Token
		if issue != nil {
			var err error
			if toks, err = issue(c); err != nil {
				d.codes[hash], out = c, c // single use, whatever happens
				return err
			}
		}
		from := store.Token{FamilyID: c.Hash, InstallationID: c.InstallationID, ClientID: c.ClientID}
		if err := d.insertIssued("redeem code", from, toks, m.now); err != nil {
			return err
		}
		d.codes[hash], out = c, c
		return nil
	})
	return out, err
}

// CreateToken implements store.AuthServer: ErrNotFound when the
// installation is unknown or revoked or the family is revoked,
// ErrAlreadyExists when the hash is taken. A zero CreatedAt becomes now;
// RevokedAt and RotatedAt are stored as given.
func (m *Memory) CreateToken(ctx context.Context, t store.Token) error {
	if err := store.CheckToken(t); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		if !d.grantable(t.InstallationID, t.FamilyID) {
			return store.ErrNotFound
		}
		if _, ok := d.tokens[t.Hash]; ok {
			return store.ErrAlreadyExists
		}
		d.tokens[t.Hash] = msToken(t)
		return nil
	})
}

func msToken(t store.Token) store.Token {
	t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.RotatedAt = ms(t.CreatedAt), ms(t.ExpiresAt), ms(t.RevokedAt), ms(t.RotatedAt)
	return t
}

// grantable reports whether a token of familyID may exist on the
// installation: it is active and the family not revoked.
func (d *db) grantable(installationID, familyID string) bool {
	_, revoked := d.families[familyID]
	return !revoked && d.alive(installationID)
}

// GetToken implements store.AuthServer: a token not revoked, not rotated,
// not expired at now, not of a revoked family, whose installation is
// active; ErrNotFound otherwise.
func (m *Memory) GetToken(ctx context.Context, hash string, now time.Time) (t store.Token, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.tokens[hash]
		if !ok || !stored.RevokedAt.IsZero() || !stored.RotatedAt.IsZero() || !ms(now).Before(stored.ExpiresAt) ||
			!d.grantable(stored.InstallationID, stored.FamilyID) {
			return store.ErrNotFound
		}
		t = stored
		return nil
	})
	return t, err
}

// RotateRefresh implements store.AuthServer as SQLite does: ErrNotFound
// when the token is unknown, an access token, revoked, expired at now, of
// a revoked family or its installation revoked; a rotated token is reuse
// that revokes its family and comes back with ErrAlreadyExists. Otherwise
// issue runs (under the lock) on the token marked rotated, and the token
// is marked and the new ones stored together; when issue fails or its
// tokens are refused nothing changes.
func (m *Memory) RotateRefresh(ctx context.Context, hash string, now time.Time, issue func(store.Token) ([]store.Token, error)) (out store.Token, err error) {
	now = ms(now)
	err = m.tx(ctx, func(d *db) error {
		t, ok := d.tokens[hash]
		if !ok || t.Kind != store.TokenRefresh || !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) ||
			!d.grantable(t.InstallationID, t.FamilyID) {
			return store.ErrNotFound
		}
		if !t.RotatedAt.IsZero() {
			d.revokeFamily(t.FamilyID, now)
			out = t
			return store.ErrAlreadyExists
		}
		t.RotatedAt = now
		var toks []store.Token
		if issue != nil {
			var err error
			if toks, err = issue(t); err != nil {
				return err
			}
		}
		if err := d.insertIssued("rotate refresh token", t, toks, m.now); err != nil {
			return err
		}
		d.tokens[hash], out = t, t
		return nil
	})
	return out, err
}

// RevokeToken implements store.AuthServer: one token; revoking again keeps
// the first revocation time.
func (m *Memory) RevokeToken(ctx context.Context, hash string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		t, ok := d.tokens[hash]
		if !ok {
			return store.ErrNotFound
		}
		t.RevokedAt = first(t.RevokedAt, at)
		d.tokens[hash] = t
		return nil
	})
}

// RevokeFamily implements store.AuthServer: the family is recorded as
// revoked even when no token has it (then ErrNotFound), so a token issued
// in it later is refused.
func (m *Memory) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		if d.revokeFamily(familyID, at) == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

// revokeFamily records the family as revoked (keeping the first time) and
// revokes each of its tokens (each keeping its first time); it returns
// how many tokens the family has.
func (d *db) revokeFamily(familyID string, at time.Time) int {
	d.families[familyID] = first(d.families[familyID], at)
	n := 0
	for h, t := range d.tokens {
		if t.FamilyID == familyID {
			n++
			t.RevokedAt = first(t.RevokedAt, at)
			d.tokens[h] = t
		}
	}
	return n
}

// insertIssued stores the tokens a redemption or rotation (op) issues,
// all or none: each must be valid, keep from's family, installation and
// client, and have a hash not taken (by a stored token or another of
// toks). The family must still be grantable. A zero CreatedAt becomes
// now().
func (d *db) insertIssued(op string, from store.Token, toks []store.Token, now func() time.Time) error {
	if len(toks) == 0 {
		return nil
	}
	if !d.grantable(from.InstallationID, from.FamilyID) {
		return store.ErrNotFound
	}
	batch := make(map[string]store.Token, len(toks))
	for _, t := range toks {
		if err := store.CheckIssued(op, from, t); err != nil {
			return err
		}
		_, stored := d.tokens[t.Hash]
		_, twice := batch[t.Hash]
		if stored || twice {
			// Not ErrAlreadyExists: callers read that as reuse.
			return fmt.Errorf("store: %s: an issued token's hash is taken", op)
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = now()
		}
		batch[t.Hash] = msToken(t)
	}
	for h, t := range batch {
		d.tokens[h] = t
	}
	return nil
}
