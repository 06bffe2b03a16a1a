package store_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// TestSQLiteRevokedFamilyOutlivesRows: a token row of a revoked family
// that got in without the store's checks (written by hand, or by a
// process that raced the revocation) is still refused by GetToken.
func TestSQLiteRevokedFamilyOutlivesRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s := openSQLite(t, path)
	defer func() { _ = s.Close() }()
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	require.ErrorIs(t, s.RevokeFamily(ctx, "fam", clock), store.ErrNotFound)
	_, err = rawDB(t, path).ExecContext(ctx, `INSERT INTO oauth_tokens
(hash, kind, family_id, client_id, installation_id, scope, resource, created_at, expires_at)
VALUES ('late', 'access', 'fam', 'c', ?, 'slack:read', '', ?, ?)`, in.ID, clock.UnixMilli(), clock.Add(time.Hour).UnixMilli())
	require.NoError(t, err)
	_, err = s.GetToken(ctx, "late", clock)
	require.ErrorIs(t, err, store.ErrNotFound)
}

// TestSQLiteSweeperRevokedFamilies: a revoked-family record is swept once
// no token and no code of the family is left, and kept while one is.
func TestSQLiteSweeperRevokedFamilies(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "store.db")
	var now atomic.Int64
	now.Store(clock.UnixMilli())
	s, err := store.OpenSQLite(ctx, path, store.Options{Now: func() time.Time { return time.UnixMilli(now.Load()) }})
	require.NoError(t, err)
	defer func() { _ = s.Close() }()
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	token := func(hash, family string, ttl time.Duration) {
		require.NoError(t, s.CreateToken(ctx, store.Token{Hash: hash, Kind: store.TokenRefresh, FamilyID: family,
			InstallationID: in.ID, ExpiresAt: clock.Add(ttl)}))
	}
	token("short", "gone", time.Minute)
	token("long", "kept-by-token", time.Hour)
	require.NoError(t, s.CreateCode(ctx, store.AuthCode{Hash: "kept-by-code", InstallationID: in.ID, ExpiresAt: clock.Add(time.Hour)}))
	for _, f := range []string{"gone", "kept-by-token", "kept-by-code", "never-had-tokens"} {
		_ = s.RevokeFamily(ctx, f, clock)
	}
	raw := rawDB(t, path)
	families := func() (n int) {
		require.NoError(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM oauth_revoked_families`).Scan(&n))
		return n
	}
	require.Equal(t, 4, families())
	now.Store(clock.Add(30 * time.Minute).UnixMilli())
	s.StartSweeper(ctx, time.Millisecond)
	require.Eventually(t, func() bool { return families() == 2 }, 5*time.Second, 2*time.Millisecond)
	require.ErrorIs(t, s.CreateToken(ctx, store.Token{Hash: "x", Kind: store.TokenAccess, FamilyID: "kept-by-code",
		InstallationID: in.ID, ExpiresAt: clock.Add(time.Hour)}), store.ErrNotFound, "a family whose code lives stays revoked")
}
