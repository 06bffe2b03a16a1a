package memory

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// ErrClosed is returned by every call on a closed Memory.
var ErrClosed = errors.New("memory: store is closed")

// Memory is the in-memory backend. The zero value is not usable; call New.
type Memory struct {
	now    func() time.Time
	db     *db
	closed atomic.Bool
}

var (
	_ store.Store           = (*Memory)(nil)
	_ store.AuthServer      = (*Memory)(nil)
	_ store.Resealer        = (*Memory)(nil)
	_ store.AuthServerStore = (*Memory)(nil)
)

// db is the data; mu guards all of it.
type db struct {
	mu sync.Mutex

	pending    map[string]store.Pending
	installs   map[string]store.Installation // by ID
	identities map[identity]string           // installation ID by (enterprise, team, user)
	pats       map[string]store.PAT
	audit      []store.AuditEvent // in append order; IDs increase
	lastAudit  int64

	clients  map[string]store.Client
	txns     map[string]store.AuthTxn
	codes    map[string]store.AuthCode
	tokens   map[string]store.Token
	sessions map[string]session
	consents map[consentKey]store.Consent
	families map[string]time.Time // revoked token families, with the first revocation time
}

type identity struct{ enterprise, team, user string }

type consentKey struct{ installation, client string }

type session struct {
	installationID string
	createdAt      time.Time
	expiresAt      time.Time
}

// New returns an empty store. o.Now is the clock for defaults (CreatedAt,
// InstalledAt, audit times); time.Now when nil. o.Logger is unused: there
// is no migration or sweeper to report on.
func New(o store.Options) *Memory {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Memory{now: o.Now, db: newDB()}
}

func newDB() *db {
	return &db{
		pending:    map[string]store.Pending{},
		installs:   map[string]store.Installation{},
		identities: map[identity]string{},
		pats:       map[string]store.PAT{},
		clients:    map[string]store.Client{},
		txns:       map[string]store.AuthTxn{},
		codes:      map[string]store.AuthCode{},
		tokens:     map[string]store.Token{},
		sessions:   map[string]session{},
		consents:   map[consentKey]store.Consent{},
		families:   map[string]time.Time{},
	}
}

// Close makes every later call fail with ErrClosed (as a closed database
// would), so a use after close shows up in tests. Safe to call more than
// once.
func (m *Memory) Close() error {
	m.closed.Store(true)
	return nil
}

// lock starts a call: it fails on a canceled context or a closed store,
// and otherwise returns the data locked; the caller unlocks.
func (m *Memory) lock(ctx context.Context) (*db, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if m.closed.Load() {
		return nil, ErrClosed
	}
	m.db.mu.Lock()
	return m.db, nil
}

// ms is what the SQL backends keep of a time: UTC milliseconds; zero
// stays zero.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).UTC()
}

// cloneOrNil copies a slice; an empty one becomes nil, as a backend that
// stores nothing for it returns.
func cloneOrNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// alive reports whether the installation exists and is active (rows that
// grant access are only usable then). Called with the lock held.
func (d *db) alive(installationID string) bool {
	in, ok := d.installs[installationID]
	return ok && in.Status == store.StatusActive
}

// CreatePending implements store.Store.
func (m *Memory) CreatePending(ctx context.Context, p store.Pending) error {
	if err := store.CheckPending(p); err != nil {
		return err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = m.now()
	}
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if _, ok := d.pending[p.StateHash]; ok {
		return store.ErrAlreadyExists
	}
	p.Metadata, p.Scopes = cloneOrNil(p.Metadata), cloneOrNil(p.Scopes)
	p.CreatedAt, p.ExpiresAt = ms(p.CreatedAt), ms(p.ExpiresAt)
	d.pending[p.StateHash] = p
	return nil
}

// ConsumePending implements store.Store: the lookup and the delete are one
// step under the lock, so of concurrent consumers exactly one gets it.
func (m *Memory) ConsumePending(ctx context.Context, stateHash string, now time.Time) (store.Pending, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.Pending{}, err
	}
	defer d.mu.Unlock()
	p, ok := d.pending[stateHash]
	if !ok {
		return store.Pending{}, store.ErrNotFound
	}
	delete(d.pending, stateHash)
	if !ms(now).Before(p.ExpiresAt) {
		return store.Pending{}, store.ErrNotFound // expired: deleted all the same
	}
	p.Metadata, p.Scopes = cloneOrNil(p.Metadata), cloneOrNil(p.Scopes)
	return p, nil
}

