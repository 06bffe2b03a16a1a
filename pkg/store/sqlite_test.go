package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

var clock = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

func openSQLite(t testing.TB, path string) *store.SQLite {
	t.Helper()
	s, err := store.OpenSQLite(context.Background(), path, store.Options{Now: func() time.Time { return clock }})
	require.NoError(t, err)
	return s
}

func TestSQLiteFile(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "store.db"))
	})
}

func TestSQLiteConnections(t *testing.T) {
	t.Parallel()
	storetest.RunConnections(t, func(t *testing.T) storetest.ConnectionsStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "store.db"))
	})
}

func TestSQLiteMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store {
		return openSQLite(t, store.MemoryPath)
	})
}

func TestSQLiteDurable(t *testing.T) {
	t.Parallel()
	storetest.RunDurable(t, func(t *testing.T) storetest.Durable {
		path := filepath.Join(t.TempDir(), "data", "store.db")
		return storetest.Durable{
			Open: func(t *testing.T) store.Store { return openSQLite(t, path) },
			Dump: func(t *testing.T) []byte {
				var all []byte
				for _, p := range []string{path, path + "-wal", path + "-journal"} {
					b, err := os.ReadFile(p)
					if !os.IsNotExist(err) {
						require.NoError(t, err)
					}
					all = append(all, b...)
				}
				return all
			},
		}
	})
}

func TestSQLiteFileModes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	path := filepath.Join(dir, "store.db")
	s := openSQLite(t, path)
	in, err := s.UpsertInstallation(context.Background(), store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	require.NotEmpty(t, in.ID)

	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm(), "data directory")
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		require.NoError(t, err, "WAL mode keeps -wal and -shm files while open")
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), p)
	}
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")

	// A pre-existing world-readable file is tightened.
	loose := filepath.Join(t.TempDir(), "loose.db")
	require.NoError(t, os.WriteFile(loose, nil, 0o644))
	require.NoError(t, os.Chmod(loose, 0o644))
	s = openSQLite(t, loose)
	require.NoError(t, s.Close())
	st, err = os.Stat(loose)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}

func TestSQLiteOpenErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := store.OpenSQLite(ctx, "", store.Options{})
	require.Error(t, err)
	_, err = store.OpenSQLite(ctx, t.TempDir(), store.Options{}) // a directory
	require.Error(t, err)
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte("this is not an SQLite database, not at all, really not"), 0o600))
	_, err = store.OpenSQLite(ctx, garbage, store.Options{})
	require.Error(t, err)
}

func TestSQLitePathWithURLCharacters(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "we?ird #dir%20", "store.db")
	s := openSQLite(t, path)
	require.NoError(t, s.AppendAudit(context.Background(), store.AuditEvent{Event: "x"}))
	require.NoError(t, s.Close())
	_, err := os.Stat(path)
	require.NoError(t, err, "the database lives exactly at the given path")
}

// TestSQLiteTwoProcesses: two Store values on one file (as two replicas or
// processes would be) still consume a state exactly once.
func TestSQLiteTwoProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	a, b := openSQLite(t, path), openSQLite(t, path)
	defer func() { _ = a.Close(); _ = b.Close() }()
	const states = 20
	for i := range states {
		require.NoError(t, a.CreatePending(ctx, store.Pending{
			StateHash: fmt.Sprint("s", i), NonceHash: "n", CreatedAt: clock, ExpiresAt: clock.Add(time.Minute),
		}))
	}
	var (
		wg   sync.WaitGroup
		wins [states]atomic.Int32
	)
	for i := range states {
		for _, s := range []*store.SQLite{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.ConsumePending(ctx, fmt.Sprint("s", i), clock)
				if err == nil {
					wins[i].Add(1)
				} else {
					assert.ErrorIs(t, err, store.ErrNotFound)
				}
			}()
		}
	}
	wg.Wait()
	for i := range states {
		assert.EqualValues(t, 1, wins[i].Load(), "state %d", i)
	}
	// A write through one is visible through the other.
	in, err := a.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	got, err := b.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, in, got)
}

func TestSQLiteSweeper(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var now atomic.Int64
	now.Store(clock.UnixMilli())
	s, err := store.OpenSQLite(ctx, store.MemoryPath, store.Options{
		Now:    func() time.Time { return time.UnixMilli(now.Load()) },
		Logger: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.DebugLevel),
	})
	require.NoError(t, err)
	defer func() { _ = s.Close() }()
	for i, ttl := range []time.Duration{time.Minute, time.Hour} {
		require.NoError(t, s.CreatePending(ctx, store.Pending{
			StateHash: fmt.Sprint("s", i), NonceHash: "n", CreatedAt: clock, ExpiresAt: clock.Add(ttl),
		}))
	}
	now.Store(clock.Add(30 * time.Minute).UnixMilli()) // the first one is now expired
	s.StartSweeper(ctx, time.Millisecond)
	require.Eventually(t, func() bool { return swept(ctx, s) }, 5*time.Second, 2*time.Millisecond)
	_, err = s.ConsumePending(ctx, "s1", clock)
	require.NoError(t, err, "the unexpired one survives")

	// Close stops the sweeper (and waits for it); a sweeper started after
	// Close never runs.
	require.NoError(t, s.Close())
	s.StartSweeper(ctx, time.Millisecond)
}

