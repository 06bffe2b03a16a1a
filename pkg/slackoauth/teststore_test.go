package slackoauth

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Service resolves personal access tokens for the multi-user provider.
var _ provider.PATResolver = (*Service)(nil)

// newTestStore opens the real SQLite backend at path (store.MemoryPath
// for a private in-memory database) on the test's clock.
func newTestStore(t testing.TB, path string, c *clock) *store.SQLite {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), path, store.Options{Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}
