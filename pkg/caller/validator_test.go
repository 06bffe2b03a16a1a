package caller

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

// swappablePATs resolves personal access tokens to Slack tokens a test can swap,
// as a token refresh does.
type swappablePATs struct {
	mu sync.Mutex
	m  map[string]string
}

func (p *swappablePATs) ResolvePAT(_ context.Context, tok string) (slackapi.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slackapi.Credentials{Token: p.m[tok]}, nil
}

func (p *swappablePATs) set(tok, slackToken string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.m[tok] = slackToken
}

// drops records what a Validator told its drop listener.
type drops struct {
	mu  sync.Mutex
	got map[string]uint64
}

func (d *drops) record(key string, gen uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got[key] = gen
}

func (d *drops) of(key string) (uint64, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	gen, ok := d.got[key]
	return gen, ok
}

type validatorRig struct {
	v     *Validator
	emu   *slackemu.Server
	clock *testkit.Clock
	pats  *swappablePATs
	drops *drops
}

func newValidatorRig(t *testing.T, mod func(*ValidatorOptions)) validatorRig {
	t.Helper()
	ws := slackemu.NewWorkspace(slackemu.Team{ID: "T1", Name: "Acme", Domain: "acme"})
	for _, u := range []string{"U1", "U2"} {
		ws.AddUser(slackemu.User{ID: u, Name: "user-" + u})
	}
	for tok, u := range map[string]string{"xoxp-1": "U1", "xoxp-1b": "U1", "xoxp-2": "U2"} {
		ws.AddToken(tok, slackemu.Token{UserID: u, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	}
	emu := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(emu.Close)
	f, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, MaxRetries: -1})
	require.NoError(t, err)
	clock := testkit.NewClock(time.Unix(1_763_800_000, 0))
	r := validatorRig{emu: emu, clock: clock, pats: &swappablePATs{m: map[string]string{"smcp_a": "xoxp-1"}}, drops: &drops{got: map[string]uint64{}}}
	o := ValidatorOptions{
		Resolver: New(Options{PATs: r.pats, AcceptSlackTokens: true, Now: clock.Now}),
		Factory:  f, Logger: zerolog.Nop(), Now: clock.Now,
	}
	if mod != nil {
		mod(&o)
	}
	r.v = NewValidator(o)
	r.v.OnDrop(r.drops.record)
	t.Cleanup(r.v.Close)
	return r
}

func (r validatorRig) validate(t *testing.T, tok string) Validation {
	t.Helper()
	_, err := r.v.Authenticate(context.Background(), tok)
	require.NoError(t, err)
	val, ok := r.v.Lookup(tenant.KeyOf(tok))
	require.True(t, ok)
	return val
}

// Every way a validation ends is told to the session pool, with the
// generation it ended at, so the pool releases exactly what it built.
func TestValidatorTellsDrops(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		mod  func(*ValidatorOptions)
		end  func(r validatorRig)
	}{
		{name: "idle", end: func(r validatorRig) { r.clock.Advance(DefaultIdleTTL); r.v.Sweep() }},
		{name: "pushed out by a newer one", mod: func(o *ValidatorOptions) { o.MaxValidations = 1 },
			end: func(r validatorRig) { _, _ = r.v.Authenticate(context.Background(), "xoxp-2") }},
		{name: "invalidated", end: func(r validatorRig) { r.v.InvalidateKey(tenant.KeyOf("xoxp-1")) }},
		{name: "closed", end: func(r validatorRig) { r.v.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newValidatorRig(t, tc.mod)
			val := r.validate(t, "xoxp-1")
			_, told := r.drops.of(tenant.KeyOf("xoxp-1"))
			require.False(t, told)

			tc.end(r)
			gen, told := r.drops.of(tenant.KeyOf("xoxp-1"))
			require.True(t, told)
			assert.Equal(t, val.Gen, gen)
			assert.False(t, r.v.Current(tenant.KeyOf("xoxp-1"), val.Gen))
			_, ok := r.v.Lookup(tenant.KeyOf("xoxp-1"))
			assert.False(t, ok)
		})
	}
}

// A generation names one validation: a new auth.test answer or a
// refreshed Slack token behind a token we issued makes a new one, while
// the identity stays.
func TestValidatorGenerations(t *testing.T) {
	t.Parallel()
	r := newValidatorRig(t, nil)
	key := tenant.KeyOf("smcp_a")
	first := r.validate(t, "smcp_a")
	assert.Equal(t, "U1", first.Identity.UserID)
	assert.True(t, r.v.Current(key, first.Gen))

	again := r.validate(t, "smcp_a")
	assert.Equal(t, first.Gen, again.Gen, "within ValidationTTL nothing changes")
	assert.Equal(t, 1, r.emu.Calls("auth.test"))

	r.pats.set("smcp_a", "xoxp-1b") // the installation's token was refreshed
	refreshed := r.validate(t, "smcp_a")
	assert.Greater(t, refreshed.Gen, first.Gen)
	assert.Equal(t, "xoxp-1b", refreshed.Credentials.Token)
	assert.Equal(t, first.Identity, refreshed.Identity)
	assert.False(t, r.v.Current(key, first.Gen))
	assert.Equal(t, 1, r.emu.Calls("auth.test"), "a refresh costs no auth.test")

	r.clock.Advance(DefaultValidationTTL)
	_, ok := r.v.Lookup(key)
	require.False(t, ok, "an expired validation is not handed out")
	renewed := r.validate(t, "smcp_a")
	assert.Greater(t, renewed.Gen, refreshed.Gen)
	assert.Equal(t, 2, r.emu.Calls("auth.test"))
	_, told := r.drops.of(key)
	assert.False(t, told, "renewal is not a drop")
}

// Lookup marks a validation used, so a session in use is not dropped as
// idle while its Bearer value is only presented to the session pool.
func TestValidatorLookupKeepsAlive(t *testing.T) {
	t.Parallel()
	r := newValidatorRig(t, func(o *ValidatorOptions) { o.ValidationTTL = time.Hour; o.IdleTTL = 10 * time.Minute })
	key := tenant.KeyOf("xoxp-1")
	r.validate(t, "xoxp-1")
	for range 5 {
		r.clock.Advance(6 * time.Minute)
		_, ok := r.v.Lookup(key)
		require.True(t, ok)
	}
	r.clock.Advance(10 * time.Minute)
	r.v.Sweep()
	_, told := r.drops.of(key)
	assert.True(t, told)
}
