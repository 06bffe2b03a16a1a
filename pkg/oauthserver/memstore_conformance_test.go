package oauthserver

import (
	"testing"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

// The fake keeps the store.AuthServer contract the SQLite backend is held
// to.
func TestMemStoreConformance(t *testing.T) {
	t.Parallel()
	storetest.RunAuthServer(t, func(t *testing.T) store.AuthServerStore {
		return newMemStore(t, func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })
	})
}
