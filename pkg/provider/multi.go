package provider

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/resource"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// PATResolver maps a personal access token we issued to the Slack
// credentials of its installation. Unknown and revoked tokens are errors
// wrapping authn.ErrInvalidToken or authn.ErrRevokedToken; any other error
// is an outage (the caller gets a 503, nothing is cached).
type PATResolver interface {
	ResolvePAT(ctx context.Context, token string) (slackapi.Credentials, error)
}

// AccessGrant is what an OAuth access token issued by this server
// (pkg/oauthserver) stands for. pkg/oauthserver must not import this
// package (cmd imports both); it declares its own Grant with the same
// fields in the same order, so cmd adapts with a plain conversion:
//
//	provider.AccessTokenFunc(func(ctx context.Context, tok string) (provider.AccessGrant, error) {
//		g, err := as.ResolveAccessToken(ctx, tok)
//		return provider.AccessGrant(g), err
//	})
type AccessGrant struct {
	// Credentials are the Slack credentials of the installation the grant
	// was made for.
	Credentials slackapi.Credentials
	// Scopes are the granted scopes (tenant.ScopeRead, tenant.ScopeWrite).
	// They reach the caller as tenant.Caller.Scopes; nil is read as "none
	// granted", never as unrestricted.
	Scopes []string
	// ClientID is the OAuth client the token was issued to.
	ClientID string
	// Resource is the resource URI (RFC 8707) the token is bound to;
	// checked against MultiOptions.Resources. Empty means this server (the
	// authorization server records our canonical URI for clients that sent
	// none).
	Resource string
	// InstallationID is the store's key of the Slack installation.
	InstallationID string
}

// AccessTokenResolver maps an OAuth access token we issued to its grant.
// Unknown and expired tokens are errors wrapping authn.ErrInvalidToken,
// revoked ones (or tokens of a disconnected installation)
// authn.ErrRevokedToken; any other error is an outage (the caller gets a
// 503, nothing is cached). Errors must not contain the token.
type AccessTokenResolver interface {
	ResolveAccessToken(ctx context.Context, token string) (AccessGrant, error)
}

// AccessTokenFunc adapts a function to AccessTokenResolver.
type AccessTokenFunc func(ctx context.Context, token string) (AccessGrant, error)

// ResolveAccessToken implements AccessTokenResolver.
func (f AccessTokenFunc) ResolveAccessToken(ctx context.Context, token string) (AccessGrant, error) {
	return f(ctx, token)
}

// The sentences of refusals the client sees (authn.Refusal); fixed text,
// no request data.
const (
	msgSlackTokensRefused = "this server does not accept Slack tokens as Bearer tokens: the MCP specification forbids passing a client's token through to an upstream API. " +
		"Add the server to your MCP client by its URL and sign in when asked; the client then authorizes at /authorize and gets a token issued by this server"
	msgWrongAudience = "this access token was issued for another resource; authorize again for this server"
)

// Defaults of MultiOptions.
const (
	DefaultValidationTTL = 10 * time.Minute
	DefaultMaxSessions   = 10_000
	DefaultIdleTTL       = 30 * time.Minute
	DefaultNegativeTTL   = 30 * time.Second
)

// validateTimeout bounds one validation (PAT lookup + auth.test). It runs
// detached from the request that started it, so one caller giving up does
// not fail the others waiting on the same token.
const validateTimeout = 30 * time.Second

