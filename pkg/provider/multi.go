package provider

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// accessTimeout bounds deciding what a caller may read of the users
// directory (one users.info at most). It runs detached from the request
// that started it, as concurrent first uses share it.
const accessTimeout = 30 * time.Second

// MultiOptions configure the multi-user provider.
type MultiOptions struct {
	Factory *slackapi.Factory
	// Validator authenticates callers (pkg/caller); Multi builds each
	// session from the caller's validation and releases it when the
	// Validator drops that validation. Nil: a Validator that refuses
	// every token.
	Validator *caller.Validator
	// DirectoryTTL is the refresh interval of the directories (default
	// workspace.DefaultTTL).
	DirectoryTTL time.Duration
	// Snapshots shares directory sweeps between replicas (SealedSnapshots
	// on the store): a workspace's users and a person's channels are swept
	// by one replica per DirectoryTTL and loaded by the others. Nil: each
	// replica sweeps on its own.
	Snapshots workspace.SharedSnapshots
	// DirectoryObserver counts directory lookups (metrics); nil counts
	// nothing.
	DirectoryObserver workspace.Observer
	Logger            zerolog.Logger
	Now               func() time.Time
}

// Multi serves each caller with a session of its own Slack token: the
// client points at the caller's workspace URL, the users directory is
// shared by everyone of the workspace, the channels directory belongs to
// one Slack user. A session lives as long as its validation in the
// Validator (bounded, idle ones dropped). It implements tools.Provider.
type Multi struct {
	o  MultiOptions
	sf singleflight.Group

	mu         sync.Mutex
	entries    map[string]*entry   // caller key -> session
	workspaces map[string]*wsDir   // enterprise/team -> users directory
	userDirs   map[string]*userDir // enterprise/team/user/kind -> channels directory
	closed     bool
}

var (
	_ tools.Provider  = (*Multi)(nil)
	_ tools.Rechecker = (*Multi)(nil)
)

// entry is the session of one validated Bearer value.
type entry struct {
	key   string
	gen   uint64 // of the validation the session was checked against
	creds slackapi.Credentials
	id    slackapi.Identity

	session *tools.Session
	access  dirAccess // of the users directory (visibility.go)
	ws      *wsDir
	ud      *userDir
}

// NewMulti returns an empty provider. Call Run in the background to drop
// idle sessions even when no request arrives (each access also does).
func NewMulti(o MultiOptions) *Multi {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Validator == nil {
		o.Validator = caller.NewValidator(caller.ValidatorOptions{Factory: o.Factory, Logger: o.Logger, Now: o.Now})
	}
	m := &Multi{
		o:          o,
		entries:    map[string]*entry{},
		workspaces: map[string]*wsDir{},
		userDirs:   map[string]*userDir{},
	}
	o.Validator.OnDrop(m.drop)
	return m
}

// Session implements tools.Provider for the caller of ctx (set by the
// authn middleware). The first call of a validation builds the session
// without a Slack call (but for a users.info that decides what the
// caller may read of the shared users directory, when it is not warm);
// its directories warm in the background. A caller whose validation has
// expired is validated again.
func (m *Multi) Session(ctx context.Context) (*tools.Session, error) {
	c := tenant.From(ctx)
	if c == nil {
		return nil, errors.New("provider: no authenticated caller in the request context")
	}
	key := caller.KeyOf(c)
	for attempt := 0; attempt < 2; attempt++ {
		val, ok := m.o.Validator.Lookup(key)
		if !ok {
			if _, err := m.o.Validator.AuthenticateIn(ctx, c.Bearer, c.Installation); err != nil {
				return nil, err
			}
			if val, ok = m.o.Validator.Lookup(key); !ok {
				continue
			}
		}
		m.mu.Lock()
		if e := m.entries[key]; e != nil && e.gen == val.Gen && e.session != nil {
			s := e.session
			m.mu.Unlock()
			return s, nil
		}
		m.mu.Unlock()
		if s, err := m.open(ctx, key, val); err != nil || s != nil {
			return s, err
		}
	}
	return nil, fmt.Errorf("provider: session of token %s was dropped while being opened; retry", key[:min(12, len(key))])
}