// swept reports whether "s0" is gone: creating it again succeeds only
// then (the probe is removed at once).
func swept(ctx context.Context, s *store.SQLite) bool {
	err := s.CreatePending(ctx, store.Pending{StateHash: "s0", NonceHash: "probe", CreatedAt: clock, ExpiresAt: clock})
	if err != nil {
		return false // still there (ErrAlreadyExists)
	}
	_, _ = s.ConsumePending(ctx, "s0", clock) // remove the probe
	return true
}

func TestSQLiteSweeperStopsWithContext(t *testing.T) {
	t.Parallel()
	s := openSQLite(t, store.MemoryPath)
	ctx, cancel := context.WithCancel(context.Background())
	s.StartSweeper(ctx, time.Millisecond)
	s.StartSweeper(ctx, 0) // default interval
	cancel()
	done := make(chan struct{})
	go func() { _ = s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return: sweeper still running")
	}
}

// rawDB opens the file beside the store, for tests that tamper with it.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestSQLiteSchemaVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	require.NoError(t, openSQLite(t, path).Close())

	versions := func() []int {
		rows, err := rawDB(t, path).QueryContext(ctx, "SELECT version FROM schema_migrations ORDER BY version")
		require.NoError(t, err)
		defer func() { _ = rows.Close() }()
		var out []int
		for rows.Next() {
			var v int
			require.NoError(t, rows.Scan(&v))
			out = append(out, v)
		}
		require.NoError(t, rows.Err())
		return out
	}
	first := versions()
	require.NotEmpty(t, first)
	assert.Equal(t, 1, first[0])
	assert.Equal(t, len(first), first[len(first)-1], "versions 1..latest, each recorded once")

	// Reopening is a no-op.
	require.NoError(t, openSQLite(t, path).Close())
	assert.Equal(t, first, versions())

	// A database migrated by a newer binary is refused, clearly.
	_, err := rawDB(t, path).ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)", len(first)+1)
	require.NoError(t, err)
	_, err = store.OpenSQLite(ctx, path, store.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("database is at version %d, this binary knows up to %d", len(first)+1, len(first)))
}

