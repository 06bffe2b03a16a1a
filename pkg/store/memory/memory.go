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

	// refreshing holds one lock per installation for RefreshTokens, taken
	// outside db.mu so a refresh calling Slack holds up nothing else.
	refreshing sync.Map // installation ID -> *sync.Mutex
}

var (
	_ store.Store              = (*Memory)(nil)
	_ store.AuthServer         = (*Memory)(nil)
	_ store.Resealer           = (*Memory)(nil)
	_ store.AuthServerStore    = (*Memory)(nil)
	_ store.EndedSessions      = (*Memory)(nil)
	_ store.SlackPauses        = (*Memory)(nil)
	_ store.DirectorySnapshots = (*Memory)(nil)
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
	ended    map[string]time.Time // ended MCP sessions by ID hash
	pauses   map[pauseKey]time.Time
	snaps    map[string]snapshot
}

type snapshot struct {
	data       []byte
	takenAt    time.Time
	holder     string
	claimUntil time.Time
}

type pauseKey struct{ scope, method, channel string }

type identity struct{ enterprise, team, user string }

type consentKey struct{ installation, client string }

type session struct {
	installationID string
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
		ended:      map[string]time.Time{},
		pauses:     map[pauseKey]time.Time{},
		snaps:      map[string]snapshot{},
	}
}

// Close makes every later call fail with ErrClosed (as a closed database
// would), so a use after close shows up in tests. Safe to call more than
// once.
func (m *Memory) Close() error {
	m.closed.Store(true)
	return nil
}

// tx runs f with the data locked: every call is one step, as one SQL
// transaction is. It fails without running f on a canceled context or a
// closed store.
func (m *Memory) tx(ctx context.Context, f func(d *db) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.closed.Load() {
		return ErrClosed
	}
	m.db.mu.Lock()
	defer m.db.mu.Unlock()
	return f(m.db)
}

// ms is what the SQL backends keep of a time: UTC milliseconds; zero
// stays zero.
func ms(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Truncate(time.Millisecond).UTC()
}

// later is the newer of a stored time and at (in milliseconds): times of
// use never move backwards.
func later(stored, at time.Time) time.Time {
	if at = ms(at); at.After(stored) {
		return at
	}
	return stored
}

// first keeps a revocation time already set, or sets at.
func first(stored, at time.Time) time.Time {
	if stored.IsZero() {
		return ms(at)
	}
	return stored
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
// grant access are only usable then).
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
	return m.tx(ctx, func(d *db) error {
		if _, ok := d.pending[p.StateHash]; ok {
			return store.ErrAlreadyExists
		}
		p.Metadata, p.Scopes = cloneOrNil(p.Metadata), cloneOrNil(p.Scopes)
		p.CreatedAt, p.ExpiresAt = ms(p.CreatedAt), ms(p.ExpiresAt)
		d.pending[p.StateHash] = p
		return nil
	})
}

// ConsumePending implements store.Store: the lookup and the delete are one
// step, so of concurrent consumers exactly one gets it.
func (m *Memory) ConsumePending(ctx context.Context, stateHash string, now time.Time) (p store.Pending, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.pending[stateHash]
		if !ok {
			return store.ErrNotFound
		}
		delete(d.pending, stateHash)
		if !ms(now).Before(stored.ExpiresAt) {
			return store.ErrNotFound // expired: deleted all the same
		}
		p = stored
		p.Metadata, p.Scopes = cloneOrNil(p.Metadata), cloneOrNil(p.Scopes)
		return nil
	})
	return p, err
}

// SweepPending implements store.Store.
func (m *Memory) SweepPending(ctx context.Context, now time.Time) (n int, err error) {
	err = m.tx(ctx, func(d *db) error {
		for k, p := range d.pending {
			if !ms(now).Before(p.ExpiresAt) {
				delete(d.pending, k)
				n++
			}
		}
		return nil
	})
	return n, err
}

// UpsertInstallation implements store.Store as SQLite does: the ID of a
// new installation is generated here; in.ID and in.Status are ignored; a
// zero InstalledAt becomes now; a zero LastUsedAt keeps the stored one.
func (m *Memory) UpsertInstallation(ctx context.Context, in store.Installation) (out store.Installation, err error) {
	if err := store.CheckInstallation(in); err != nil {
		return out, err
	}
	id, err := store.NewInstallationID()
	if err != nil {
		return out, err
	}
	if in.InstalledAt.IsZero() {
		in.InstalledAt = m.now()
	}
	err = m.tx(ctx, func(d *db) error {
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
		out = copyInstallation(in)
		return nil
	})
	return out, err
}