// open checks the session of key against a new validation: it decides
// what the caller may read of the users directory, keeps the session when
// nothing that shaped it changed, else rebuilds it. It returns nil when
// the validation was dropped meanwhile. Concurrent opens of one
// validation share the work.
func (m *Multi) open(ctx context.Context, key string, val caller.Validation) (*tools.Session, error) {
	res, _, _ := m.sf.Do(key+"/"+strconv.FormatUint(val.Gen, 10), func() (any, error) {
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), accessTimeout)
		defer cancel()
		access := m.accessOf(actx, m.o.Factory.NewClient(val.Credentials, val.Identity))
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.closed || !m.o.Validator.Current(key, val.Gen) {
			return (*tools.Session)(nil), nil
		}
		e := m.entries[key]
		if e != nil && (e.creds != val.Credentials || !sameIdentity(e.id, val.Identity) || e.access != access) {
			m.leaveLocked(e)
		}
		if e == nil {
			e = &entry{key: key}
			m.entries[key] = e
		}
		e.gen, e.creds, e.id, e.access = val.Gen, val.Credentials, val.Identity, access
		if e.session == nil {
			m.openLocked(e)
		}
		return e.session, nil
	})
	return res.(*tools.Session), nil
}

// drop releases the session built from a validation the Validator let go.
func (m *Multi) drop(key string, gen uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.entries[key]; e != nil && e.gen <= gen {
		delete(m.entries, key)
		m.leaveLocked(e)
		m.o.Logger.Debug().Str("token", key[:min(12, len(key))]).Msg("session dropped")
	}
}

func sameIdentity(a, b slackapi.Identity) bool {
	return a.TeamID == b.TeamID && a.EnterpriseID == b.EnterpriseID && a.UserID == b.UserID &&
		a.URL == b.URL && a.Kind == b.Kind
}

// Recheck implements tools.Rechecker: caller.Validator.Recheck.
func (m *Multi) Recheck(ctx context.Context) error { return m.o.Validator.Recheck(ctx) }

// Invalidate forgets the validation, and so the session, of the caller of
// ctx; the server calls it when Slack refuses the caller's token
// (caller.Validator.Invalidate).
func (m *Multi) Invalidate(ctx context.Context) { m.o.Validator.Invalidate(ctx) }

// Sweep drops idle validations, their sessions and expired refusals now.
func (m *Multi) Sweep() { m.o.Validator.Sweep() }

// Run sweeps the Validator (caller.Validator.Run) until ctx is done, then
// closes the provider.
func (m *Multi) Run(ctx context.Context) {
	m.o.Validator.Run(ctx)
	m.Close()
}

// Close stops every directory refresh and forgets everything, the
// Validator's validations included. Sessions handed out keep working
// without background refreshes.
func (m *Multi) Close() {
	m.o.Validator.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	for key, e := range m.entries {
		delete(m.entries, key)
		m.leaveLocked(e)
	}
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
	validated, refused := m.o.Validator.Stats()
	users, channels := 0, 0
	for _, ws := range m.workspaces {
		if ws.users.Ready() {
			ready++
		}
		users += ws.users.Len()
	}
	for _, ud := range m.userDirs {
		channels += ud.channels.Len()
	}
	return map[string]any{
		"validated_tokens":    validated,
		"sessions":            sessions,
		"workspaces":          len(m.workspaces),
		"workspaces_ready":    ready,
		"channel_directories": len(m.userDirs),
		"refused_tokens":      refused,
		"max_sessions":        m.o.Validator.MaxValidations(),
		"user_entries":        users,
		"channel_entries":     channels,
	}
}
