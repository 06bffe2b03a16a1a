package oauthserver

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// memStore is an in-memory store.AuthServer for unit tests; the
// store.Store half (installations, audit, PATs) is the real SQLite
// backend in memory. Its AuthServer methods shadow SQLite's.
type memStore struct {
	*store.SQLite
	now func() time.Time

	mu       sync.Mutex
	clients  map[string]store.Client
	txns     map[string]store.AuthTxn
	codes    map[string]store.AuthCode
	tokens   map[string]store.Token
	sessions map[string]memSession
	consents map[[2]string]store.Consent
	families map[string]time.Time // revoked token families
}

type memSession struct {
	installationID string
	expires        time.Time
}

var _ Store = (*memStore)(nil)

func newMemStore(t testing.TB, now func() time.Time) *memStore {
	t.Helper()
	sq, err := store.OpenSQLite(context.Background(), store.MemoryPath, store.Options{Now: now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sq.Close() })
	return &memStore{
		SQLite: sq, now: now,
		clients: map[string]store.Client{}, txns: map[string]store.AuthTxn{},
		codes: map[string]store.AuthCode{}, tokens: map[string]store.Token{},
		sessions: map[string]memSession{}, consents: map[[2]string]store.Consent{},
		families: map[string]time.Time{},
	}
}

var errBadInput = errors.New("memstore: invalid input")

func (m *memStore) activeInstallation(ctx context.Context, id string) bool {
	in, err := m.SQLite.GetInstallation(ctx, id)
	return err == nil && in.Status == store.StatusActive
}

func (m *memStore) PutClient(ctx context.Context, c store.Client) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.ID == "" || !slices.Contains([]string{store.ClientDynamic, store.ClientMetadata, store.ClientStatic}, c.Kind) {
		return errBadInput
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.clients[c.ID]; ok {
		c.CreatedAt = old.CreatedAt
		if c.LastUsedAt.IsZero() {
			c.LastUsedAt = old.LastUsedAt
		}
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = m.now()
	}
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.CreatedAt, c.ExpiresAt, c.LastUsedAt = ms(c.CreatedAt), ms(c.ExpiresAt), ms(c.LastUsedAt)
	m.clients[c.ID] = c
	return nil
}

