package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Installations: identity, upsert, token updates, revocation.

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

// The person's Slack name read at login is stored with the installation
// and replaced by the next login's, empty included (slackoauth keeps an
// earlier name when a lookup fails; the store only stores the field).
func testInstallationUserName(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := store.Installation{TeamID: "T1", TeamName: "Acme", UserID: "U1", Scopes: []string{"users:read"}}
	for _, tc := range []struct{ send, want string }{
		{"", ""},
		{"Alice Ames", "Alice Ames"},
		{"", ""},
		{"Alice B. Ames", "Alice B. Ames"},
	} {
		in.UserName = tc.send
		got, err := s.UpsertInstallation(ctx, in)
		require.NoError(t, err)
		require.Equal(t, tc.want, got.UserName, "sent %q", tc.send)
		found, err := s.FindInstallation(ctx, "", "T1", "U1")
		require.NoError(t, err)
		require.Equal(t, tc.want, found.UserName)
	}
}
