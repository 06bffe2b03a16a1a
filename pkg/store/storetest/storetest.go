package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// t0 has sub-millisecond digits on purpose: backends keep milliseconds.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_793_238, time.UTC)

// ms is what a backend returns for t.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond).UTC() }

// Run runs every conformance test against stores made by open, which must
// return a new, empty store each call (Run closes it).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	fresh := func(t *testing.T) store.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"PendingRoundTrip", testPendingRoundTrip},
		{"PendingDuplicate", testPendingDuplicate},
		{"PendingSingleUse", testPendingSingleUse},
		{"PendingExpiry", testPendingExpiry},
		{"PendingConcurrentConsume", testPendingConcurrentConsume},
		{"PendingValidation", testPendingValidation},
		{"SweepPending", testSweepPending},
		{"UpsertInsert", testUpsertInsert},
		{"UpsertKeepsIDAndInstalledAt", testUpsertKeepsIdentity},
		{"UpsertConcurrent", testUpsertConcurrent},
		{"InstallationIdentities", testInstallationIdentities},
		{"InstallationValidation", testInstallationValidation},
		{"InstallationNotFound", testInstallationNotFound},
		{"UpdateTokens", testUpdateTokens},
		{"SealedInstallations", testSealedInstallations},
		{"ResealTokens", testResealTokens},
		{"TouchInstallation", testTouchInstallation},
		{"RevokeInstallation", testRevokeInstallation},
		{"ReinstallAfterRevoke", testReinstallAfterRevoke},
		{"PATRoundTrip", testPATRoundTrip},
		{"PATErrors", testPATErrors},
		{"TouchPAT", testTouchPAT},
		{"AuditOrderAndFilters", testAudit},
		{"AuditDefaults", testAuditDefaults},
		{"CanceledContext", testCanceledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, fresh(t))
		})
	}
}

// Durable is a database that outlives a Store value.
type Durable struct {
	// Open opens the same database every call; the caller closes it. When
	// the store is also a store.AuthServerStore, the authorization server's
	// tables are checked too.
	Open func(t *testing.T) store.Store
	// Dump returns the database's raw bytes at rest (files, a dump), read
	// after every Store is closed.
	Dump func(t *testing.T) []byte
}

// RunDurable checks what must survive a restart and what must not be
// stored. newDB prepares a fresh, empty database per test.
func RunDurable(t *testing.T, newDB func(t *testing.T) Durable) {
	t.Helper()
	t.Run("RestartPersistence", func(t *testing.T) {
		t.Parallel()
		testRestart(t, newDB(t))
	})
	t.Run("StoresOnlyWhatItIsGiven", func(t *testing.T) {
		t.Parallel()
		testOnlyCiphertext(t, newDB(t))
	})
}

func pending(state string) store.Pending {
	return store.Pending{
		StateHash: state,
		NonceHash: "nonce-" + state,
		ReturnURL: "/done?x=1",
		Metadata:  []byte(`{"client":"claude"}`),
		Scopes:    []string{"channels:history", "search:read"},
		CreatedAt: t0,
		ExpiresAt: t0.Add(15 * time.Minute),
	}
}

func normPending(p store.Pending) store.Pending {
	p.CreatedAt, p.ExpiresAt = ms(p.CreatedAt), ms(p.ExpiresAt)
	return p
}

func installation(enterprise, team, user string) store.Installation {
	return store.Installation{
		EnterpriseID:   enterprise,
		TeamID:         team,
		TeamName:       "Team " + team,
		UserID:         user,
		Scopes:         []string{"channels:history", "users:read"},
		AccessToken:    "v1.k1.access-" + team + user,
		RefreshToken:   "v1.k1.refresh-" + team + user,
		TokenExpiresAt: t0.Add(12 * time.Hour),
		InstalledAt:    t0,
		LastUsedAt:     t0,
	}
}

// want is what a backend returns for an upserted installation.
func want(in store.Installation, id string) store.Installation {
	in.ID = id
	in.Status = store.StatusActive
	in.TokenExpiresAt, in.InstalledAt, in.LastUsedAt = ms(in.TokenExpiresAt), ms(in.InstalledAt), ms(in.LastUsedAt)
	return in
}

