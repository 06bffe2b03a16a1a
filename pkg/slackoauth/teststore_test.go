package slackoauth

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// newTestStore opens the real SQLite backend at path (store.MemoryPath
// for a private in-memory database) on the test's clock.
func newTestStore(t testing.TB, path string, c *clock) *store.SQLite {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), path, store.Options{Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}
