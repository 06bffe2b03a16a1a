package caller

import (
	"container/list"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Defaults of ValidatorOptions.
const (
	DefaultValidationTTL  = 10 * time.Minute
	DefaultRecheckAfter   = time.Minute
	DefaultMaxValidations = 10_000
	DefaultIdleTTL        = 30 * time.Minute
)

// validateTimeout bounds one validation (store lookup + auth.test). It
// runs detached from the request that started it, so one caller giving up
// does not fail the others waiting on the same token.
const validateTimeout = 30 * time.Second

// ValidatorOptions configure a Validator.
type ValidatorOptions struct {
	// Resolver decides what a Bearer value stands for and remembers
	// refusals; nil refuses every token.
	Resolver *Resolver
	// Factory connects (auth.test) with the resolved credentials.
	Factory *slackapi.Factory
	// ValidationTTL is how long an auth.test answer is trusted (default
	// 10m); within it a token costs no Slack call.
	ValidationTTL time.Duration
	// RecheckAfter bounds how old a validation may be when a tool answers
	// from caches alone (default 1m): older, Recheck asks auth.test.
	RecheckAfter time.Duration
	// MaxValidations bounds the validations kept, least recently used
	// first out (default 10,000).
	MaxValidations int
	// IdleTTL drops validations unused this long (default 30m).
	IdleTTL time.Duration
	Logger  zerolog.Logger
	Now     func() time.Time
}

// Validation is what auth.test said of one Bearer value.
type Validation struct {
	Credentials slackapi.Credentials
	Identity    slackapi.Identity
	// Gen identifies this validation: it grows with every auth.test answer
	// and every change of credentials (a refreshed Slack token), so a
	// holder of something built from an older one knows to rebuild it.
	Gen uint64
}

// DropFunc is told that the validation of key, generation gen or older,
// is gone (invalidated, idle, pushed out, closed). It is called with no
// lock of the Validator held.
type DropFunc func(key string, gen uint64)

// Validator authenticates Bearer values: Resolver.Resolve, then one
// auth.test per ValidationTTL (concurrent first uses share it), with the
// answer kept per caller key, bounded and dropped when idle. Tokens we
// issued are resolved again on every request (a store read, no Slack
// call), so a revocation bites at once. It implements
// authn.Authenticator and is safe for concurrent use.
type Validator struct {
	o  ValidatorOptions
	sf singleflight.Group

	mu      sync.Mutex
	entries map[string]*validation
	lru     *list.List // of *validation, most recently used at the front
	gen     uint64     // last Validation.Gen handed out
	epoch   uint64     // bumped by every invalidation
	closed  bool
	drops   []DropFunc
}

var _ authn.Authenticator = (*Validator)(nil)

type validation struct {
	key         string
	v           Validation
	validatedAt time.Time
	lastUsed    time.Time
	elem        *list.Element
}

// NewValidator returns a Validator with o's defaults filled in.
func NewValidator(o ValidatorOptions) *Validator {
	if o.ValidationTTL <= 0 {
		o.ValidationTTL = DefaultValidationTTL
	}
	if o.RecheckAfter <= 0 {
		o.RecheckAfter = DefaultRecheckAfter
	}
	o.RecheckAfter = min(o.RecheckAfter, o.ValidationTTL)
	if o.MaxValidations <= 0 {
		o.MaxValidations = DefaultMaxValidations
	}
	if o.IdleTTL <= 0 {
		o.IdleTTL = DefaultIdleTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Resolver == nil {
		o.Resolver = New(Options{Now: o.Now})
	}
	return &Validator{o: o, entries: map[string]*validation{}, lru: list.New()}
}

// OnDrop registers f to be told of every dropped validation (a session
// pool releases what it built from it).
func (v *Validator) OnDrop(f DropFunc) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.drops = append(v.drops, f)
}

// KeyOf is the caller's key; Callers built elsewhere may leave it empty.
func KeyOf(c *tenant.Caller) string {
	if c.Key != "" {
		return c.Key
	}
	return KeyIn(c.Bearer, c.Installation)
}

// Authenticate implements authn.Authenticator. A token validated less
// than ValidationTTL ago costs no Slack call; refused tokens are
// remembered for the Resolver's NegativeTTL. The caller of an access
// token carries its grant's scopes.
func (v *Validator) Authenticate(ctx context.Context, bearer string) (*tenant.Caller, error) {
	return v.AuthenticateIn(ctx, bearer, "")
}

// AuthenticateIn is Authenticate for bearer acting in installation (""
// for the token's own): a validation of its own, under KeyIn.
func (v *Validator) AuthenticateIn(ctx context.Context, bearer, installation string) (*tenant.Caller, error) {
	bearer = strings.TrimSpace(bearer)
	switch {
	case bearer == "":
		return nil, authn.ErrMissingToken
	case len(bearer) > authn.MaxTokenBytes:
		return nil, fmt.Errorf("%w: token longer than %d bytes", authn.ErrInvalidToken, authn.MaxTokenBytes)
	}
	key := KeyIn(bearer, installation)
	now := v.o.Now()

	var dropped []*validation
	v.mu.Lock()
	dropped = v.expireLocked(now, dropped)
	e := v.entries[key]
	fresh := e != nil && now.Before(e.validatedAt.Add(v.o.ValidationTTL))
	if fresh {
		v.touchLocked(e, now)
	}
	epoch := v.epoch
	v.mu.Unlock()
	v.notify(dropped)
	if fresh {
		var scopes []string
		if KindOf(bearer).Issued() {
			var err error
			if scopes, err = v.recheckIssued(ctx, key, bearer, installation); err != nil {
				return nil, err
			}
		}
		return v.caller(key, bearer, installation, scopes), nil
	}
	if err, ok := v.o.Resolver.Refused(key); ok {
		return nil, err
	}
	ch := v.sf.DoChan(key, func() (any, error) {
		// A caller delayed between the check above and this flight may
		// arrive after an earlier flight stored the answer: use it.
		if !KindOf(bearer).Issued() && v.validNow(key, epoch) {
			return nil, nil
		}
		vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
		defer cancel()
		return v.validate(vctx, key, bearer, installation, epoch)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		scopes, _ := res.Val.([]string)
		return v.caller(key, bearer, installation, CloneScopes(scopes)), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// validNow reports whether key holds a validation that is still fresh and
// no invalidation happened since epoch.
func (v *Validator) validNow(key string, epoch uint64) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.entries[key]
	return e != nil && v.epoch == epoch && v.o.Now().Before(e.validatedAt.Add(v.o.ValidationTTL))
}

// caller builds the request's Caller; its Subject (the Slack identity)
// outlives token refreshes, so sessions bound to it survive them.
func (v *Validator) caller(key, bearer, installation string, scopes []string) *tenant.Caller {
	c := &tenant.Caller{Key: key, Bearer: bearer, Scopes: scopes, Installation: installation}
	v.mu.Lock()
	if e := v.entries[key]; e != nil {
		id := e.v.Identity
		c.Subject = id.EnterpriseID + "|" + id.TeamID + "|" + id.UserID
	}
	v.mu.Unlock()
	return c
}

// validate resolves and checks the token with auth.test and records the
// outcome: the identity on success, a refusal when Slack (or the token
// store) rejected it. Outages are returned and not recorded. It returns
// the scopes of the token's grant (nil: unrestricted).
func (v *Validator) validate(ctx context.Context, key, bearer, installation string, epoch uint64) ([]string, error) {
	fp := key[:min(12, len(key))]
	g, err := v.o.Resolver.ResolveIn(ctx, bearer, installation)
	if err != nil {
		if IsRefusal(err) {
			v.o.Resolver.Refuse(key, err)
		}
		return nil, err
	}
	cl, err := v.o.Factory.Connect(ctx, g.Credentials)
	if err != nil {
		if !slackapi.IsAuthFailure(err) {
			return nil, fmt.Errorf("caller: validating token %s: %w", fp, err)
		}
		err = v.o.Resolver.SlackRefused(ctx, bearer, g, err)
		v.o.Resolver.Refuse(key, err)
		return nil, err
	}
	now := v.o.Now()
	var dropped []*validation
	v.mu.Lock()
	if v.closed || v.epoch != epoch {
		// Invalidated while we asked Slack: answer this caller, keep nothing.
		v.mu.Unlock()
		return g.Scopes, nil
	}
	e := v.entries[key]
	if e == nil {
		e = &validation{key: key}
		e.elem = v.lru.PushFront(e)
		v.entries[key] = e
	}
	v.gen++
	e.v = Validation{Credentials: g.Credentials, Identity: cl.Identity, Gen: v.gen}
	e.validatedAt = now
	v.touchLocked(e, now)
	for len(v.entries) > v.o.MaxValidations {
		dropped = append(dropped, v.removeLocked(v.lru.Back().Value.(*validation), "lru"))
	}
	v.mu.Unlock()
	v.notify(dropped)
	v.o.Logger.Debug().Ctx(ctx).Str("token", fp).Str("team", cl.Identity.TeamID).Str("user", cl.Identity.UserID).Msg("token validated")
	return g.Scopes, nil
}

// recheckIssued asks the token store about a token we issued on every
// request (a local lookup, no Slack call), so a revocation, also by
// another replica, bites at once; only the auth.test answer is cached. A
// refreshed Slack token makes a new generation. It returns the grant's
// scopes.
func (v *Validator) recheckIssued(ctx context.Context, key, bearer, installation string) ([]string, error) {
	g, err := v.o.Resolver.ResolveIn(ctx, bearer, installation)
	if err != nil {
		if IsRefusal(err) {
			v.InvalidateKey(key)
			v.o.Resolver.Refuse(key, err)
		}
		return nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if e := v.entries[key]; e != nil && e.v.Credentials != g.Credentials {
		v.gen++
		e.v.Credentials, e.v.Gen = g.Credentials, v.gen
	}
	return g.Scopes, nil
}

// Lookup returns the live validation of key and marks it used; false when
// there is none or it has expired (Authenticate validates again).
func (v *Validator) Lookup(key string) (Validation, bool) {
	now := v.o.Now()
	v.mu.Lock()
	dropped := v.expireLocked(now, nil)
	e := v.entries[key]
	ok := e != nil && now.Before(e.validatedAt.Add(v.o.ValidationTTL))
	var out Validation
	if ok {
		v.touchLocked(e, now)
		out = e.v
	}
	v.mu.Unlock()
	v.notify(dropped)
	return out, ok
}

// Current reports whether gen is still key's validation. A pool calls it
// under its own lock before keeping what it built, so a drop notified
// later always finds it (lock order: pool, then Validator).
func (v *Validator) Current(key string, gen uint64) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.entries[key]
	return e != nil && e.v.Gen == gen
}

// Identity is who the caller of ctx is in Slack (team, user, workspace
// URL), from the cached auth.test answer; for request logs and the audit
// trail. It never calls Slack.
func (v *Validator) Identity(ctx context.Context) (slackapi.Identity, bool) {
	c := tenant.From(ctx)
	if c == nil {
		return slackapi.Identity{}, false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	e := v.entries[KeyOf(c)]
	if e == nil {
		return slackapi.Identity{}, false
	}
	return e.v.Identity, true
}

// Validated reports whether Authenticate would answer bearer from what is
// already known (a validation or a refusal still fresh) rather than by
// asking the store and Slack. The Bearer middleware limits, per client
// address, the requests that need a fresh validation, so made-up tokens
// cannot make this server call auth.test without bound.
func (v *Validator) Validated(bearer string) bool {
	key := tenant.KeyOf(strings.TrimSpace(bearer))
	now := v.o.Now()
	v.mu.Lock()
	e := v.entries[key]
	fresh := e != nil && now.Before(e.validatedAt.Add(v.o.ValidationTTL))
	v.mu.Unlock()
	if fresh {
		return true
	}
	_, refused := v.o.Resolver.Refused(key)
	return refused
}