func mustUpsert(t *testing.T, s store.Store, in store.Installation) store.Installation {
	t.Helper()
	got, err := s.UpsertInstallation(context.Background(), in)
	require.NoError(t, err)
	require.NotEmpty(t, got.ID)
	return got
}

func testPendingRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := pending("s1")
	require.NoError(t, s.CreatePending(ctx, p))
	got, err := s.ConsumePending(ctx, "s1", t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, normPending(p), got)

	// Empty optional fields come back empty (nil).
	bare := store.Pending{StateHash: "s2", NonceHash: "n2", CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
	require.NoError(t, s.CreatePending(ctx, bare))
	got, err = s.ConsumePending(ctx, "s2", t0)
	require.NoError(t, err)
	assert.Equal(t, normPending(bare), got)

	// Metadata of exactly 1 KB is accepted.
	full := pending("s3")
	full.Metadata = bytes.Repeat([]byte("m"), 1024)
	require.NoError(t, s.CreatePending(ctx, full))
	got, err = s.ConsumePending(ctx, "s3", t0)
	require.NoError(t, err)
	assert.Equal(t, full.Metadata, got.Metadata)
}

func testPendingDuplicate(t *testing.T, s store.Store) {
	ctx := context.Background()
	require.NoError(t, s.CreatePending(ctx, pending("dup")))
	other := pending("dup")
	other.NonceHash = "attacker"
	require.ErrorIs(t, s.CreatePending(ctx, other), store.ErrAlreadyExists)
	got, err := s.ConsumePending(ctx, "dup", t0)
	require.NoError(t, err)
	assert.Equal(t, "nonce-dup", got.NonceHash, "the first writer keeps the state")
}

