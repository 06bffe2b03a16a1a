package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// ForEachBackend runs test, in parallel, on a fresh SQLite file and a
// fresh PostgreSQL schema (PostgresURL: skipped without a server, except
// in CI), each on clock now; the store is closed after the test.
func ForEachBackend(t *testing.T, now func() time.Time, test func(t *testing.T, st store.Backend)) {
	t.Helper()
	open := map[string]func(t *testing.T) (store.Backend, error){
		"sqlite": func(t *testing.T) (store.Backend, error) {
			return store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "store.db"), store.Options{Now: now})
		},
		"postgres": func(t *testing.T) (store.Backend, error) {
			return store.OpenPostgres(context.Background(), PostgresURL(t), store.Options{Now: now})
		},
	}
	for name, o := range open {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, err := o(t)
			require.NoError(t, err)
			t.Cleanup(func() { _ = st.Close() })
			test(t, st)
		})
	}
}