// SweepPending implements store.Store.
func (m *Memory) SweepPending(ctx context.Context, now time.Time) (int, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	now = ms(now)
	n := 0
	for k, p := range d.pending {
		if !now.Before(p.ExpiresAt) {
			delete(d.pending, k)
			n++
		}
	}
	return n, nil
}

// UpsertInstallation implements store.Store as SQLite does: the ID of a
// new installation is generated here; in.ID and in.Status are ignored; a
// zero InstalledAt becomes now; a zero LastUsedAt keeps the stored one.
func (m *Memory) UpsertInstallation(ctx context.Context, in store.Installation) (store.Installation, error) {
	if err := store.CheckInstallation(in); err != nil {
		return store.Installation{}, err
	}
	id, err := store.NewInstallationID()
	if err != nil {
		return store.Installation{}, err
	}
	if in.InstalledAt.IsZero() {
		in.InstalledAt = m.now()
	}
	d, err := m.lock(ctx)
	if err != nil {
		return store.Installation{}, err
	}
	defer d.mu.Unlock()
	key := identity{in.EnterpriseID, in.TeamID, in.UserID}
	if old, ok := d.installs[d.identities[key]]; ok {
		in.ID, in.InstalledAt = old.ID, old.InstalledAt
		if in.LastUsedAt.IsZero() {
			in.LastUsedAt = old.LastUsedAt
		}
	} else {
		in.ID = id
		d.identities[key] = id
	}
	in.Status = store.StatusActive
	in.Scopes = cloneOrNil(in.Scopes)
	in.TokenExpiresAt, in.InstalledAt, in.LastUsedAt = ms(in.TokenExpiresAt), ms(in.InstalledAt), ms(in.LastUsedAt)
	d.installs[in.ID] = in
	return copyInstallation(in), nil
}

func copyInstallation(in store.Installation) store.Installation {
	in.Scopes = cloneOrNil(in.Scopes)
	return in
}

// GetInstallation implements store.Store.
func (m *Memory) GetInstallation(ctx context.Context, id string) (store.Installation, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.Installation{}, err
	}
	defer d.mu.Unlock()
	in, ok := d.installs[id]
	if !ok {
		return store.Installation{}, store.ErrNotFound
	}
	return copyInstallation(in), nil
}

// FindInstallation implements store.Store.
func (m *Memory) FindInstallation(ctx context.Context, enterpriseID, teamID, userID string) (store.Installation, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.Installation{}, err
	}
	defer d.mu.Unlock()
	in, ok := d.installs[d.identities[identity{enterpriseID, teamID, userID}]]
	if !ok {
		return store.Installation{}, store.ErrNotFound
	}
	return copyInstallation(in), nil
}

// UpdateTokens implements store.Store: ErrNotFound when the installation is
// unknown or revoked.
func (m *Memory) UpdateTokens(ctx context.Context, id, accessToken, refreshToken string, expiresAt time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	in, ok := d.installs[id]
	if !ok || in.Status != store.StatusActive {
		return store.ErrNotFound
	}
	in.AccessToken, in.RefreshToken, in.TokenExpiresAt = accessToken, refreshToken, ms(expiresAt)
	d.installs[id] = in
	return nil
}

// TouchInstallation implements store.Store.
func (m *Memory) TouchInstallation(ctx context.Context, id string, at time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	in, ok := d.installs[id]
	if !ok {
		return store.ErrNotFound
	}
	in.LastUsedAt = later(in.LastUsedAt, at)
	d.installs[id] = in
	return nil
}

// later is the newer of a stored time and at (in milliseconds): times
// of use never move backwards.
func later(stored, at time.Time) time.Time {
	if at = ms(at); at.After(stored) {
		return at
	}
	return stored
}

