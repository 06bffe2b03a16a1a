package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func testRefreshTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := installation("", "T1", "U1")
	in.TokenExpiresAt = t0.Add(time.Minute)
	in = mustUpsert(t, s, in)
	exp := t0.Add(12 * time.Hour)

	got, err := s.RefreshTokens(ctx, in.ID, func(cur store.Installation) (store.TokenUpdate, error) {
		assert.Equal(t, in.AccessToken, cur.AccessToken, "the refresh sees the stored row")
		return store.TokenUpdate{AccessToken: "v1.k1.new", RefreshToken: "v1.k1.new-refresh", ExpiresAt: exp}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, "v1.k1.new", got.AccessToken)
	assert.Equal(t, ms(exp), got.TokenExpiresAt)
	stored, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored, "what is returned is what was stored")

	kept, err := s.RefreshTokens(ctx, in.ID, func(store.Installation) (store.TokenUpdate, error) {
		return store.TokenUpdate{Keep: true}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, stored, kept)

	boom := errors.New("slack said no")
	_, err = s.RefreshTokens(ctx, in.ID, func(store.Installation) (store.TokenUpdate, error) { return store.TokenUpdate{}, boom })
	require.ErrorIs(t, err, boom, "the refresh's error comes back as is")
	after, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, stored, after, "a failed refresh changes nothing")

	never := func(store.Installation) (store.TokenUpdate, error) {
		t.Error("refresh called for an installation that cannot be refreshed")
		return store.TokenUpdate{Keep: true}, nil
	}
	_, err = s.RefreshTokens(ctx, "inst_00000000000000000000000000000000", never)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, s.RevokeInstallation(ctx, in.ID, t0))
	_, err = s.RefreshTokens(ctx, in.ID, never)
	require.ErrorIs(t, err, store.ErrNotFound, "a revoked installation is not refreshed")
}

func testRefreshTokensOnce(t *testing.T, s store.Store) { RefreshOnce(t, s, s) }

// RefreshOnce checks that callers refreshing one installation at once
// through any of replicas (store handles on one database) refresh it once:
// each refresh sees the row its predecessor stored, as a replica that
// lost the race must use the winner's token.
func RefreshOnce(t *testing.T, replicas ...store.Store) {
	t.Helper()
	ctx := context.Background()
	in := installation("", "T1", "U1")
	in.TokenExpiresAt = t0.Add(time.Minute)
	in = mustUpsert(t, replicas[0], in)

	var calls atomic.Int32
	refresh := func(cur store.Installation) (store.TokenUpdate, error) {
		if cur.TokenExpiresAt.After(t0.Add(time.Hour)) {
			return store.TokenUpdate{Keep: true}, nil // refreshed while we waited
		}
		n := calls.Add(1)
		time.Sleep(20 * time.Millisecond) // Slack takes a while
		return store.TokenUpdate{AccessToken: fmt.Sprintf("v1.k1.refreshed-%d", n), RefreshToken: "v1.k1.r", ExpiresAt: t0.Add(12 * time.Hour)}, nil
	}
	const callers = 8
	got := make([]string, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := replicas[i%len(replicas)].RefreshTokens(ctx, in.ID, refresh)
			if assert.NoError(t, err) {
				got[i] = r.AccessToken
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), calls.Load(), "one refresh for every caller")
	for i := range got {
		assert.Equal(t, "v1.k1.refreshed-1", got[i], "caller %d uses the winner's token", i)
	}
}