// TestSQLiteConcurrentFirstOpen: replicas starting at once on a fresh file
// all open it, and the schema is migrated exactly once.
func TestSQLiteConcurrentFirstOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "fresh.db")
	var wg sync.WaitGroup
	stores := make([]*store.SQLite, 6)
	errs := make([]error, len(stores))
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = store.OpenSQLite(context.Background(), path, store.Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err)
		require.NoError(t, stores[i].Close())
	}
	var n, latest int
	require.NoError(t, rawDB(t, path).QueryRow("SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &latest))
	assert.Equal(t, latest, n)
}

func TestSQLiteAuthServerFile(t *testing.T) {
	t.Parallel()
	storetest.RunAuthServer(t, func(t *testing.T) store.AuthServerStore {
		return openSQLite(t, filepath.Join(t.TempDir(), "store.db"))
	})
}

func TestSQLiteAuthServerMemory(t *testing.T) {
	t.Parallel()
	storetest.RunAuthServer(t, func(t *testing.T) store.AuthServerStore {
		return openSQLite(t, store.MemoryPath)
	})
}

// TestSQLiteAuthServerReadsJoinStatus: every read of a row that grants
// access checks its installation's status in the same query, so an
// installation marked revoked (here behind the store's back, with no other
// write) ends all of it at once.
func TestSQLiteAuthServerReadsJoinStatus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s := openSQLite(t, path)
	defer func() { _ = s.Close() }()
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	exp := clock.Add(time.Hour)
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: "at", Kind: store.TokenAccess, FamilyID: "f", InstallationID: in.ID, ExpiresAt: exp}))
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: "rt", Kind: store.TokenRefresh, FamilyID: "f", InstallationID: in.ID, ExpiresAt: exp}))
	require.NoError(t, s.CreateCode(ctx, store.AuthCode{Hash: "code", InstallationID: in.ID, ExpiresAt: exp}))
	require.NoError(t, s.CreateBrowserSession(ctx, "bs", in.ID, exp))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "c"}))

	_, err = rawDB(t, path).ExecContext(ctx, "UPDATE installations SET status = 'revoked' WHERE id = ?", in.ID)
	require.NoError(t, err)

	_, err = s.GetToken(ctx, "at", clock)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.RotateRefresh(ctx, "rt", clock, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.RedeemCode(ctx, "code", clock, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetBrowserSession(ctx, "bs", clock)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetConsent(ctx, in.ID, "c")
	require.ErrorIs(t, err, store.ErrNotFound)
	list, err := s.ListConsents(ctx, in.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
}

// TestSQLiteSweeperAuthServer: the sweeper also deletes the authorization
// server's expired transactions, codes, tokens and browser sessions, and
// nothing else.
func TestSQLiteSweeperAuthServer(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "store.db")
	sweeperAuthServer(t, func(o store.Options) (store.Backend, *sql.DB) {
		s, err := store.OpenSQLite(context.Background(), path, o)
		require.NoError(t, err)
		return s, rawDB(t, path)
	})
}

// sweeperAuthServer is TestSQLiteSweeperAuthServer on a backend open
// returns, with a raw view of its database.
func sweeperAuthServer(t *testing.T, open func(store.Options) (store.Backend, *sql.DB)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var now atomic.Int64
	now.Store(clock.UnixMilli())
	logs := &testkit.LogBuffer{}
	s, raw := open(store.Options{Now: func() time.Time { return time.UnixMilli(now.Load()) }, Logger: zerolog.New(logs)})
	defer func() {
		_ = s.Close()
		assert.NotContains(t, logs.String(), `"level":"warn"`, "every sweep succeeded")
	}()
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	for i, ttl := range []time.Duration{time.Minute, time.Hour} {
		exp := clock.Add(ttl)
		require.NoError(t, s.CreateTxn(ctx, store.AuthTxn{IDHash: fmt.Sprint("tx", i), ExpiresAt: exp}))
		require.NoError(t, s.CreateCode(ctx, store.AuthCode{Hash: fmt.Sprint("code", i), InstallationID: in.ID, ExpiresAt: exp}))
		require.NoError(t, s.CreateToken(ctx, store.Token{Hash: fmt.Sprint("at", i), Kind: store.TokenAccess, FamilyID: "f", InstallationID: in.ID, ExpiresAt: exp}))
		require.NoError(t, s.CreateBrowserSession(ctx, fmt.Sprint("bs", i), in.ID, exp))
	}
	require.NoError(t, s.PutClient(ctx, store.Client{ID: "c", Kind: store.ClientMetadata, ExpiresAt: clock}))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "c"}))

	count := func() (n int) {
		require.NoError(t, raw.QueryRowContext(ctx, `SELECT
(SELECT COUNT(*) FROM oauth_txns) + (SELECT COUNT(*) FROM oauth_codes) +
(SELECT COUNT(*) FROM oauth_tokens) + (SELECT COUNT(*) FROM browser_sessions)`).Scan(&n))
		return n
	}
	require.Equal(t, 8, count())
	now.Store(clock.Add(30 * time.Minute).UnixMilli()) // the first of each is now expired
	s.StartSweeper(ctx, time.Millisecond)
	require.Eventually(t, func() bool { return count() == 4 }, 5*time.Second, 2*time.Millisecond)

	_, err = s.GetTxn(ctx, "tx1", clock)
	require.NoError(t, err)
	_, err = s.RedeemCode(ctx, "code1", clock, nil)
	require.NoError(t, err)
	_, err = s.GetToken(ctx, "at1", clock)
	require.NoError(t, err)
	_, err = s.GetBrowserSession(ctx, "bs1", clock)
	require.NoError(t, err)
	_, err = s.GetClient(ctx, "c")
	require.NoError(t, err, "clients are not swept (DeleteUnusedClients is the caller's)")
	_, err = s.GetConsent(ctx, in.ID, "c")
	require.NoError(t, err, "consents do not expire")
}

// countingObserver counts the statements a store reports.
type countingObserver struct{ n, errs atomic.Int64 }

func (c *countingObserver) StoreStatement(backend, kind string, d time.Duration, err error) {
	c.n.Add(1)
	if err != nil {
		c.errs.Add(1)
	}
}

// With an Observer every statement is timed through a wrapped driver: the
// whole suite still passes, and statements are reported.
func TestSQLiteTimed(t *testing.T) {
	t.Parallel()
	obs := &countingObserver{}
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "store.db"), store.Options{Now: func() time.Time { return clock }, Observer: obs})
		require.NoError(t, err)
		return s
	})
	t.Cleanup(func() { assert.Positive(t, obs.n.Load()) })
}
