package memory

import (
	"context"
	"errors"
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
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if old, ok := d.clients[c.ID]; ok {
		c.CreatedAt = old.CreatedAt
		if c.LastUsedAt.IsZero() {
			c.LastUsedAt = old.LastUsedAt
		}
	}
	c.CreatedAt, c.ExpiresAt, c.LastUsedAt = ms(c.CreatedAt), ms(c.ExpiresAt), ms(c.LastUsedAt)
	d.clients[c.ID] = copyClient(c)
	return nil
}

func copyClient(c store.Client) store.Client {
	c.RedirectURIs, c.Metadata = cloneOrNil(c.RedirectURIs), cloneOrNil(c.Metadata)
	return c
}

// GetClient implements store.AuthServer; a CIMD client comes back whatever
// its ExpiresAt.
func (m *Memory) GetClient(ctx context.Context, id string) (store.Client, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.Client{}, err
	}
	defer d.mu.Unlock()
	c, ok := d.clients[id]
	if !ok {
		return store.Client{}, store.ErrNotFound
	}
	return copyClient(c), nil
}

// TouchClient implements store.AuthServer: LastUsedAt never moves
// backwards.
func (m *Memory) TouchClient(ctx context.Context, id string, at time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	c, ok := d.clients[id]
	if !ok {
		return store.ErrNotFound
	}
	c.LastUsedAt = later(c.LastUsedAt, at)
	d.clients[id] = c
	return nil
}

// DeleteUnusedClients implements store.AuthServer as SQLite does: a DCR
// client neither touched nor created at or after before, none of whose
// tokens is unrevoked with an expiry after before, goes, with its codes,
// tokens, consents and transactions.
func (m *Memory) DeleteUnusedClients(ctx context.Context, before time.Time) (int, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	before = ms(before)
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
	return len(unused), nil
}

// deleteClients removes the clients and every row that names them.
func (d *db) deleteClients(ids map[string]bool) {
	if len(ids) == 0 {
		return
	}
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
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if _, ok := d.txns[t.IDHash]; ok {
		return store.ErrAlreadyExists
	}
	if _, taken := d.txnBySlackState(t.SlackStateHash); taken {
		return store.ErrAlreadyExists
	}
	t.CreatedAt, t.ExpiresAt = ms(t.CreatedAt), ms(t.ExpiresAt)
	d.txns[t.IDHash] = t
	return nil
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
func (m *Memory) GetTxn(ctx context.Context, idHash string, now time.Time) (store.AuthTxn, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.AuthTxn{}, err
	}
	defer d.mu.Unlock()
	t, ok := d.txns[idHash]
	if !ok || !ms(now).Before(t.ExpiresAt) {
		return store.AuthTxn{}, store.ErrNotFound
	}
	return t, nil
}

// SetTxnSlackState implements store.AuthServer: ErrNotFound when the
// transaction is unknown or expired at now; ErrAlreadyExists when it
// already has a Slack state, or another transaction has this one.
func (m *Memory) SetTxnSlackState(ctx context.Context, idHash, slackStateHash string, now time.Time) error {
	if slackStateHash == "" {
		return errors.New("store: empty Slack state hash")
	}
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
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
	d.txns[idHash] = t
	return nil
}

// ConsumeTxnBySlackState implements store.AuthServer: found and deleted in
// one step under the lock, so of concurrent callers exactly one gets it;
// an expired one is deleted all the same.
func (m *Memory) ConsumeTxnBySlackState(ctx context.Context, slackStateHash string, now time.Time) (store.AuthTxn, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.AuthTxn{}, err
	}
	defer d.mu.Unlock()
	t, ok := d.txnBySlackState(slackStateHash)
	if !ok {
		return store.AuthTxn{}, store.ErrNotFound
	}
	delete(d.txns, t.IDHash)
	if !ms(now).Before(t.ExpiresAt) {
		return store.AuthTxn{}, store.ErrNotFound
	}
	return t, nil
}

// CreateBrowserSession implements store.AuthServer: ErrNotFound when the
// installation is unknown or revoked, ErrAlreadyExists when the hash is
// taken.
func (m *Memory) CreateBrowserSession(ctx context.Context, hash, installationID string, expiresAt time.Time) error {
	if hash == "" {
		return errors.New("store: browser session needs a hash")
	}
	if expiresAt.IsZero() {
		return errors.New("store: browser session needs an expiry")
	}
	created := m.now()
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if !d.alive(installationID) {
		return store.ErrNotFound
	}
	if _, ok := d.sessions[hash]; ok {
		return store.ErrAlreadyExists
	}
	d.sessions[hash] = session{installationID: installationID, createdAt: ms(created), expiresAt: ms(expiresAt)}
	return nil
}