func testPendingSingleUse(t *testing.T, s store.Store) {
	ctx := context.Background()
	require.NoError(t, s.CreatePending(ctx, pending("once")))
	_, err := s.ConsumePending(ctx, "once", t0)
	require.NoError(t, err)
	_, err = s.ConsumePending(ctx, "once", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "replay")
	_, err = s.ConsumePending(ctx, "never-created", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "forged")
	_, err = s.ConsumePending(ctx, "", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testPendingExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := pending("exp")
	require.NoError(t, s.CreatePending(ctx, p))
	// One millisecond before the expiry it is still valid ...
	require.NoError(t, s.CreatePending(ctx, pending("exp-ok")))
	_, err := s.ConsumePending(ctx, "exp-ok", ms(p.ExpiresAt).Add(-time.Millisecond))
	require.NoError(t, err)
	// ... at the expiry instant it is not, and it is deleted all the same:
	// consuming again with an earlier clock still fails.
	_, err = s.ConsumePending(ctx, "exp", ms(p.ExpiresAt))
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ConsumePending(ctx, "exp", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	n, err := s.SweepPending(ctx, t0.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "the expired one was already deleted by consume")
}

func testPendingConcurrentConsume(t *testing.T, s store.Store) {
	ctx := context.Background()
	const states, consumers = 5, 32
	for i := range states {
		require.NoError(t, s.CreatePending(ctx, pending(fmt.Sprint("race-", i))))
	}
	var (
		wg         sync.WaitGroup
		start      = make(chan struct{})
		wins       [states]atomic.Int32
		unexpected = make(chan error, states*consumers)
	)
	for i := range states {
		for range consumers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				p, err := s.ConsumePending(ctx, fmt.Sprint("race-", i), t0)
				switch {
				case err == nil && p.StateHash == fmt.Sprint("race-", i):
					wins[i].Add(1)
				case err == nil:
					unexpected <- fmt.Errorf("got state %q", p.StateHash)
				case !errors.Is(err, store.ErrNotFound):
					unexpected <- err
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	close(unexpected)
	for err := range unexpected {
		t.Errorf("concurrent consume: %v", err)
	}
	for i := range states {
		assert.EqualValues(t, 1, wins[i].Load(), "state %d must be consumed exactly once", i)
	}
}

func testPendingValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	big := pending("big")
	big.Metadata = bytes.Repeat([]byte("x"), 1025)
	require.Error(t, s.CreatePending(ctx, big), "metadata over 1 KB")
	noState := pending("")
	require.Error(t, s.CreatePending(ctx, noState))
	badScope := pending("scope")
	badScope.Scopes = []string{"a b"}
	require.Error(t, s.CreatePending(ctx, badScope))
	for _, st := range []string{"big", "scope"} {
		_, err := s.ConsumePending(ctx, st, t0)
		require.ErrorIs(t, err, store.ErrNotFound, "a refused pending must not be stored")
	}
}

func testSweepPending(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, ttl := range []time.Duration{time.Minute, 2 * time.Minute, 10 * time.Minute, time.Hour} {
		p := pending(fmt.Sprint("sw-", i))
		p.ExpiresAt = t0.Add(ttl)
		require.NoError(t, s.CreatePending(ctx, p))
	}
	n, err := s.SweepPending(ctx, t0)
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.SweepPending(ctx, ms(t0.Add(2*time.Minute))) // expiry is inclusive
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = s.SweepPending(ctx, ms(t0.Add(2*time.Minute)))
	require.NoError(t, err)
	assert.Zero(t, n)
	for i, wantErr := range []error{store.ErrNotFound, store.ErrNotFound, nil, nil} {
		_, err := s.ConsumePending(ctx, fmt.Sprint("sw-", i), t0)
		if wantErr == nil {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, wantErr)
		}
	}
}

func testUpsertInsert(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := installation("", "T1", "U1")
	in.ID = "ignored"
	in.Status = "weird"
	got := mustUpsert(t, s, in)
	assert.NotEqual(t, "ignored", got.ID, "the store assigns IDs")
	assert.Equal(t, want(in, got.ID), got)

	byID, err := s.GetInstallation(ctx, got.ID)
	require.NoError(t, err)
	assert.Equal(t, got, byID)
	found, err := s.FindInstallation(ctx, "", "T1", "U1")
	require.NoError(t, err)
	assert.Equal(t, got, found)

	// Zero optional fields: no tokens expiry, never used, no scopes;
	// InstalledAt defaults to the backend clock (not checked here).
	bare := store.Installation{TeamID: "T1", UserID: "U2"}
	b := mustUpsert(t, s, bare)
	assert.NotEqual(t, got.ID, b.ID)
	assert.True(t, b.TokenExpiresAt.IsZero())
	assert.True(t, b.LastUsedAt.IsZero())
	assert.False(t, b.InstalledAt.IsZero())
	assert.Nil(t, b.Scopes)
	assert.Empty(t, b.AccessToken)
	assert.Equal(t, store.StatusActive, b.Status)
}

func testUpsertKeepsIdentity(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := mustUpsert(t, s, installation("", "T1", "U1"))

	again := installation("", "T1", "U1")
	again.TeamName = "Renamed"
	again.Scopes = []string{"channels:history", "users:read", "reactions:write"}
	again.AccessToken, again.RefreshToken = "v1.k2.new-access", ""
	again.TokenExpiresAt = time.Time{}
	again.InstalledAt = t0.Add(48 * time.Hour) // must not win
	again.LastUsedAt = t0.Add(48 * time.Hour)
	second := mustUpsert(t, s, again)

	expect := want(again, first.ID)
	expect.InstalledAt = first.InstalledAt
	assert.Equal(t, expect, second)
	got, err := s.GetInstallation(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, expect, got)

	// A zero LastUsedAt keeps the stored one.
	third := installation("", "T1", "U1")
	third.LastUsedAt = time.Time{}
	out := mustUpsert(t, s, third)
	assert.Equal(t, ms(t0.Add(48*time.Hour)), out.LastUsedAt)
	assert.Equal(t, first.ID, out.ID)
}

func testUpsertConcurrent(t *testing.T, s store.Store) {
	var (
		wg  sync.WaitGroup
		ids sync.Map
	)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := installation("E1", "T1", "U1")
			in.AccessToken = fmt.Sprint("v1.k1.tok", i)
			got, err := s.UpsertInstallation(context.Background(), in)
			if assert.NoError(t, err) {
				ids.Store(got.ID, true)
			}
		}()
	}
	wg.Wait()
	n := 0
	ids.Range(func(any, any) bool { n++; return true })
	assert.Equal(t, 1, n, "one identity, one ID")
}

