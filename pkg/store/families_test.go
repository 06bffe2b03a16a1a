package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
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

// TestSQLiteTwoProcessesRefreshReuse: two Store values on one file (two
// replicas) refreshing one token at once: exactly one rotates, and the
// reuse the other detects revokes what the winner issued. BEGIN IMMEDIATE
// serialises the two processes' transactions as the one write connection
// serialises a process's own.
func TestSQLiteTwoProcessesRefreshReuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	a, b := openSQLite(t, path), openSQLite(t, path)
	defer func() { _ = a.Close(); _ = b.Close() }()
	in, err := a.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	for round := range 20 {
		rt := fmt.Sprint("rt", round)
		require.NoError(t, a.CreateToken(ctx, store.Token{Hash: rt, Kind: store.TokenRefresh, FamilyID: rt,
			InstallationID: in.ID, ExpiresAt: clock.Add(time.Hour)}))
		var (
			wg     sync.WaitGroup
			wins   atomic.Int32
			issued sync.Map
		)
		for i, s := range []*store.SQLite{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				next := fmt.Sprintf("%s-%d", rt, i)
				_, err := s.RotateRefresh(ctx, rt, clock, func(old store.Token) ([]store.Token, error) {
					return []store.Token{{Hash: next, Kind: store.TokenRefresh, FamilyID: old.FamilyID,
						InstallationID: old.InstallationID, ExpiresAt: clock.Add(time.Hour)}}, nil
				})
				if err == nil {
					wins.Add(1)
					issued.Store(next, true)
				}
			}()
		}
		wg.Wait()
		require.EqualValues(t, 1, wins.Load(), "round %d", round)
		issued.Range(func(k, _ any) bool {
			_, err := b.GetToken(ctx, k.(string), clock)
			require.ErrorIs(t, err, store.ErrNotFound, "round %d: the winner's token survived the reuse", round)
			return true
		})
	}
}