// RevokeInstallation implements store.Store in one step: the installation
// is marked revoked and its sealed tokens cleared, its personal access
// tokens, MCP tokens and consents revoked (each keeping its first
// revocation time), its codes and browser sessions deleted, so a
// reinstall brings none of them back. Revoking again succeeds.
func (m *Memory) RevokeInstallation(ctx context.Context, id string, at time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	in, ok := d.installs[id]
	if !ok {
		return store.ErrNotFound
	}
	at = ms(at)
	in.Status, in.AccessToken, in.RefreshToken, in.TokenExpiresAt = store.StatusRevoked, "", "", time.Time{}
	d.installs[id] = in
	for h, p := range d.pats {
		if p.InstallationID == id && p.RevokedAt.IsZero() {
			p.RevokedAt = at
			d.pats[h] = p
		}
	}
	for h, t := range d.tokens {
		if t.InstallationID == id && t.RevokedAt.IsZero() {
			t.RevokedAt = at
			d.tokens[h] = t
		}
	}
	for k, c := range d.consents {
		if k.installation == id && c.RevokedAt.IsZero() {
			c.RevokedAt = at
			d.consents[k] = c
		}
	}
	for h, c := range d.codes {
		if c.InstallationID == id {
			delete(d.codes, h)
		}
	}
	for h, s := range d.sessions {
		if s.installationID == id {
			delete(d.sessions, h)
		}
	}
	return nil
}

// SealedInstallations implements store.Resealer.
func (m *Memory) SealedInstallations(ctx context.Context, afterID string, limit int) ([]store.Installation, error) {
	if limit <= 0 {
		limit = 100
	}
	d, err := m.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	var out []store.Installation
	for _, in := range d.installs {
		if in.Status == store.StatusActive && in.AccessToken != "" && in.ID > afterID {
			out = append(out, copyInstallation(in))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ResealTokens implements store.Resealer: the swap happens only while the
// stored tokens are still the old ones.
func (m *Memory) ResealTokens(ctx context.Context, id, oldAccess, oldRefresh, newAccess, newRefresh string) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	in, ok := d.installs[id]
	if !ok || in.Status != store.StatusActive || in.AccessToken != oldAccess || in.RefreshToken != oldRefresh {
		return store.ErrNotFound
	}
	in.AccessToken, in.RefreshToken = newAccess, newRefresh
	d.installs[id] = in
	return nil
}

// CreatePAT implements store.Store: ErrNotFound when the installation is
// unknown or revoked, ErrAlreadyExists when the hash is taken. A zero
// CreatedAt becomes now.
func (m *Memory) CreatePAT(ctx context.Context, p store.PAT) error {
	if p.Hash == "" {
		return errors.New("store: personal access token needs a hash")
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = m.now()
	}
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	if !d.alive(p.InstallationID) {
		return store.ErrNotFound
	}
	if _, ok := d.pats[p.Hash]; ok {
		return store.ErrAlreadyExists
	}
	p.CreatedAt, p.LastUsedAt, p.RevokedAt = ms(p.CreatedAt), ms(p.LastUsedAt), ms(p.RevokedAt)
	d.pats[p.Hash] = p
	return nil
}

// GetPAT implements store.Store: the token must be unrevoked and its
// installation active.
func (m *Memory) GetPAT(ctx context.Context, hash string) (store.PAT, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return store.PAT{}, err
	}
	defer d.mu.Unlock()
	p, ok := d.pats[hash]
	if !ok || !p.RevokedAt.IsZero() || !d.alive(p.InstallationID) {
		return store.PAT{}, store.ErrNotFound
	}
	return p, nil
}

// TouchPAT implements store.Store.
func (m *Memory) TouchPAT(ctx context.Context, hash string, at time.Time) error {
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	p, ok := d.pats[hash]
	if !ok {
		return store.ErrNotFound
	}
	p.LastUsedAt = later(p.LastUsedAt, at)
	d.pats[hash] = p
	return nil
}

// AppendAudit implements store.Store. A zero At becomes now; e.ID is
// ignored (assigned here, increasing).
func (m *Memory) AppendAudit(ctx context.Context, e store.AuditEvent) error {
	if e.Event == "" {
		return errors.New("store: audit event needs a name")
	}
	if e.At.IsZero() {
		e.At = m.now()
	}
	d, err := m.lock(ctx)
	if err != nil {
		return err
	}
	defer d.mu.Unlock()
	d.lastAudit++
	e.ID, e.At = d.lastAudit, ms(e.At)
	d.audit = append(d.audit, e)
	return nil
}

// ListAudit implements store.Store: newest first (by At, then ID); Limit
// <= 0 means no limit.
func (m *Memory) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	d, err := m.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	since := ms(f.Since)
	var out []store.AuditEvent
	for _, e := range d.audit {
		if (f.Event == "" || e.Event == f.Event) && (f.TeamID == "" || e.TeamID == f.TeamID) &&
			(f.UserID == "" || e.UserID == f.UserID) && (since.IsZero() || !e.At.Before(since)) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].ID > out[j].ID
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}