func copyInstallation(in store.Installation) store.Installation {
	in.Scopes = cloneOrNil(in.Scopes)
	return in
}

// GetInstallation implements store.Store.
func (m *Memory) GetInstallation(ctx context.Context, id string) (store.Installation, error) {
	return m.installation(ctx, func(d *db) string { return id })
}

// FindInstallation implements store.Store.
func (m *Memory) FindInstallation(ctx context.Context, enterpriseID, teamID, userID string) (store.Installation, error) {
	return m.installation(ctx, func(d *db) string { return d.identities[identity{enterpriseID, teamID, userID}] })
}

// installation returns a copy of the installation whose ID id finds.
func (m *Memory) installation(ctx context.Context, id func(*db) string) (out store.Installation, err error) {
	err = m.tx(ctx, func(d *db) error {
		in, ok := d.installs[id(d)]
		if !ok {
			return store.ErrNotFound
		}
		out = copyInstallation(in)
		return nil
	})
	return out, err
}

// UpdateTokens implements store.Store: ErrNotFound when the installation is
// unknown or revoked.
func (m *Memory) UpdateTokens(ctx context.Context, id, accessToken, refreshToken string, expiresAt time.Time) error {
	return m.updateInstallation(ctx, id, true, func(in *store.Installation) bool {
		in.AccessToken, in.RefreshToken, in.TokenExpiresAt = accessToken, refreshToken, ms(expiresAt)
		return true
	})
}

// TouchInstallation implements store.Store.
func (m *Memory) TouchInstallation(ctx context.Context, id string, at time.Time) error {
	return m.updateInstallation(ctx, id, false, func(in *store.Installation) bool {
		in.LastUsedAt = later(in.LastUsedAt, at)
		return true
	})
}

// ResealTokens implements store.Resealer: the swap happens only while the
// stored tokens are still the old ones.
func (m *Memory) ResealTokens(ctx context.Context, id, oldAccess, oldRefresh, newAccess, newRefresh string) error {
	return m.updateInstallation(ctx, id, true, func(in *store.Installation) bool {
		if in.AccessToken != oldAccess || in.RefreshToken != oldRefresh {
			return false
		}
		in.AccessToken, in.RefreshToken = newAccess, newRefresh
		return true
	})
}