func testInstallationIdentities(t *testing.T, s store.Store) {
	ctx := context.Background()
	// The same Slack user ID in different places is a different tenant.
	idents := []store.Installation{
		installation("", "T1", "U1"),
		installation("", "T2", "U1"),
		installation("E1", "T1", "U1"),
		installation("E1", "", "U1"), // Enterprise Grid org-wide install
		installation("E2", "", "U1"),
		installation("", "T1", "U2"),
	}
	idents[3].IsEnterpriseInstall = true
	idents[4].IsEnterpriseInstall = true
	seen := map[string]bool{}
	for _, in := range idents {
		got := mustUpsert(t, s, in)
		require.False(t, seen[got.ID], "IDs are unique")
		seen[got.ID] = true
	}
	for _, in := range idents {
		got, err := s.FindInstallation(ctx, in.EnterpriseID, in.TeamID, in.UserID)
		require.NoError(t, err)
		assert.Equal(t, want(in, got.ID), got)
	}
	grid, err := s.FindInstallation(ctx, "E1", "", "U1")
	require.NoError(t, err)
	assert.True(t, grid.IsEnterpriseInstall)
	assert.Empty(t, grid.TeamID)
	_, err = s.FindInstallation(ctx, "", "", "U1")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.FindInstallation(ctx, "", "T3", "U1")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.FindInstallation(ctx, "E1", "T2", "U1")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testInstallationValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	for name, in := range map[string]store.Installation{
		"no user":             {TeamID: "T1"},
		"no team nor company": {UserID: "U1"},
		"scope with space":    {TeamID: "T1", UserID: "U1", Scopes: []string{"a b"}},
		"empty scope":         {TeamID: "T1", UserID: "U1", Scopes: []string{""}},
	} {
		_, err := s.UpsertInstallation(ctx, in)
		require.Error(t, err, name)
	}
	_, err := s.FindInstallation(ctx, "", "T1", "U1")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testInstallationNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	_, err := s.GetInstallation(ctx, "inst_missing")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.UpdateTokens(ctx, "inst_missing", "a", "b", t0), store.ErrNotFound)
	require.ErrorIs(t, s.TouchInstallation(ctx, "inst_missing", t0), store.ErrNotFound)
	require.ErrorIs(t, s.RevokeInstallation(ctx, "inst_missing", t0), store.ErrNotFound)
}

func testUpdateTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T1", "U2"))
	exp := t0.Add(24 * time.Hour)
	require.NoError(t, s.UpdateTokens(ctx, in.ID, "v1.k1.rotated", "v1.k1.rotated-refresh", exp))
	got, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, "v1.k1.rotated", got.AccessToken)
	assert.Equal(t, "v1.k1.rotated-refresh", got.RefreshToken)
	assert.Equal(t, ms(exp), got.TokenExpiresAt)
	assert.Equal(t, in.InstalledAt, got.InstalledAt)

	// A zero expiry means the token does not expire.
	require.NoError(t, s.UpdateTokens(ctx, in.ID, "v1.k1.forever", "", time.Time{}))
	got, err = s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.True(t, got.TokenExpiresAt.IsZero())
	assert.Empty(t, got.RefreshToken)

	untouched, err := s.GetInstallation(ctx, other.ID)
	require.NoError(t, err)
	assert.Equal(t, other, untouched)

	require.NoError(t, s.RevokeInstallation(ctx, in.ID, t0))
	require.ErrorIs(t, s.UpdateTokens(ctx, in.ID, "v1.k1.late", "", exp), store.ErrNotFound,
		"a refresh racing a revoke must not resurrect tokens")
	got, err = s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Empty(t, got.AccessToken)
}

func testTouchInstallation(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := installation("", "T1", "U1")
	in.LastUsedAt = time.Time{}
	got := mustUpsert(t, s, in)
	require.True(t, got.LastUsedAt.IsZero())
	later := t0.Add(time.Hour)
	require.NoError(t, s.TouchInstallation(ctx, got.ID, later))
	require.NoError(t, s.TouchInstallation(ctx, got.ID, t0), "an older touch is accepted ...")
	got, err := s.GetInstallation(ctx, got.ID)
	require.NoError(t, err)
	assert.Equal(t, ms(later), got.LastUsedAt, "... but LastUsedAt never moves backwards")
}