func (m *memStore) GetClient(ctx context.Context, id string) (store.Client, error) {
	if err := ctx.Err(); err != nil {
		return store.Client{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[id]
	if !ok {
		return store.Client{}, store.ErrNotFound
	}
	return c, nil
}

func (m *memStore) TouchClient(ctx context.Context, id string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	at = ms(at)
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.clients[id]
	if !ok {
		return store.ErrNotFound
	}
	if at.After(c.LastUsedAt) {
		c.LastUsedAt = at
		m.clients[id] = c
	}
	return nil
}

func (m *memStore) DeleteUnusedClients(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	before = ms(before)
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, c := range m.clients {
		used := c.LastUsedAt
		if used.IsZero() {
			used = c.CreatedAt
		}
		if c.Kind != store.ClientDynamic || !used.Before(before) {
			continue
		}
		live := false
		for _, t := range m.tokens {
			if t.ClientID == id && t.RevokedAt.IsZero() && t.ExpiresAt.After(before) {
				live = true
			}
		}
		if live {
			continue
		}
		delete(m.clients, id)
		for h, t := range m.tokens {
			if t.ClientID == id {
				delete(m.tokens, h)
			}
		}
		for k := range m.consents {
			if k[1] == id {
				delete(m.consents, k)
			}
		}
		n++
	}
	return n, nil
}

func (m *memStore) CreateTxn(ctx context.Context, t store.AuthTxn) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.IDHash == "" || t.ExpiresAt.IsZero() {
		return errBadInput
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.txns[t.IDHash]; ok {
		return store.ErrAlreadyExists
	}
	if t.SlackStateHash != "" {
		for _, x := range m.txns {
			if x.SlackStateHash == t.SlackStateHash {
				return store.ErrAlreadyExists
			}
		}
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = m.now()
	}
	t.CreatedAt, t.ExpiresAt = ms(t.CreatedAt), ms(t.ExpiresAt)
	m.txns[t.IDHash] = t
	return nil
}

func (m *memStore) GetTxn(ctx context.Context, idHash string, now time.Time) (store.AuthTxn, error) {
	if err := ctx.Err(); err != nil {
		return store.AuthTxn{}, err
	}
	now = ms(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.txns[idHash]
	if !ok || !now.Before(t.ExpiresAt) {
		return store.AuthTxn{}, store.ErrNotFound
	}
	return t, nil
}

func (m *memStore) SetTxnSlackState(ctx context.Context, idHash, slackStateHash string, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now = ms(now)
	if slackStateHash == "" {
		return errBadInput
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.txns[idHash]
	if !ok || !now.Before(t.ExpiresAt) {
		return store.ErrNotFound
	}
	if t.SlackStateHash != "" {
		return store.ErrAlreadyExists
	}
	for _, x := range m.txns {
		if x.SlackStateHash == slackStateHash {
			return store.ErrAlreadyExists
		}
	}
	t.SlackStateHash = slackStateHash
	m.txns[idHash] = t
	return nil
}

func (m *memStore) ConsumeTxnBySlackState(ctx context.Context, slackStateHash string, now time.Time) (store.AuthTxn, error) {
	if err := ctx.Err(); err != nil {
		return store.AuthTxn{}, err
	}
	now = ms(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	if slackStateHash == "" {
		return store.AuthTxn{}, store.ErrNotFound
	}
	for k, t := range m.txns {
		if t.SlackStateHash == slackStateHash {
			delete(m.txns, k)
			if !now.Before(t.ExpiresAt) {
				return store.AuthTxn{}, store.ErrNotFound
			}
			return t, nil
		}
	}
	return store.AuthTxn{}, store.ErrNotFound
}

func (m *memStore) CreateCode(ctx context.Context, c store.AuthCode) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.Hash == "" || c.ExpiresAt.IsZero() {
		return errBadInput
	}
	if !m.activeInstallation(ctx, c.InstallationID) {
		return store.ErrNotFound
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.codes[c.Hash]; ok {
		return store.ErrAlreadyExists
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = m.now()
	}
	c.UsedAt = time.Time{}
	c.CreatedAt, c.ExpiresAt = ms(c.CreatedAt), ms(c.ExpiresAt)
	m.codes[c.Hash] = c
	return nil
}

func (m *memStore) RevokeToken(ctx context.Context, hash string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	at = ms(at)
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[hash]
	if !ok {
		return store.ErrNotFound
	}
	if t.RevokedAt.IsZero() {
		t.RevokedAt = at
		m.tokens[hash] = t
	}
	return nil
}

func (m *memStore) CreateBrowserSession(ctx context.Context, hash, installationID string, expiresAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	expiresAt = ms(expiresAt)
	if hash == "" || expiresAt.IsZero() {
		return errBadInput
	}
	if !m.activeInstallation(ctx, installationID) {
		return store.ErrNotFound
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[hash]; ok {
		return store.ErrAlreadyExists
	}
	m.sessions[hash] = memSession{installationID, expiresAt}
	return nil
}

func (m *memStore) GetBrowserSession(ctx context.Context, hash string, now time.Time) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now = ms(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[hash]
	if !ok || !now.Before(s.expires) || !m.activeInstallation(ctx, s.installationID) {
		return "", store.ErrNotFound
	}
	return s.installationID, nil
}

func (m *memStore) DeleteBrowserSession(ctx context.Context, hash string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[hash]; !ok {
		return store.ErrNotFound
	}
	delete(m.sessions, hash)
	return nil
}

func (m *memStore) PutConsent(ctx context.Context, c store.Consent) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.ClientID == "" {
		return errBadInput
	}
	if !m.activeInstallation(ctx, c.InstallationID) {
		return store.ErrNotFound
	}
	if c.GrantedAt.IsZero() {
		c.GrantedAt = m.now()
	}
	c.RevokedAt = time.Time{}
	c.GrantedAt = ms(c.GrantedAt)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.consents[[2]string{c.InstallationID, c.ClientID}] = c
	return nil
}

func (m *memStore) GetConsent(ctx context.Context, installationID, clientID string) (store.Consent, error) {
	if err := ctx.Err(); err != nil {
		return store.Consent{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.consents[[2]string{installationID, clientID}]
	if !ok || !c.RevokedAt.IsZero() || !m.activeInstallation(ctx, installationID) {
		return store.Consent{}, store.ErrNotFound
	}
	return c, nil
}

func (m *memStore) RevokeConsent(ctx context.Context, installationID, clientID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	at = ms(at)
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]string{installationID, clientID}
	c, ok := m.consents[k]
	if !ok {
		return store.ErrNotFound
	}
	if c.RevokedAt.IsZero() {
		c.RevokedAt = at
		m.consents[k] = c
	}
	return nil
}

func (m *memStore) ListConsents(ctx context.Context, installationID string) ([]store.Consent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Consent
	for k, c := range m.consents {
		if k[0] == installationID && c.RevokedAt.IsZero() {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GrantedAt.After(out[j].GrantedAt) })
	return out, nil
}

func (m *memStore) RevokeClientGrants(ctx context.Context, installationID, clientID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	at = ms(at)
	m.mu.Lock()
	defer m.mu.Unlock()
	found := false
	k := [2]string{installationID, clientID}
	if c, ok := m.consents[k]; ok {
		found = true
		if c.RevokedAt.IsZero() {
			c.RevokedAt = at
			m.consents[k] = c
		}
	}
	for h, t := range m.tokens {
		if t.InstallationID == installationID && t.ClientID == clientID {
			found = true
			if t.RevokedAt.IsZero() {
				t.RevokedAt = at
				m.tokens[h] = t
			}
		}
	}
	for h, c := range m.codes {
		if c.InstallationID == installationID && c.ClientID == clientID {
			delete(m.codes, h)
		}
	}
	if !found {
		return store.ErrNotFound
	}
	return nil
}

// RevokeInstallation revokes in SQLite, then kills everything built on
// the installation here, so a reinstall resurrects nothing.
func (m *memStore) RevokeInstallation(ctx context.Context, id string, at time.Time) error {
	if err := m.SQLite.RevokeInstallation(ctx, id, at); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for h, t := range m.tokens {
		if t.InstallationID == id && t.RevokedAt.IsZero() {
			t.RevokedAt = at
			m.tokens[h] = t
		}
	}
	for h, c := range m.codes {
		if c.InstallationID == id {
			delete(m.codes, h)
		}
	}
	for h, s := range m.sessions {
		if s.installationID == id {
			delete(m.sessions, h)
		}
	}
	for k, c := range m.consents {
		if k[0] == id && c.RevokedAt.IsZero() {
			c.RevokedAt = at
			m.consents[k] = c
		}
	}
	return nil
}

// ms is what a backend keeps of a time: milliseconds, UTC.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Millisecond).UTC()
}
