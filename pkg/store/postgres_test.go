package store_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

func openPostgres(t testing.TB, url string) *store.Postgres {
	t.Helper()
	s, err := store.OpenPostgres(context.Background(), url, store.Options{Now: func() time.Time { return clock }})
	require.NoError(t, err)
	return s
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) store.Store { return openPostgres(t, storetest.PostgresURL(t)) })
}

func TestPostgresConnections(t *testing.T) {
	t.Parallel()
	storetest.RunConnections(t, func(t *testing.T) storetest.ConnectionsStore {
		return openPostgres(t, storetest.PostgresURL(t))
	})
}

func TestPostgresAuthServer(t *testing.T) {
	t.Parallel()
	storetest.RunAuthServer(t, func(t *testing.T) store.AuthServerStore {
		s := openPostgres(t, storetest.PostgresURL(t))
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestPostgresDurable(t *testing.T) {
	t.Parallel()
	storetest.RunDurable(t, func(t *testing.T) storetest.Durable {
		url := storetest.PostgresURL(t)
		return storetest.Durable{
			Open: func(t *testing.T) store.Store { return openPostgres(t, url) },
			Dump: func(t *testing.T) []byte { return storetest.DumpPostgres(t, url) },
		}
	})
}

// Replicas starting together against a new database migrate it once: the
// advisory lock queues them, the later ones find it up to date.
func TestPostgresReplicasMigrateOnce(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	const replicas = 6
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := store.OpenPostgres(context.Background(), url, store.Options{})
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "replica %d", i)
	}
	s := openPostgres(t, url)
	defer s.Close()
	var applied, latest int
	require.NoError(t, s.DB().QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&applied, &latest))
	assert.Equal(t, latest, applied, "each migration recorded once")
}

// Replicas refreshing one installation's Slack token at once refresh it
// once: the row lock queues them across connections and processes.
func TestPostgresRefreshOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	a, b := openPostgres(t, url), openPostgres(t, url)
	defer a.Close()
	defer b.Close()
	storetest.RefreshOnce(t, a, b)
}

func TestPostgresSweeperAuthServer(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	sweeperAuthServer(t, func(o store.Options) (store.Backend, *sql.DB) {
		s, err := store.OpenPostgres(context.Background(), url, o)
		require.NoError(t, err)
		return s, s.DB()
	})
}

func TestPostgresOpenErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, url, want string
	}{
		{name: "not a PostgreSQL URL", url: "mysql://u:p@h/db", want: "postgres:// or postgresql://"},
		{name: "malformed", url: "postgres://u:hunter2@[::1/db", want: "PostgreSQL URL"},
		{name: "nobody listening", url: "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2", want: "connecting to PostgreSQL at 127.0.0.1:1/db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := store.OpenPostgres(context.Background(), tc.url, store.Options{})
			require.ErrorContains(t, err, tc.want)
			assert.NotContains(t, err.Error(), "hunter2", "the password never appears in an error")
		})
	}
}

func TestPostgresTimed(t *testing.T) {
	t.Parallel()
	obs := &countingObserver{}
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := store.OpenPostgres(context.Background(), storetest.PostgresURL(t), store.Options{Now: func() time.Time { return clock }, Observer: obs})
		require.NoError(t, err)
		return s
	})
	t.Cleanup(func() { assert.Positive(t, obs.n.Load()) })
}