func testRevokeInstallation(t *testing.T, s store.Store) {
	ctx := context.Background()
	victim := mustUpsert(t, s, installation("", "T1", "U1"))
	bystander := mustUpsert(t, s, installation("", "T1", "U2"))
	for i := range 3 {
		require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: fmt.Sprint("victim-", i), InstallationID: victim.ID, CreatedAt: t0}))
	}
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "bystander", InstallationID: bystander.ID, CreatedAt: t0}))

	require.NoError(t, s.RevokeInstallation(ctx, victim.ID, t0.Add(time.Hour)))
	got, err := s.GetInstallation(ctx, victim.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StatusRevoked, got.Status)
	assert.Empty(t, got.AccessToken)
	assert.Empty(t, got.RefreshToken)
	assert.True(t, got.TokenExpiresAt.IsZero())
	assert.Equal(t, victim.ID, got.ID)
	for i := range 3 {
		_, err := s.GetPAT(ctx, fmt.Sprint("victim-", i))
		require.ErrorIs(t, err, store.ErrNotFound)
	}
	b, err := s.GetPAT(ctx, "bystander")
	require.NoError(t, err)
	assert.Equal(t, bystander.ID, b.InstallationID)
	bi, err := s.GetInstallation(ctx, bystander.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StatusActive, bi.Status)
	assert.NotEmpty(t, bi.AccessToken)

	// Idempotent; and no new token can be issued for a revoked grant.
	require.NoError(t, s.RevokeInstallation(ctx, victim.ID, t0.Add(2*time.Hour)))
	require.ErrorIs(t, s.CreatePAT(ctx, store.PAT{Hash: "late", InstallationID: victim.ID}), store.ErrNotFound)
}

func testReinstallAfterRevoke(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := mustUpsert(t, s, installation("", "T1", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "old", InstallationID: first.ID, CreatedAt: t0}))
	require.NoError(t, s.RevokeInstallation(ctx, first.ID, t0))

	again := installation("", "T1", "U1")
	again.AccessToken = "v1.k1.fresh"
	got := mustUpsert(t, s, again)
	assert.Equal(t, first.ID, got.ID)
	assert.Equal(t, store.StatusActive, got.Status)
	assert.Equal(t, "v1.k1.fresh", got.AccessToken)
	_, err := s.GetPAT(ctx, "old")
	require.ErrorIs(t, err, store.ErrNotFound, "tokens revoked with the grant stay dead after reinstall")
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "new", InstallationID: got.ID, CreatedAt: t0}))
	_, err = s.GetPAT(ctx, "new")
	require.NoError(t, err)
}

func testPATRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	p := store.PAT{Hash: strings.Repeat("ab", 32), InstallationID: in.ID, CreatedAt: t0}
	require.NoError(t, s.CreatePAT(ctx, p))
	got, err := s.GetPAT(ctx, p.Hash)
	require.NoError(t, err)
	assert.Equal(t, store.PAT{Hash: p.Hash, InstallationID: in.ID, CreatedAt: ms(t0)}, got)

	// A zero CreatedAt is filled in by the backend clock.
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h2", InstallationID: in.ID}))
	got, err = s.GetPAT(ctx, "h2")
	require.NoError(t, err)
	assert.False(t, got.CreatedAt.IsZero())

	// A token created already revoked is never returned.
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h3", InstallationID: in.ID, CreatedAt: t0, RevokedAt: t0}))
	_, err = s.GetPAT(ctx, "h3")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testPATErrors(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T2", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: in.ID, CreatedAt: t0}))
	require.ErrorIs(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: other.ID, CreatedAt: t0}), store.ErrAlreadyExists)
	got, err := s.GetPAT(ctx, "h")
	require.NoError(t, err)
	assert.Equal(t, in.ID, got.InstallationID, "a duplicate must not re-point a token to another tenant")
	require.ErrorIs(t, s.CreatePAT(ctx, store.PAT{Hash: "x", InstallationID: "inst_missing", CreatedAt: t0}), store.ErrNotFound)
	require.Error(t, s.CreatePAT(ctx, store.PAT{InstallationID: in.ID, CreatedAt: t0}), "empty hash")
	_, err = s.GetPAT(ctx, "unknown")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetPAT(ctx, "")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTouchPAT(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: in.ID, CreatedAt: t0}))
	later := t0.Add(time.Hour)
	require.NoError(t, s.TouchPAT(ctx, "h", later))
	require.NoError(t, s.TouchPAT(ctx, "h", t0))
	got, err := s.GetPAT(ctx, "h")
	require.NoError(t, err)
	assert.Equal(t, ms(later), got.LastUsedAt)
	require.ErrorIs(t, s.TouchPAT(ctx, "unknown", t0), store.ErrNotFound)
}

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	events := []store.AuditEvent{
		{At: t0, Event: "oauth_initiated", TeamID: "T1", UserID: "U1", Outcome: "ok"},
		{At: t0.Add(time.Second), Event: "oauth_completed", EnterpriseID: "E1", TeamID: "T1", UserID: "U1", Outcome: "ok", Detail: "scopes=3"},
		{At: t0.Add(2 * time.Second), Event: "tool_write", TeamID: "T1", UserID: "U1", Tool: "conversations_add_message", Channel: "C1", MessageTS: "1700000000.000100", Outcome: "ok"},
		{At: t0.Add(2 * time.Second), Event: "tool_write", TeamID: "T2", UserID: "U9", Tool: "reactions_add", Channel: "C2", MessageTS: "1700000000.000200", Outcome: "error"},
		{At: t0.Add(3 * time.Second), Event: "token_revoked", TeamID: "T1", UserID: "U2", Outcome: "ok"},
		{At: t0.Add(-time.Hour), Event: "oauth_failed", TeamID: "T2", Outcome: "access_denied"}, // appended late, older
	}
	for _, e := range events {
		require.NoError(t, s.AppendAudit(ctx, e))
	}
	all, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, all, len(events))
	order := func(list []store.AuditEvent) []string {
		var out []string
		for _, e := range list {
			out = append(out, e.Event+"/"+e.TeamID+"/"+e.UserID)
		}
		return out
	}
	// Newest first; equal times: later appended first.
	assert.Equal(t, []string{
		"token_revoked/T1/U2", "tool_write/T2/U9", "tool_write/T1/U1",
		"oauth_completed/T1/U1", "oauth_initiated/T1/U1", "oauth_failed/T2/",
	}, order(all))
	ids := map[int64]bool{}
	for _, e := range all {
		assert.NotZero(t, e.ID)
		assert.False(t, ids[e.ID], "IDs are unique")
		ids[e.ID] = true
	}
	assert.Greater(t, all[1].ID, all[2].ID)
	// Every field round-trips.
	expect := events[2]
	expect.At = ms(expect.At)
	expect.ID = all[2].ID
	assert.Equal(t, expect, all[2])

	for _, tt := range []struct {
		name string
		f    store.AuditFilter
		want []string
	}{
		{"event", store.AuditFilter{Event: "tool_write"}, []string{"tool_write/T2/U9", "tool_write/T1/U1"}},
		{"team", store.AuditFilter{TeamID: "T2"}, []string{"tool_write/T2/U9", "oauth_failed/T2/"}},
		{"user", store.AuditFilter{UserID: "U1"}, []string{"tool_write/T1/U1", "oauth_completed/T1/U1", "oauth_initiated/T1/U1"}},
		{"since inclusive", store.AuditFilter{Since: t0.Add(2 * time.Second)}, []string{"token_revoked/T1/U2", "tool_write/T2/U9", "tool_write/T1/U1"}},
		{"limit", store.AuditFilter{Limit: 2}, []string{"token_revoked/T1/U2", "tool_write/T2/U9"}},
		{"combined", store.AuditFilter{TeamID: "T1", UserID: "U1", Since: t0.Add(time.Second), Limit: 1}, []string{"tool_write/T1/U1"}},
		{"team and event", store.AuditFilter{TeamID: "T1", Event: "tool_write"}, []string{"tool_write/T1/U1"}},
		{"nothing", store.AuditFilter{TeamID: "T3"}, nil},
		{"negative limit is no limit", store.AuditFilter{Event: "tool_write", Limit: -1}, []string{"tool_write/T2/U9", "tool_write/T1/U1"}},
	} {
		got, err := s.ListAudit(ctx, tt.f)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, order(got), tt.name)
	}
}

