package provider

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// Defaults of MultiOptions.
const (
	DefaultValidationTTL = 10 * time.Minute
	DefaultMaxSessions   = 10_000
	DefaultIdleTTL       = 30 * time.Minute
)

// validateTimeout bounds one validation (PAT lookup + auth.test). It runs
// detached from the request that started it, so one caller giving up does
// not fail the others waiting on the same token.
const validateTimeout = 30 * time.Second

// MultiOptions configure the multi-user provider.
type MultiOptions struct {
	Factory *slackapi.Factory
	// Callers decides what a Bearer value stands for and remembers
	// refusals (pkg/caller); nil refuses every token.
	Callers *caller.Resolver
	// ValidationTTL is how long an auth.test answer is trusted (default
	// 10m); within it a token costs no Slack call.
	ValidationTTL time.Duration
	// RecheckAfter bounds how old a validation may be when a tool answers
	// from the directories alone (default DefaultRecheckAfter, 1m): older,
	// the token is checked with auth.test first (recheck.go).
	RecheckAfter time.Duration
	// MaxSessions bounds the validated tokens kept, with their sessions,
	// least recently used first out (default 10,000).
	MaxSessions int
	// IdleTTL drops sessions unused this long, and directories nobody
	// uses any more (default 30m).
	IdleTTL time.Duration
	// DirectoryTTL is the refresh interval of the directories (default
	// workspace.DefaultTTL).
	DirectoryTTL time.Duration
	Logger       zerolog.Logger
	Now          func() time.Time
}

// Multi serves each caller with a session of its own Slack token: the
// client points at the caller's workspace URL, the users directory is
// shared by everyone of the workspace, the channels directory belongs to
// one Slack user. Everything lives in memory, bounded by MaxSessions and
// IdleTTL. It implements tools.Provider and authn.Authenticator.
type Multi struct {
	o  MultiOptions
	sf singleflight.Group

	mu         sync.Mutex
	entries    map[string]*entry   // caller key -> validated token
	lru        *list.List          // of *entry, most recently used at the front
	workspaces map[string]*wsDir   // enterprise/team -> users directory
	userDirs   map[string]*userDir // enterprise/team/user/kind -> channels directory
	epoch      uint64              // bumped by every invalidation
	closed     bool
}

var (
	_ tools.Provider      = (*Multi)(nil)
	_ authn.Authenticator = (*Multi)(nil)
)

// entry is one validated bearer token and, once a tool ran, its session.
type entry struct {
	key        string
	creds      slackapi.Credentials
	id         slackapi.Identity
	validUntil time.Time
	lastUsed   time.Time
	elem       *list.Element

	session *tools.Session // nil until the first Session call
	access  dirAccess      // of the users directory (visibility.go)
	ws      *wsDir
	ud      *userDir
}

