package oauthserver

import (
	"context"
	"errors"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// memStore's codes, tokens and token families: every method runs under
// m.mu, so a redemption or rotation and the tokens it issues are one step,
// as in SQLite's transactions.

// checkToken validates a token to be stored and fills a zero CreatedAt.
func (m *memStore) checkToken(t *store.Token) error {
	if t.Hash == "" || t.FamilyID == "" || t.ExpiresAt.IsZero() || (t.Kind != store.TokenAccess && t.Kind != store.TokenRefresh) {
		return errBadInput
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = m.now()
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.RotatedAt = ms(t.CreatedAt), ms(t.ExpiresAt), ms(t.RevokedAt), ms(t.RotatedAt)
	return nil
}

func (m *memStore) CreateToken(ctx context.Context, t store.Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.checkToken(&t); err != nil {
		return err
	}
	if !m.activeInstallation(ctx, t.InstallationID) {
		return store.ErrNotFound
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, revoked := m.families[t.FamilyID]; revoked {
		return store.ErrNotFound
	}
	if _, ok := m.tokens[t.Hash]; ok {
		return store.ErrAlreadyExists
	}
	m.tokens[t.Hash] = t
	return nil
}

func (m *memStore) GetToken(ctx context.Context, hash string, now time.Time) (store.Token, error) {
	if err := ctx.Err(); err != nil {
		return store.Token{}, err
	}
	now = ms(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[hash]
	_, revoked := m.families[t.FamilyID]
	if !ok || revoked || !t.RevokedAt.IsZero() || !t.RotatedAt.IsZero() || !now.Before(t.ExpiresAt) || !m.activeInstallation(ctx, t.InstallationID) {
		return store.Token{}, store.ErrNotFound
	}
	return t, nil
}

func (m *memStore) RedeemCode(ctx context.Context, hash string, now time.Time, issue func(store.AuthCode) ([]store.Token, error)) (store.AuthCode, error) {
	if err := ctx.Err(); err != nil {
		return store.AuthCode{}, err
	}
	now = ms(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.codes[hash]
	if !ok || !now.Before(c.ExpiresAt) || !m.activeInstallation(ctx, c.InstallationID) {
		return store.AuthCode{}, store.ErrNotFound
	}
	if !c.UsedAt.IsZero() {
		m.revokeFamily(c.Hash, now)
		return c, store.ErrAlreadyExists
	}
	c.UsedAt = now
	m.codes[hash] = c // used even if issue refuses: single use
	if issue == nil {
		return c, nil
	}
	toks, err := issue(c)
	if err != nil {
		return c, err
	}
	if err := m.insertIssued(store.Token{FamilyID: c.Hash, InstallationID: c.InstallationID, ClientID: c.ClientID}, toks); err != nil {
		c.UsedAt = time.Time{}
		m.codes[hash] = c // as if nothing happened, like a rolled-back transaction
		return store.AuthCode{}, err
	}
	return c, nil
}

func (m *memStore) RotateRefresh(ctx context.Context, hash string, now time.Time, issue func(store.Token) ([]store.Token, error)) (store.Token, error) {
	if err := ctx.Err(); err != nil {
		return store.Token{}, err
	}
	now = ms(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[hash]
	_, revoked := m.families[t.FamilyID]
	if !ok || revoked || t.Kind != store.TokenRefresh || !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) || !m.activeInstallation(ctx, t.InstallationID) {
		return store.Token{}, store.ErrNotFound
	}
	if !t.RotatedAt.IsZero() {
		m.revokeFamily(t.FamilyID, now)
		return t, store.ErrAlreadyExists
	}
	t.RotatedAt = now
	var toks []store.Token
	if issue != nil {
		var err error
		if toks, err = issue(t); err != nil {
			return store.Token{}, err
		}
	}
	if err := m.insertIssued(t, toks); err != nil {
		return store.Token{}, err
	}
	m.tokens[hash] = t
	return t, nil
}

func (m *memStore) RevokeFamily(ctx context.Context, familyID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.revokeFamily(familyID, ms(at)) == 0 {
		return store.ErrNotFound
	}
	return nil
}

// revokeFamily records the family as revoked and revokes its tokens; it
// returns how many tokens the family has. Called with m.mu held.
func (m *memStore) revokeFamily(familyID string, at time.Time) int {
	if _, ok := m.families[familyID]; !ok {
		m.families[familyID] = at
	}
	n := 0
	for h, t := range m.tokens {
		if t.FamilyID == familyID {
			n++
			if t.RevokedAt.IsZero() {
				t.RevokedAt = at
				m.tokens[h] = t
			}
		}
	}
	return n
}

// insertIssued stores the tokens a redemption or rotation issues, all or
// none; each must keep from's family, installation and client. Called with
// m.mu held.
func (m *memStore) insertIssued(from store.Token, toks []store.Token) error {
	if _, revoked := m.families[from.FamilyID]; revoked && len(toks) > 0 {
		return store.ErrNotFound
	}
	for i := range toks {
		if err := m.checkToken(&toks[i]); err != nil {
			return err
		}
		t := toks[i]
		if t.FamilyID != from.FamilyID || t.InstallationID != from.InstallationID || t.ClientID != from.ClientID {
			return errors.New("memstore: an issued token must keep the family, installation and client it comes from")
		}
		if _, ok := m.tokens[t.Hash]; ok {
			return errors.New("memstore: an issued token's hash is taken")
		}
	}
	for _, t := range toks {
		m.tokens[t.Hash] = t
	}
	return nil
}