func testAuditDefaults(t *testing.T, s store.Store) {
	ctx := context.Background()
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{Event: "oauth_initiated", ID: 999}))
	got, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.False(t, got[0].At.IsZero(), "a zero At is filled in by the backend clock")
	require.Error(t, s.AppendAudit(ctx, store.AuditEvent{At: t0}), "an event needs a name")
}

func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.GetInstallation(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.CreatePending(ctx, pending("c")), context.Canceled)
	_, err = s.ConsumePending(ctx, "c", t0)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.ListAudit(ctx, store.AuditFilter{})
	require.ErrorIs(t, err, context.Canceled)
}

func testRestart(t *testing.T, db Durable) {
	ctx := context.Background()
	s := db.Open(t)
	in := mustUpsert(t, s, installation("E1", "", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "pat", InstallationID: in.ID, CreatedAt: t0}))
	require.NoError(t, s.CreatePending(ctx, pending("st")))
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_completed", TeamID: "T1"}))
	as, isAuth := s.(store.AuthServerStore)
	if isAuth {
		// A restart loses no client, grant, consent or token either.
		grants(t, as, "r", in.ID)
		require.NoError(t, as.PutClient(ctx, client("mcpc_1", store.ClientDynamic)))
		require.NoError(t, as.CreateTxn(ctx, txn("tx")))
		require.NoError(t, as.SetTxnSlackState(ctx, "tx", "slack", t0))
	}
	require.NoError(t, s.Close())

	s = db.Open(t)
	if isAuth {
		as = s.(store.AuthServerStore)
		assert.Equal(t, allAlive(true), grantsAlive(t, as, "r", in.ID))
		c, err := as.GetClient(ctx, "mcpc_1")
		require.NoError(t, err)
		assert.Equal(t, normClient(client("mcpc_1", store.ClientDynamic)), c)
		_, err = as.RedeemCode(ctx, "r-used-code", t0, nil)
		require.ErrorIs(t, err, store.ErrAlreadyExists, "a code used before the restart stays used")
		_, err = as.RedeemCode(ctx, "r-code", t0, nil)
		require.NoError(t, err)
		_, err = as.RotateRefresh(ctx, "r-rt", t0, nil)
		require.NoError(t, err)
		x, err := as.ConsumeTxnBySlackState(ctx, "slack", t0)
		require.NoError(t, err)
		assert.Equal(t, "tx", x.IDHash)
	}
	got, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, in, got)
	p, err := s.GetPAT(ctx, "pat")
	require.NoError(t, err)
	assert.Equal(t, in.ID, p.InstallationID)
	pe, err := s.ConsumePending(ctx, "st", t0)
	require.NoError(t, err)
	assert.Equal(t, normPending(pending("st")), pe)
	ev, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, ev, 1)
	require.NoError(t, s.RevokeInstallation(ctx, in.ID, t0))
	require.NoError(t, s.Close())

	// The consume and the revoke persisted too.
	s = db.Open(t)
	defer func() { _ = s.Close() }()
	_, err = s.ConsumePending(ctx, "st", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetPAT(ctx, "pat")
	require.ErrorIs(t, err, store.ErrNotFound)
	got, err = s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StatusRevoked, got.Status)
	if as, ok := s.(store.AuthServerStore); ok {
		assert.Equal(t, allAlive(false), grantsAlive(t, as, "r", in.ID))
		_, err = as.RotateRefresh(ctx, "r-rt", t0, nil)
		require.ErrorIs(t, err, store.ErrNotFound, "the rotation persisted, then the revoke")
	}
}

