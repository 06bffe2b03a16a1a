package memory

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// The store.AuthServer rows other than codes and tokens (tokens.go):
// clients, authorization transactions, browser sessions and consents.

// PutClient implements store.AuthServer: insert, or replace every field
// except CreatedAt (the first registration's is kept) and LastUsedAt (a
// zero one keeps the stored one). A zero CreatedAt becomes now.
func (m *Memory) PutClient(ctx context.Context, c store.Client) error {
	if err := store.CheckClient(c); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		if old, ok := d.clients[c.ID]; ok {
			c.CreatedAt = old.CreatedAt
			if c.LastUsedAt.IsZero() {
				c.LastUsedAt = old.LastUsedAt
			}
		}
		c.CreatedAt, c.ExpiresAt, c.LastUsedAt = ms(c.CreatedAt), ms(c.ExpiresAt), ms(c.LastUsedAt)
		d.clients[c.ID] = copyClient(c)
		return nil
	})
}

func copyClient(c store.Client) store.Client {
	c.RedirectURIs, c.Metadata = cloneOrNil(c.RedirectURIs), cloneOrNil(c.Metadata)
	return c
}

// GetClient implements store.AuthServer; a CIMD client comes back whatever
// its ExpiresAt.
func (m *Memory) GetClient(ctx context.Context, id string) (c store.Client, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.clients[id]
		if !ok {
			return store.ErrNotFound
		}
		c = copyClient(stored)
		return nil
	})
	return c, err
}

// TouchClient implements store.AuthServer: LastUsedAt never moves
// backwards.
func (m *Memory) TouchClient(ctx context.Context, id string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		c, ok := d.clients[id]
		if !ok {
			return store.ErrNotFound
		}
		c.LastUsedAt = later(c.LastUsedAt, at)
		d.clients[id] = c
		return nil
	})
}

// DeleteUnusedClients implements store.AuthServer as SQLite does: a DCR
// client neither touched nor created at or after before, none of whose
// tokens is unrevoked with an expiry after before, goes, with its codes,
// tokens, consents and transactions.
func (m *Memory) DeleteUnusedClients(ctx context.Context, before time.Time) (n int, err error) {
	before = ms(before)
	err = m.tx(ctx, func(d *db) error {
		unused := map[string]bool{}
		for id, c := range d.clients {
			used := c.LastUsedAt
			if used.IsZero() {
				used = c.CreatedAt
			}
			if c.Kind == store.ClientDynamic && used.Before(before) {
				unused[id] = true
			}
		}
		for _, t := range d.tokens {
			if t.RevokedAt.IsZero() && t.ExpiresAt.After(before) {
				delete(unused, t.ClientID) // a live token keeps its client
			}
		}
		d.deleteClients(unused)
		n = len(unused)
		return nil
	})
	return n, err
}

// deleteClients removes the clients and every row that names them.
func (d *db) deleteClients(ids map[string]bool) {
	for h, t := range d.tokens {
		if ids[t.ClientID] {
			delete(d.tokens, h)
		}
	}
	for h, c := range d.codes {
		if ids[c.ClientID] {
			delete(d.codes, h)
		}
	}
	for k := range d.consents {
		if ids[k.client] {
			delete(d.consents, k)
		}
	}
	for h, x := range d.txns {
		if ids[x.ClientID] {
			delete(d.txns, h)
		}
	}
	for id := range ids {
		delete(d.clients, id)
	}
}

// CreateTxn implements store.AuthServer: ErrAlreadyExists when the ID hash
// (or a non-empty Slack state hash) is taken. A zero CreatedAt becomes
// now.
func (m *Memory) CreateTxn(ctx context.Context, t store.AuthTxn) error {
	if err := store.CheckTxn(t); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		if _, ok := d.txns[t.IDHash]; ok {
			return store.ErrAlreadyExists
		}
		if _, taken := d.txnBySlackState(t.SlackStateHash); taken {
			return store.ErrAlreadyExists
		}
		t.CreatedAt, t.ExpiresAt = ms(t.CreatedAt), ms(t.ExpiresAt)
		d.txns[t.IDHash] = t
		return nil
	})
}

// txnBySlackState finds the transaction holding a Slack state hash,
// expired or not ("" matches none). A scan: transactions live minutes
// and a memory store holds few.
func (d *db) txnBySlackState(slackStateHash string) (store.AuthTxn, bool) {
	if slackStateHash == "" {
		return store.AuthTxn{}, false
	}
	for _, x := range d.txns {
		if x.SlackStateHash == slackStateHash {
			return x, true
		}
	}
	return store.AuthTxn{}, false
}

// GetTxn implements store.AuthServer: ErrNotFound when unknown, consumed or
// expired at now.
func (m *Memory) GetTxn(ctx context.Context, idHash string, now time.Time) (t store.AuthTxn, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.txns[idHash]
		if !ok || !ms(now).Before(stored.ExpiresAt) {
			return store.ErrNotFound
		}
		t = stored
		return nil
	})
	return t, err
}

// SetTxnSlackState implements store.AuthServer: ErrNotFound when the
// transaction is unknown or expired at now; ErrAlreadyExists when it
// already has a Slack state, or another transaction has this one.
func (m *Memory) SetTxnSlackState(ctx context.Context, idHash, slackStateHash string, workspaces []string, now time.Time) error {
	if err := store.CheckSlackState(slackStateHash, workspaces); err != nil {
		return err
	}
	return m.tx(ctx, func(d *db) error {
		t, ok := d.txns[idHash]
		switch {
		case !ok || !ms(now).Before(t.ExpiresAt):
			return store.ErrNotFound
		case t.SlackStateHash != "":
			return store.ErrAlreadyExists
		}
		if _, taken := d.txnBySlackState(slackStateHash); taken {
			return store.ErrAlreadyExists
		}
		t.SlackStateHash = slackStateHash
		t.Workspaces = slices.Clone(workspaces)
		d.txns[idHash] = t
		return nil
	})
}