// MultiOptions configure the multi-user provider.
type MultiOptions struct {
	Factory *slackapi.Factory
	// PATs resolves personal access tokens (PATPrefix...); nil accepts
	// only Slack tokens.
	PATs      PATResolver
	PATPrefix string // tenant.PATPrefix in OAuth mode
	// AccessTokens resolves the OAuth access tokens we issue
	// (AccessTokenPrefix...); nil refuses them.
	AccessTokens AccessTokenResolver
	// AccessTokenPrefix marks our access tokens (default
	// tenant.AccessTokenPrefix when AccessTokens is set). It must differ
	// from PATPrefix.
	AccessTokenPrefix string
	// Resources are the resource URIs an access token may be bound to
	// (resource.Identifiers: the public URL and its /mcp, /sse forms); a
	// grant bound to another is refused. Empty leaves the audience check to
	// the resolver.
	Resources []string
	// AcceptSlackTokens accepts xoxp-/xoxb- tokens sent directly as the
	// Bearer token. Off, they are refused with a sentence saying why (the
	// MCP specification forbids token passthrough) and how to connect.
	AcceptSlackTokens bool
	// ValidationTTL is how long an auth.test answer is trusted (default
	// 10m); within it a token costs no Slack call.
	ValidationTTL time.Duration
	// RecheckAfter bounds how old a validation may be when a tool answers
	// from the directories alone (default DefaultRecheckAfter, 1m): older,
	// the token is checked with auth.test first (recheck.go).
	RecheckAfter time.Duration
	// NegativeTTL is how long a refused token stays refused without
	// asking Slack again (default 30s).
	NegativeTTL time.Duration
	// MaxSessions bounds the validated tokens kept, with their sessions,
	// least recently used first out (default 10,000). It also bounds the
	// table of refused tokens.
	MaxSessions int
	// IdleTTL drops sessions unused this long, and directories nobody
	// uses any more (default 30m).
	IdleTTL time.Duration
	// DirectoryTTL is the refresh interval of the directories (default
	// workspace.DefaultTTL).
	DirectoryTTL time.Duration
	Revoked      RevokedFunc // told when Slack ends the grant behind a token we issued (revoked.go)
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
	entries    map[string]*entry // caller key -> validated token
	lru        *list.List        // of *entry, most recently used at the front
	negative   map[string]refusal
	workspaces map[string]*wsDir   // enterprise/team -> users directory
	userDirs   map[string]*userDir // enterprise/team/user/kind -> channels directory
	epoch      uint64              // bumped by every invalidation
	lastPurge  time.Time
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

type refusal struct {
	err   error
	until time.Time
}

// NewMulti returns an empty provider. Call Run in the background to drop
// idle sessions even when no request arrives (each access also does).
func NewMulti(o MultiOptions) *Multi {
	if o.ValidationTTL <= 0 {
		o.ValidationTTL = DefaultValidationTTL
	}
	if o.NegativeTTL <= 0 {
		o.NegativeTTL = DefaultNegativeTTL
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
	if o.AccessTokens != nil && o.AccessTokenPrefix == "" {
		o.AccessTokenPrefix = tenant.AccessTokenPrefix
	}
	return &Multi{
		o:          o,
		entries:    map[string]*entry{},
		lru:        list.New(),
		negative:   map[string]refusal{},
		workspaces: map[string]*wsDir{},
		userDirs:   map[string]*userDir{},
	}
}

// CallerKey is the cache key of a bearer token: the hex SHA-256. Its first
// 12 digits are the token's fingerprint in logs.
func CallerKey(bearer string) string {
	sum := sha256.Sum256([]byte(bearer))
	return hex.EncodeToString(sum[:])
}

// keyOf is the caller's key; Callers built elsewhere may leave it empty.
func keyOf(c *tenant.Caller) string {
	if c.Key != "" {
		return c.Key
	}
	return CallerKey(c.Bearer)
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
	key := CallerKey(bearer)
	now := m.o.Now()

	m.mu.Lock()
	m.expireLocked(now)
	if e := m.entries[key]; e != nil && now.Before(e.validUntil) {
		m.touchLocked(e, now)
		m.mu.Unlock()
		var scopes []string
		if m.issuedKind(bearer) != notIssued {
			var err error
			if scopes, err = m.recheckIssued(ctx, key, bearer); err != nil {
				return nil, err
			}
		}
		return m.caller(key, bearer, scopes), nil
	}
	if r, ok := m.negative[key]; ok {
		if now.Before(r.until) {
			m.mu.Unlock()
			return nil, r.err
		}
		delete(m.negative, key)
	}
	epoch := m.epoch
	m.mu.Unlock()

	ch := m.sf.DoChan(key, func() (any, error) {
		// A caller delayed between the cache check above and this flight
		// may arrive after an earlier flight stored the answer: use it.
		if m.issuedKind(bearer) == notIssued && m.validNow(key, epoch) {
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
		return m.caller(key, bearer, cloneScopes(scopes)), nil
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
	creds, scopes, err := m.credentials(ctx, bearer, fp)
	if err != nil {
		if isRefusal(err) {
			m.refuse(key, err)
		}
		return nil, err
	}
	cl, err := m.o.Factory.Connect(ctx, creds)
	if err != nil {
		if !slackapi.IsAuthFailure(err) {
			return nil, fmt.Errorf("provider: validating token %s: %w", fp, err)
		}
		err = m.slackRefused(ctx, bearer, creds, err)
		m.refuse(key, err)
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

// issuer says which kind of token we issued a bearer token is.
type issuer int

const (
	notIssued   issuer = iota
	patIssued          // a personal access token (PATPrefix)
	accessToken        // an OAuth access token (AccessTokenPrefix)
)

// issuedKind classifies by prefix only; the personal access token prefix
// is checked first.
func (m *Multi) issuedKind(bearer string) issuer {
	switch {
	case m.o.PATPrefix != "" && strings.HasPrefix(bearer, m.o.PATPrefix):
		return patIssued
	case m.o.AccessTokenPrefix != "" && strings.HasPrefix(bearer, m.o.AccessTokenPrefix):
		return accessToken
	default:
		return notIssued
	}
}

// resolveIssued asks the token store what a token we issued stands for:
// the Slack credentials and the grant's scopes (nil for personal access
// tokens, which are unrestricted; never nil for OAuth access tokens).
// Refusals wrap authn.ErrInvalidToken or authn.ErrRevokedToken; other
// errors are outages.
func (m *Multi) resolveIssued(ctx context.Context, kind issuer, bearer, fp string) (slackapi.Credentials, []string, error) {
	switch kind {
	case patIssued:
		if m.o.PATs == nil {
			return slackapi.Credentials{}, nil, fmt.Errorf("%w: personal access tokens are not enabled", authn.ErrInvalidToken)
		}
		creds, err := m.o.PATs.ResolvePAT(ctx, bearer)
		if err != nil {
			if isRefusal(err) {
				return slackapi.Credentials{}, nil, err
			}
			return slackapi.Credentials{}, nil, fmt.Errorf("provider: resolving personal access token %s: %w", fp, err)
		}
		return creds, nil, nil
	case accessToken:
		if m.o.AccessTokens == nil {
			return slackapi.Credentials{}, nil, fmt.Errorf("%w: OAuth access tokens are not enabled", authn.ErrInvalidToken)
		}
		g, err := m.o.AccessTokens.ResolveAccessToken(ctx, bearer)
		if err != nil {
			if isRefusal(err) {
				return slackapi.Credentials{}, nil, err
			}
			return slackapi.Credentials{}, nil, fmt.Errorf("provider: resolving access token %s: %w", fp, err)
		}
		if g.Resource != "" && len(m.o.Resources) > 0 && !resource.Match(m.o.Resources, g.Resource) {
			return slackapi.Credentials{}, nil, authn.Refusal(authn.ErrInvalidToken, msgWrongAudience)
		}
		if g.Credentials.Token == "" {
			return slackapi.Credentials{}, nil, fmt.Errorf("%w: access token %s resolved to no Slack credentials", authn.ErrInvalidToken, fp)
		}
		scopes := cloneScopes(g.Scopes)
		if scopes == nil {
			scopes = []string{} // an access token is never unrestricted
		}
		return g.Credentials, scopes, nil
	default:
		return slackapi.Credentials{}, nil, fmt.Errorf("%w: not a token issued by this server", authn.ErrInvalidToken)
	}
}

// recheckIssued asks the token store about a token we issued on every
// request (a local lookup, no Slack call), so a revocation, also by
// another replica, bites at once; only the auth.test answer is cached. A
// refreshed Slack token replaces the session's client. It returns the
// grant's scopes.
func (m *Multi) recheckIssued(ctx context.Context, key, bearer string) ([]string, error) {
	creds, scopes, err := m.resolveIssued(ctx, m.issuedKind(bearer), bearer, key[:12])
	if err != nil {
		if isRefusal(err) {
			m.InvalidateKey(key)
			m.refuse(key, err)
		}
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.entries[key]; e != nil && e.creds != creds {
		m.leaveLocked(e)
		e.creds = creds
	}
	return scopes, nil
}

// credentials classifies the bearer token and returns the Slack
// credentials it stands for, with the scopes of its grant (nil:
// unrestricted).
func (m *Multi) credentials(ctx context.Context, bearer, fp string) (slackapi.Credentials, []string, error) {
	if kind := m.issuedKind(bearer); kind != notIssued {
		return m.resolveIssued(ctx, kind, bearer, fp)
	}
	switch slackapi.KindOf(bearer) {
	case slackapi.UserToken, slackapi.BotToken:
		if !m.o.AcceptSlackTokens {
			return slackapi.Credentials{}, nil, authn.Refusal(authn.ErrInvalidToken, msgSlackTokensRefused)
		}
		return slackapi.Credentials{Token: bearer}, nil, nil
	default:
		return slackapi.Credentials{}, nil, fmt.Errorf("%w: unrecognised token type", authn.ErrInvalidToken)
	}
}

// cloneScopes copies scopes, keeping nil and empty apart.
func cloneScopes(scopes []string) []string {
	if scopes == nil {
		return nil
	}
	return slices.Clone(scopes)
}

func isRefusal(err error) bool {
	return errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken)
}

// refuse remembers a refused token for NegativeTTL. The table is bounded:
// when full, expired refusals go first, then arbitrary ones.
func (m *Multi) refuse(key string, err error) {
	now := m.o.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if limit := m.o.MaxSessions; len(m.negative) >= limit {
		for k, r := range m.negative {
			if !now.Before(r.until) {
				delete(m.negative, k)
			}
		}
		for k := range m.negative {
			if len(m.negative) < limit*3/4 {
				break
			}
			delete(m.negative, k)
		}
	}
	m.negative[key] = refusal{err: err, until: now.Add(m.o.NegativeTTL)}
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

// openLocked builds e's session: a client pointed at the workspace URL
// (no Slack call), the workspace's shared users directory and the user's
// channels directory, creating and starting those on first use.
func (m *Multi) openLocked(e *entry) {
	cl := m.o.Factory.NewClient(e.creds, e.id)
	wsKey := e.id.EnterpriseID + "/" + e.id.TeamID
	dirOpts := workspace.Options{
		TTL:         m.o.DirectoryTTL,
		TeamID:      cl.TeamParam(),
		CacheTeamID: e.id.TeamID,
		Logger:      m.o.Logger,
		Now:         m.o.Now,
	}

	ws := m.workspaces[wsKey]
	if ws == nil {
		ws = &wsDir{shared: newShared(m, wsKey, cl)}
		ws.rank = sweepRank
		ws.users = workspace.NewUsers(usersAPI{ws.shared}, dirOpts)
		m.workspaces[wsKey] = ws
	}
	ws.join(e, cl)

	udKey := wsKey + "/" + e.id.UserID + "/" + e.id.Kind.String() + "/" + scopeKey(e.id)
	ud := m.userDirs[udKey]
	if ud == nil {
		ud = &userDir{shared: newShared(m, udKey, cl)}
		ud.channels = workspace.NewChannels(channelsAPI{ud.shared}, dirOpts)
		m.userDirs[udKey] = ud
		ud.channels.Start(ud.ctx)
	}
	ud.join(e, cl)

	e.ws, e.ud = ws, ud
	e.session = &tools.Session{Client: cl, Users: ws.usersFor(e, cl, dirOpts), Channels: ud.channels}
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

// leaveLocked releases e's directories; the last member of a directory
// stops its background refresh and drops it.
func (m *Multi) leaveLocked(e *entry) {
	if e.session == nil {
		return
	}
	if e.ws.leave(e) {
		delete(m.workspaces, e.ws.key)
	}
	if e.ud.leave(e) {
		delete(m.userDirs, e.ud.key)
	}
	e.session, e.ws, e.ud = nil, nil, nil
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
	if now.Sub(m.lastPurge) >= m.o.NegativeTTL {
		m.lastPurge = now
		for k, r := range m.negative {
			if !now.Before(r.until) {
				delete(m.negative, k)
			}
		}
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

// InvalidateKey is Invalidate by caller key (CallerKey of the token), for
// code that revokes tokens outside a request, such as the OAuth
// disconnect flow (which stores the same SHA-256 of the tokens it issues).
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
	m.lastPurge = time.Time{}
	m.expireLocked(now)
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
	clear(m.negative)
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
		"refused_tokens":      len(m.negative),
		"max_sessions":        m.o.MaxSessions,
	}
}