// GetBrowserSession implements store.AuthServer: the installation of a
// session unexpired at now whose installation is active.
func (m *Memory) GetBrowserSession(ctx context.Context, hash string, now time.Time) (string, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return "", err
	}
	defer d.mu.Unlock()
	s, ok := d.sessions[hash]
	if !ok || !ms(now).Before(s.expiresAt) || !d.alive(s.installationID) {
		return "", store.ErrNotFound
	}
	return s.installationID, nil
}

// DeleteBrowserSession implements store.AuthServer.
func (m *Memory) DeleteBrowserSession(ctx context.Context, hash string) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if _, ok := d.sessions[hash]; !ok {
		return store.ErrNotFound
	}
	delete(d.sessions, hash)
	return nil
}

// PutConsent implements store.AuthServer: insert, or replace the scope,
// redirect URI and GrantedAt and clear the revocation. c.RevokedAt is
// ignored; a zero GrantedAt becomes now. ErrNotFound when the
// installation is unknown or revoked.
func (m *Memory) PutConsent(ctx context.Context, c store.Consent) error {
	if c.ClientID == "" {
		return errors.New("store: consent needs a client ID")
	}
	if c.GrantedAt.IsZero() {
		c.GrantedAt = m.now()
	}
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if !d.alive(c.InstallationID) {
		return store.ErrNotFound
	}
	c.GrantedAt, c.RevokedAt = ms(c.GrantedAt), time.Time{}
	d.consents[consentKey{c.InstallationID, c.ClientID}] = c
	return nil
}

// GetConsent implements store.AuthServer: ErrNotFound when unknown,
// revoked, or the installation is revoked.
func (m *Memory) GetConsent(ctx context.Context, installationID, clientID string) (store.Consent, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.Consent{}, err
	}
	defer d.mu.Unlock()
	c, ok := d.consents[consentKey{installationID, clientID}]
	if !ok || !c.RevokedAt.IsZero() || !d.alive(installationID) {
		return store.Consent{}, store.ErrNotFound
	}
	return c, nil
}

// RevokeConsent implements store.AuthServer; revoking again keeps the first
// revocation time.
func (m *Memory) RevokeConsent(ctx context.Context, installationID, clientID string, at time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if !d.revokeConsent(consentKey{installationID, clientID}, ms(at)) {
		return store.ErrNotFound
	}
	return nil
}

// revokeConsent revokes a consent, keeping a first revocation time, and
// reports whether it exists.
func (d *db) revokeConsent(k consentKey, at time.Time) bool {
	c, ok := d.consents[k]
	if ok && c.RevokedAt.IsZero() {
		c.RevokedAt = at
		d.consents[k] = c
	}
	return ok
}

// ListConsents implements store.AuthServer: unrevoked consents, newest
// grant first, then by client ID; nil when none or the installation is
// revoked.
func (m *Memory) ListConsents(ctx context.Context, installationID string) ([]store.Consent, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	if !d.alive(installationID) {
		return nil, nil
	}
	var out []store.Consent
	for k, c := range d.consents {
		if k.installation == installationID && c.RevokedAt.IsZero() {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].GrantedAt.Equal(out[j].GrantedAt) {
			return out[i].GrantedAt.After(out[j].GrantedAt)
		}
		return out[i].ClientID < out[j].ClientID
	})
	return out, nil
}

// RevokeClientGrants implements store.AuthServer in one step: the consent
// and every token of the pair are revoked (each keeping its first
// revocation time) and the pair's codes deleted. ErrNotFound, changing
// nothing, when the pair has neither a consent nor a token.
func (m *Memory) RevokeClientGrants(ctx context.Context, installationID, clientID string, at time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	at = ms(at)
	found := d.revokeConsent(consentKey{installationID, clientID}, at)
	for h, t := range d.tokens {
		if t.InstallationID == installationID && t.ClientID == clientID {
			found = true
			if t.RevokedAt.IsZero() {
				t.RevokedAt = at
				d.tokens[h] = t
			}
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
}