// ConsumeTxnBySlackState implements store.AuthServer: found and deleted in
// one step, so of concurrent callers exactly one gets it; an expired one
// is deleted all the same.
func (m *Memory) ConsumeTxnBySlackState(ctx context.Context, slackStateHash string, now time.Time) (t store.AuthTxn, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.txnBySlackState(slackStateHash)
		if !ok {
			return store.ErrNotFound
		}
		delete(d.txns, stored.IDHash)
		if !ms(now).Before(stored.ExpiresAt) {
			return store.ErrNotFound
		}
		t = stored
		return nil
	})
	return t, err
}

// CreateBrowserSession implements store.AuthServer: ErrNotFound when the
// installation is unknown or revoked, ErrAlreadyExists when the hash is
// taken.
func (m *Memory) CreateBrowserSession(ctx context.Context, hash, installationID string, expiresAt time.Time) error {
	if err := store.CheckBrowserSession(hash, expiresAt); err != nil {
		return err
	}
	return m.tx(ctx, func(d *db) error {
		if !d.alive(installationID) {
			return store.ErrNotFound
		}
		if _, ok := d.sessions[hash]; ok {
			return store.ErrAlreadyExists
		}
		d.sessions[hash] = session{installationID: installationID, expiresAt: ms(expiresAt)}
		return nil
	})
}

// GetBrowserSession implements store.AuthServer: the installation of a
// session unexpired at now whose installation is active.
func (m *Memory) GetBrowserSession(ctx context.Context, hash string, now time.Time) (id string, err error) {
	err = m.tx(ctx, func(d *db) error {
		s, ok := d.sessions[hash]
		if !ok || !ms(now).Before(s.expiresAt) || !d.alive(s.installationID) {
			return store.ErrNotFound
		}
		id = s.installationID
		return nil
	})
	return id, err
}

// DeleteBrowserSession implements store.AuthServer.
func (m *Memory) DeleteBrowserSession(ctx context.Context, hash string) error {
	return m.tx(ctx, func(d *db) error {
		if _, ok := d.sessions[hash]; !ok {
			return store.ErrNotFound
		}
		delete(d.sessions, hash)
		return nil
	})
}

// PutConsent implements store.AuthServer: insert, or replace the scope,
// redirect URI and GrantedAt and clear the revocation. c.RevokedAt is
// ignored; a zero GrantedAt becomes now. ErrNotFound when the
// installation is unknown or revoked.
func (m *Memory) PutConsent(ctx context.Context, c store.Consent) error {
	if err := store.CheckConsent(c); err != nil {
		return err
	}
	if c.GrantedAt.IsZero() {
		c.GrantedAt = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		if !d.alive(c.InstallationID) {
			return store.ErrNotFound
		}
		c.GrantedAt, c.RevokedAt = ms(c.GrantedAt), time.Time{}
		d.consents[consentKey{c.InstallationID, c.ClientID}] = c
		return nil
	})
}

// GetConsent implements store.AuthServer: ErrNotFound when unknown,
// revoked, or the installation is revoked.
func (m *Memory) GetConsent(ctx context.Context, installationID, clientID string) (c store.Consent, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.consents[consentKey{installationID, clientID}]
		if !ok || !stored.RevokedAt.IsZero() || !d.alive(installationID) {
			return store.ErrNotFound
		}
		c = stored
		return nil
	})
	return c, err
}

// RevokeConsent implements store.AuthServer; revoking again keeps the first
// revocation time.
func (m *Memory) RevokeConsent(ctx context.Context, installationID, clientID string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		if !d.revokeConsent(consentKey{installationID, clientID}, at) {
			return store.ErrNotFound
		}
		return nil
	})
}

// revokeConsent revokes a consent, keeping a first revocation time, and
// reports whether it exists.
func (d *db) revokeConsent(k consentKey, at time.Time) bool {
	c, ok := d.consents[k]
	if ok {
		c.RevokedAt = first(c.RevokedAt, at)
		d.consents[k] = c
	}
	return ok
}

// ListConsents implements store.AuthServer: unrevoked consents, newest
// grant first, then by client ID; nil when none or the installation is
// revoked.
func (m *Memory) ListConsents(ctx context.Context, installationID string) (out []store.Consent, err error) {
	err = m.tx(ctx, func(d *db) error {
		if !d.alive(installationID) {
			return nil
		}
		for k, c := range d.consents {
			if k.installation == installationID && c.RevokedAt.IsZero() {
				out = append(out, c)
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if !out[i].GrantedAt.Equal(out[j].GrantedAt) {
			return out[i].GrantedAt.After(out[j].GrantedAt)
		}
		return out[i].ClientID < out[j].ClientID
	})
	return out, err
}

// RevokeClientGrants implements store.AuthServer in one step: the consent
// and every token of the pair are revoked (each keeping its first
// revocation time) and the pair's codes deleted. ErrNotFound, changing
// nothing, when the pair has neither a consent nor a token.
func (m *Memory) RevokeClientGrants(ctx context.Context, installationID, clientID string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		found := d.revokeConsent(consentKey{installationID, clientID}, at)
		for h, t := range d.tokens {
			if t.InstallationID == installationID && t.ClientID == clientID {
				found = true
				t.RevokedAt = first(t.RevokedAt, at)
				d.tokens[h] = t
			}
		}
		if !found {
			return store.ErrNotFound
		}
		for h, c := range d.codes {
			if c.InstallationID == installationID && c.ClientID == clientID {
				delete(d.codes, h)
			}
		}
		return nil
	})
}