// NewMulti returns an empty provider. Call Run in the background to drop
// idle sessions even when no request arrives (each access also does).
func NewMulti(o MultiOptions) *Multi {
	if o.ValidationTTL <= 0 {
		o.ValidationTTL = DefaultValidationTTL
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	if o.IdleTTL <= 0 {
		o.IdleTTL = DefaultIdleTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Callers == nil {
		o.Callers = caller.New(caller.Options{Now: o.Now})
	}
	return &Multi{
		o:          o,
		entries:    map[string]*entry{},
		lru:        list.New(),
		workspaces: map[string]*wsDir{},
		userDirs:   map[string]*userDir{},
	}
}

// keyOf is the caller's key; Callers built elsewhere may leave it empty.
func keyOf(c *tenant.Caller) string {
	if c.Key != "" {
		return c.Key
	}
	return tenant.KeyOf(c.Bearer)
}

// Authenticate implements authn.Authenticator. A token validated less
// than ValidationTTL ago costs no Slack call; concurrent first uses of a
// token share one auth.test; refused tokens are remembered for
// NegativeTTL. Tokens we issued (personal access tokens, OAuth access
// tokens) are looked up in the store on every call, so a revocation bites
// at once; the caller of an OAuth access token carries its grant's scopes.
func (m *Multi) Authenticate(ctx context.Context, bearer string) (*tenant.Caller, error) {
	bearer = strings.TrimSpace(bearer)
	switch {
	case bearer == "":
		return nil, authn.ErrMissingToken
	case len(bearer) > authn.MaxTokenBytes:
		return nil, fmt.Errorf("%w: token longer than %d bytes", authn.ErrInvalidToken, authn.MaxTokenBytes)
	}
	key := tenant.KeyOf(bearer)
	now := m.o.Now()

	m.mu.Lock()
	m.expireLocked(now)
	if e := m.entries[key]; e != nil && now.Before(e.validUntil) {
		m.touchLocked(e, now)
		m.mu.Unlock()
		var scopes []string
		if caller.KindOf(bearer).Issued() {
			var err error
			if scopes, err = m.recheckIssued(ctx, key, bearer); err != nil {
				return nil, err
			}
		}
		return m.caller(key, bearer, scopes), nil
	}
	epoch := m.epoch
	m.mu.Unlock()
	if err, ok := m.o.Callers.Refused(key); ok {
		return nil, err
	}

	ch := m.sf.DoChan(key, func() (any, error) {
		// A caller delayed between the cache check above and this flight
		// may arrive after an earlier flight stored the answer: use it.
		if !caller.KindOf(bearer).Issued() && m.validNow(key, epoch) {
			return nil, nil
		}
		vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
		defer cancel()
		return m.validate(vctx, key, bearer, epoch)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		scopes, _ := res.Val.([]string)
		return m.caller(key, bearer, caller.CloneScopes(scopes)), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// validNow reports whether key holds a validation that is still fresh
// and no invalidation happened since epoch.
func (m *Multi) validNow(key string, epoch uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[key]
	return e != nil && m.epoch == epoch && m.o.Now().Before(e.validUntil)
}

// caller builds the request's Caller; its Subject (the Slack identity)
// outlives token refreshes, so sessions bound to it survive them.
func (m *Multi) caller(key, bearer string, scopes []string) *tenant.Caller {
	c := &tenant.Caller{Key: key, Bearer: bearer, Scopes: scopes}
	m.mu.Lock()
	if e := m.entries[key]; e != nil {
		c.Subject = e.id.EnterpriseID + "|" + e.id.TeamID + "|" + e.id.UserID
	}
	m.mu.Unlock()
	return c
}

// validate resolves and checks the token with auth.test and records the
// outcome: the identity on success, a refusal when Slack (or the token
// store) rejected it. Outages are returned and not recorded. It returns
// the scopes of the token's grant (nil: unrestricted).
func (m *Multi) validate(ctx context.Context, key, bearer string, epoch uint64) ([]string, error) {
	fp := key[:12]
	g, err := m.o.Callers.Resolve(ctx, bearer)
	if err != nil {
		if caller.IsRefusal(err) {
			m.o.Callers.Refuse(key, err)
		}
		return nil, err
	}
	creds, scopes := g.Credentials, g.Scopes
	cl, err := m.o.Factory.Connect(ctx, creds)
	if err != nil {
		if !slackapi.IsAuthFailure(err) {
			return nil, fmt.Errorf("provider: validating token %s: %w", fp, err)
		}
		err = m.o.Callers.SlackRefused(ctx, bearer, creds, err)
		m.o.Callers.Refuse(key, err)
		return nil, err
	}
	id := cl.Identity
	access := m.accessOf(ctx, cl)
	now := m.o.Now()

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.epoch != epoch {
		// Invalidated while we asked Slack: answer this caller, cache nothing.
		return scopes, nil
	}
	e := m.entries[key]
	if e != nil && e.session != nil && (!sameIdentity(e.id, id) || e.access != access) {
		m.leaveLocked(e)
	}
	if e == nil {
		e = &entry{key: key}
		e.elem = m.lru.PushFront(e)
		m.entries[key] = e
	}
	e.creds, e.id, e.access = creds, id, access
	e.validUntil = now.Add(m.o.ValidationTTL)
	m.touchLocked(e, now)
	for len(m.entries) > m.o.MaxSessions {
		m.removeLocked(m.lru.Back().Value.(*entry), "lru")
	}
	m.o.Logger.Debug().Str("token", fp).Str("team", id.TeamID).Str("user", id.UserID).Msg("token validated")
	return scopes, nil
}

// recheckIssued asks the token store about a token we issued on every
// request (a local lookup, no Slack call), so a revocation, also by
// another replica, bites at once; only the auth.test answer is cached. A
// refreshed Slack token replaces the session's client. It returns the
// grant's scopes.
func (m *Multi) recheckIssued(ctx context.Context, key, bearer string) ([]string, error) {
	g, err := m.o.Callers.Resolve(ctx, bearer)
	if err != nil {
		if caller.IsRefusal(err) {
			m.InvalidateKey(key)
			m.o.Callers.Refuse(key, err)
		}
		return nil, err
	}
	creds, scopes := g.Credentials, g.Scopes
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.entries[key]; e != nil && e.creds != creds {
		m.leaveLocked(e)
		e.creds = creds
	}
	return scopes, nil
}

func sameIdentity(a, b slackapi.Identity) bool {
	return a.TeamID == b.TeamID && a.EnterpriseID == b.EnterpriseID && a.UserID == b.UserID &&
		a.URL == b.URL && a.Kind == b.Kind
}

// Session implements tools.Provider for the caller of ctx (set by the
// authn middleware). The first call of a caller builds the session without
// a Slack call; its directories warm in the background. A caller whose
// validation has expired is validated again.
func (m *Multi) Session(ctx context.Context) (*tools.Session, error) {
	c := tenant.From(ctx)
	if c == nil {
		return nil, errors.New("provider: no authenticated caller in the request context")
	}
	key := keyOf(c)
	for attempt := 0; ; attempt++ {
		now := m.o.Now()
		m.mu.Lock()
		m.expireLocked(now)
		e := m.entries[key]
		if e != nil && now.Before(e.validUntil) {
			if e.session == nil {
				m.openLocked(e)
			}
			m.touchLocked(e, now)
			s := e.session
			m.mu.Unlock()
			return s, nil
		}
		m.mu.Unlock()
		if attempt > 0 {
			return nil, fmt.Errorf("provider: session of token %s was dropped while being opened; retry", key[:min(12, len(key))])
		}
		if _, err := m.Authenticate(ctx, c.Bearer); err != nil {
			return nil, err
		}
	}
}

func (m *Multi) touchLocked(e *entry, now time.Time) {
	e.lastUsed = now
	m.lru.MoveToFront(e.elem)
}

// removeLocked forgets a validated token and releases its session.
func (m *Multi) removeLocked(e *entry, why string) {
	delete(m.entries, e.key)
	m.lru.Remove(e.elem)
	m.leaveLocked(e)
	m.o.Logger.Debug().Str("token", e.key[:12]).Str("reason", why).Msg("session dropped")
}

// expireLocked drops sessions idle for IdleTTL (oldest at the back of the
// LRU, so this costs nothing when none is due) and, at most once per
// NegativeTTL, expired refusals.
func (m *Multi) expireLocked(now time.Time) {
	for b := m.lru.Back(); b != nil; b = m.lru.Back() {
		e := b.Value.(*entry)
		if now.Sub(e.lastUsed) < m.o.IdleTTL {
			break
		}
		m.removeLocked(e, "idle")
	}
}

// Invalidate forgets the validation and session of the caller of ctx, so
// its next request asks Slack again. The server calls it when Slack
// answers invalid_auth, token_revoked or account_inactive (confirmRevoked).
func (m *Multi) Invalidate(ctx context.Context) {
	c := tenant.From(ctx)
	if c == nil {
		return
	}
	m.InvalidateKey(keyOf(c))
	m.confirmRevoked(ctx, c)
}

// InvalidateKey is Invalidate by caller key (tenant.KeyOf of the token),
// for code that revokes tokens outside a request: the key is the same
// hash the store keeps of personal access tokens.
func (m *Multi) InvalidateKey(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch++
	m.sf.Forget(key)
	if e := m.entries[key]; e != nil {
		m.removeLocked(e, "invalidated")
		m.o.Logger.Info().Str("token", key[:min(12, len(key))]).Msg("token validation evicted")
	}
}

// Identity is who the caller of ctx is in Slack (team, user, workspace
// URL), from the cached auth.test answer; for request logs and the audit
// trail. It never calls Slack.
func (m *Multi) Identity(ctx context.Context) (slackapi.Identity, bool) {
	c := tenant.From(ctx)
	if c == nil {
		return slackapi.Identity{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.entries[keyOf(c)]
	if e == nil {
		return slackapi.Identity{}, false
	}
	return e.id, true
}

// Sweep drops idle sessions and expired refusals now.
func (m *Multi) Sweep() {
	now := m.o.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expireLocked(now)
	m.o.Callers.PurgeRefusals()
}

// Run sweeps every IdleTTL/4 (clamped to between a second and a minute)
// until ctx is done, then closes the provider.
func (m *Multi) Run(ctx context.Context) {
	every := min(max(m.o.IdleTTL/4, time.Second), time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	defer m.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.Sweep()
		}
	}
}

// Close stops every directory refresh and forgets everything. Sessions
// handed out keep working without background refreshes.
func (m *Multi) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for _, e := range m.entries {
		m.removeLocked(e, "closed")
	}
	m.o.Callers.ForgetRefusals()
}

// Stats reports the cache sizes for /health.
func (m *Multi) Stats() map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	sessions, ready := 0, 0
	for _, e := range m.entries {
		if e.session != nil {
			sessions++
		}
	}
	for _, ws := range m.workspaces {
		if ws.users.Ready() {
			ready++
		}
	}
	return map[string]any{
		"validated_tokens":    len(m.entries),
		"sessions":            sessions,
		"workspaces":          len(m.workspaces),
		"workspaces_ready":    ready,
		"channel_directories": len(m.userDirs),
		"refused_tokens":      m.o.Callers.Refusals(),
		"max_sessions":        m.o.MaxSessions,
	}
}