// testOnlyCiphertext: the store keeps exactly the (already sealed) values
// it is given; no plaintext Slack token can appear at rest that the caller
// did not hand over.
func testOnlyCiphertext(t *testing.T, db Durable) {
	ctx := context.Background()
	const (
		access  = "v1.k1.c2VhbGVkLWFjY2Vzcy1jaXBoZXJ0ZXh0LW9ubHk"
		refresh = "v1.k1.c2VhbGVkLXJlZnJlc2gtY2lwaGVydGV4dC1vbmx5"
		patHash = "5f2b1c0e9d8a7b6c5f2b1c0e9d8a7b6c5f2b1c0e9d8a7b6c5f2b1c0e9d8a7b6c"
	)
	s := db.Open(t)
	in := installation("", "T0123", "U0456")
	in.AccessToken, in.RefreshToken = access, refresh
	got := mustUpsert(t, s, in)
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: patHash, InstallationID: got.ID, CreatedAt: t0}))
	require.NoError(t, s.UpdateTokens(ctx, got.ID, access, refresh, t0))
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_completed", TeamID: "T0123", UserID: "U0456"}))
	var hashes []string
	if as, ok := s.(store.AuthServerStore); ok {
		hashes = authServerAtRest(t, as, got.ID)
	}
	require.NoError(t, s.Close())

	raw := db.Dump(t)
	require.NotEmpty(t, raw)
	assert.True(t, bytes.Contains(raw, []byte(access)), "the sealed access token is stored verbatim")
	assert.True(t, bytes.Contains(raw, []byte(refresh)), "the sealed refresh token is stored verbatim")
	assert.True(t, bytes.Contains(raw, []byte(patHash)), "the token hash is stored verbatim")
	for _, h := range hashes {
		assert.True(t, bytes.Contains(raw, []byte(h)), "the hash %s is stored verbatim", h)
	}
	for _, plain := range []string{"xoxp-", "xoxb-", "xoxe-", "xoxc-", "xoxd-", "smcp_", "mcp_at_", "mcp_rt_", "mcp_code_", "mcpc_secret_", "mcp_txn_", "mcp_bs_"} {
		assert.False(t, bytes.Contains(raw, []byte(plain)), "raw database contains %q", plain)
	}
}

// authServerAtRest writes one of every authorization server row, each
// secret as the SHA-256 of a plaintext value the caller would hand out
// (mcp_at_..., mcp_rt_...), and returns the hashes. The plaintexts must
// not be at rest; the hashes must.
func authServerAtRest(t *testing.T, s store.AuthServerStore, installationID string) []string {
	t.Helper()
	ctx := context.Background()
	h := func(plain string) string { sum := sha256.Sum256([]byte(plain)); return hex.EncodeToString(sum[:]) }
	var (
		secret  = h("mcpc_secret_0123456789abcdef")
		txnID   = h("mcp_txn_0123456789abcdef")
		csrf    = h("mcp_csrf_0123456789abcdef")
		nonce   = h("mcp_nonce_0123456789abcdef")
		slack   = h("slack_state_0123456789abcdef")
		code    = h("mcp_code_0123456789abcdef")
		access  = h("mcp_at_0123456789abcdef")
		refresh = h("mcp_rt_0123456789abcdef")
		session = h("mcp_bs_0123456789abcdef")
	)
	c := client("mcpc_1", store.ClientDynamic)
	c.AuthMethod, c.SecretHash = "client_secret_post", secret
	require.NoError(t, s.PutClient(ctx, c))
	x := txn(txnID)
	x.CSRFHash, x.NonceHash = csrf, nonce
	require.NoError(t, s.CreateTxn(ctx, x))
	require.NoError(t, s.SetTxnSlackState(ctx, txnID, slack, t0))
	require.NoError(t, s.CreateCode(ctx, store.AuthCode{Hash: code, ClientID: "mcpc_1", InstallationID: installationID, CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}))
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: access, Kind: store.TokenAccess, FamilyID: code, ClientID: "mcpc_1", InstallationID: installationID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: refresh, Kind: store.TokenRefresh, FamilyID: code, ClientID: "mcpc_1", InstallationID: installationID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	require.NoError(t, s.CreateBrowserSession(ctx, session, installationID, t0.Add(time.Hour)))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: installationID, ClientID: "mcpc_1", Scope: "slack:read", GrantedAt: t0}))
	return []string{secret, txnID, csrf, nonce, slack, code, access, refresh, session}
}