// updateInstallation applies f to a stored installation (an active one
// when active is set); ErrNotFound when there is none or f declines.
// RefreshTokens implements store.Store: callers for one installation
// queue on its lock; each reads the row its predecessor stored.
func (m *Memory) RefreshTokens(ctx context.Context, id string, refresh store.TokenRefresher) (store.Installation, error) {
	l, _ := m.refreshing.LoadOrStore(id, &sync.Mutex{})
	mu := l.(*sync.Mutex)
	mu.Lock()
	defer mu.Unlock()
	var in store.Installation
	err := m.tx(ctx, func(d *db) error {
		var ok bool
		if in, ok = d.installs[id]; !ok || in.Status != store.StatusActive {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return store.Installation{}, err
	}
	u, err := refresh(in)
	if err != nil {
		return store.Installation{}, err
	}
	if u.Keep {
		return in, nil
	}
	err = m.updateInstallation(ctx, id, true, func(in *store.Installation) bool {
		in.AccessToken, in.RefreshToken, in.TokenExpiresAt = u.AccessToken, u.RefreshToken, ms(u.ExpiresAt)
		return true
	})
	if err != nil {
		return store.Installation{}, err
	}
	in.AccessToken, in.RefreshToken, in.TokenExpiresAt = u.AccessToken, u.RefreshToken, ms(u.ExpiresAt)
	return in, nil
}

func (m *Memory) updateInstallation(ctx context.Context, id string, active bool, f func(*store.Installation) bool) error {
	return m.tx(ctx, func(d *db) error {
		in, ok := d.installs[id]
		if !ok || (active && in.Status != store.StatusActive) || !f(&in) {
			return store.ErrNotFound
		}
		d.installs[id] = in
		return nil
	})
}

// RevokeInstallation implements store.Store in one step: the installation
// is marked revoked and its sealed tokens cleared, its personal access
// tokens, MCP tokens and consents revoked (each keeping its first
// revocation time), its codes and browser sessions deleted, so a
// reinstall brings none of them back. Revoking again succeeds.
func (m *Memory) RevokeInstallation(ctx context.Context, id string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		in, ok := d.installs[id]
		if !ok {
			return store.ErrNotFound
		}
		in.Status, in.AccessToken, in.RefreshToken, in.TokenExpiresAt = store.StatusRevoked, "", "", time.Time{}
		d.installs[id] = in
		for h, p := range d.pats {
			if p.InstallationID == id {
				p.RevokedAt = first(p.RevokedAt, at)
				d.pats[h] = p
			}
		}
		for h, t := range d.tokens {
			if t.InstallationID == id {
				t.RevokedAt = first(t.RevokedAt, at)
				d.tokens[h] = t
			}
		}
		for k, c := range d.consents {
			if k.installation == id {
				c.RevokedAt = first(c.RevokedAt, at)
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
	})
}

// SealedInstallations implements store.Resealer.
func (m *Memory) SealedInstallations(ctx context.Context, afterID string, limit int) (out []store.Installation, err error) {
	if limit <= 0 {
		limit = 100
	}
	err = m.tx(ctx, func(d *db) error {
		for _, in := range d.installs {
			if in.Status == store.StatusActive && in.AccessToken != "" && in.ID > afterID {
				out = append(out, copyInstallation(in))
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out[:min(limit, len(out))], err
}

// CreatePAT implements store.Store: ErrNotFound when the installation is
// unknown or revoked, ErrAlreadyExists when the hash is taken. A zero
// CreatedAt becomes now.
func (m *Memory) CreatePAT(ctx context.Context, p store.PAT) error {
	if err := store.CheckPAT(p); err != nil {
		return err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		if !d.alive(p.InstallationID) {
			return store.ErrNotFound
		}
		if _, ok := d.pats[p.Hash]; ok {
			return store.ErrAlreadyExists
		}
		p.CreatedAt, p.LastUsedAt, p.RevokedAt = ms(p.CreatedAt), ms(p.LastUsedAt), ms(p.RevokedAt)
		d.pats[p.Hash] = p
		return nil
	})
}

// GetPAT implements store.Store: the token must be unrevoked and its
// installation active.
func (m *Memory) GetPAT(ctx context.Context, hash string) (p store.PAT, err error) {
	err = m.tx(ctx, func(d *db) error {
		stored, ok := d.pats[hash]
		if !ok || !stored.RevokedAt.IsZero() || !d.alive(stored.InstallationID) {
			return store.ErrNotFound
		}
		p = stored
		return nil
	})
	return p, err
}

// TouchPAT implements store.Store.
func (m *Memory) TouchPAT(ctx context.Context, hash string, at time.Time) error {
	return m.tx(ctx, func(d *db) error {
		p, ok := d.pats[hash]
		if !ok {
			return store.ErrNotFound
		}
		p.LastUsedAt = later(p.LastUsedAt, at)
		d.pats[hash] = p
		return nil
	})
}

// AppendAudit implements store.Store. A zero At becomes now; e.ID is
// ignored (assigned here, increasing).
func (m *Memory) AppendAudit(ctx context.Context, e store.AuditEvent) error {
	if err := store.CheckAuditEvent(e); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = m.now()
	}
	return m.tx(ctx, func(d *db) error {
		d.lastAudit++
		e.ID, e.At = d.lastAudit, ms(e.At)
		d.audit = append(d.audit, e)
		return nil
	})
}

// ListAudit implements store.Store: newest first (by At, then ID); Limit
// <= 0 means no limit.
func (m *Memory) ListAudit(ctx context.Context, f store.AuditFilter) (out []store.AuditEvent, err error) {
	since := ms(f.Since)
	err = m.tx(ctx, func(d *db) error {
		for _, e := range d.audit {
			if (f.Event == "" || e.Event == f.Event) && (f.TeamID == "" || e.TeamID == f.TeamID) &&
				(f.UserID == "" || e.UserID == f.UserID) && (since.IsZero() || !e.At.Before(since)) {
				out = append(out, e)
			}
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.After(out[j].At)
		}
		return out[i].ID > out[j].ID
	})
	if f.Limit > 0 {
		out = out[:min(f.Limit, len(out))]
	}
	return out, err
}
