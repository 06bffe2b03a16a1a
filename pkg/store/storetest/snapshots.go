package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// testDirectorySnapshots: a snapshot is kept per key, a newer one wins, and
// a sweep claim is held by one holder until it ends. Claim ends are far
// from any store clock (years 2000 and 2100), as the suite does not know
// the backend's.
func testDirectorySnapshots(t *testing.T, s store.Store) {
	d, ok := s.(store.DirectorySnapshots)
	if !ok {
		t.Skip("backend does not share directory snapshots")
	}
	ctx := context.Background()
	const key = "users/E1/T1"
	_, _, found, err := d.LoadSnapshot(ctx, key)
	require.NoError(t, err)
	assert.False(t, found)

	claimed, err := d.ClaimSweep(ctx, key, "replica-a", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.True(t, claimed)
	_, _, found, err = d.LoadSnapshot(ctx, key)
	require.NoError(t, err)
	assert.False(t, found, "a claim is not a snapshot")
	claimed, err = d.ClaimSweep(ctx, key, "replica-b", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.False(t, claimed, "held by another replica")
	claimed, err = d.ClaimSweep(ctx, key, "replica-a", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.True(t, claimed, "the holder renews")

	require.NoError(t, d.SaveSnapshot(ctx, key, []byte("sealed v2"), t0.Add(time.Minute)))
	require.NoError(t, d.SaveSnapshot(ctx, key, []byte("sealed v1"), t0), "an older snapshot is ignored")
	data, at, found, err := d.LoadSnapshot(ctx, key)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, "sealed v2", string(data))
	assert.Equal(t, ms(t0.Add(time.Minute)), at)
	require.NoError(t, d.SaveSnapshot(ctx, "channels/E1/T1/U1", []byte("theirs"), t0))
	data, _, _, err = d.LoadSnapshot(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, "sealed v2", string(data), "per key")

	claimed, err = d.ClaimSweep(ctx, key, "replica-a", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.True(t, claimed)
	claimed, err = d.ClaimSweep(ctx, key, "replica-b", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.True(t, claimed, "an ended claim is taken over")
	data, _, _, err = d.LoadSnapshot(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, "sealed v2", string(data), "claims leave the snapshot alone")

	require.Error(t, d.SaveSnapshot(ctx, "", nil, t0), "a key is required")
}
