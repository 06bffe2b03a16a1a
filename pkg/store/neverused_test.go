package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func TestDeleteNeverUsedClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openSQLite(t, store.MemoryPath)
	old, recent := clock.Add(-25*time.Hour), clock.Add(-time.Hour)
	clients := []struct {
		id, kind  string
		created   time.Time
		used      time.Time
		wantAlive bool
	}{
		{"mcpc_old_unused", store.ClientDynamic, old, time.Time{}, false},
		{"mcpc_recent_unused", store.ClientDynamic, recent, time.Time{}, true},
		{"mcpc_old_used", store.ClientDynamic, old, old.Add(time.Minute), true},
		{"https://app.example/cimd.json", store.ClientMetadata, old, time.Time{}, false},
		{"https://app.example/used.json", store.ClientMetadata, old, old, true},
		{"mcpc_static", store.ClientStatic, old, time.Time{}, true},
	}
	for _, c := range clients {
		require.NoError(t, s.PutClient(ctx, store.Client{ID: c.id, Kind: c.kind, RedirectURIs: []string{"https://app.example/cb"},
			AuthMethod: "none", CreatedAt: c.created, LastUsedAt: c.used, ExpiresAt: clock.Add(time.Hour)}))
	}
	require.NoError(t, s.CreateTxn(ctx, store.AuthTxn{IDHash: "txn1", ClientID: "mcpc_old_unused", RedirectURI: "https://app.example/cb",
		CreatedAt: clock, ExpiresAt: clock.Add(time.Hour)}))

	n, err := s.DeleteNeverUsedClients(ctx, clock.Add(-24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, 2, n)
	for _, c := range clients {
		_, err := s.GetClient(ctx, c.id)
		if c.wantAlive {
			require.NoError(t, err, c.id)
		} else {
			require.ErrorIs(t, err, store.ErrNotFound, c.id)
		}
	}
	_, err = s.GetTxn(ctx, "txn1", clock)
	require.ErrorIs(t, err, store.ErrNotFound, "its pending authorization went with it")
}
