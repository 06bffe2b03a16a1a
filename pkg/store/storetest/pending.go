package storetest

import (
	"bytes"
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

// Pending browser authorizations: single use, expiry, validation.

func pending(state string) store.Pending {
	return store.Pending{
		StateHash: state,
		NonceHash: "nonce-" + state,
		ReturnURL: "/done?x=1",
		Metadata:  []byte(`{"client":"claude"}`),
		Scopes:    []string{"channels:history", "search:read"},
		CreatedAt: t0,
		ExpiresAt: t0.Add(15 * time.Minute),
	}
}

func normPending(p store.Pending) store.Pending {
	p.CreatedAt, p.ExpiresAt = ms(p.CreatedAt), ms(p.ExpiresAt)
	return p
}

func testPendingRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := pending("s1")
	require.NoError(t, s.CreatePending(ctx, p))
	got, err := s.ConsumePending(ctx, "s1", t0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, normPending(p), got)

	// Empty optional fields come back empty (nil).
	bare := store.Pending{StateHash: "s2", NonceHash: "n2", CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
	require.NoError(t, s.CreatePending(ctx, bare))
	got, err = s.ConsumePending(ctx, "s2", t0)
	require.NoError(t, err)
	assert.Equal(t, normPending(bare), got)

	// Metadata of exactly 1 KB is accepted.
	full := pending("s3")
	full.Metadata = bytes.Repeat([]byte("m"), 1024)
	require.NoError(t, s.CreatePending(ctx, full))
	got, err = s.ConsumePending(ctx, "s3", t0)
	require.NoError(t, err)
	assert.Equal(t, full.Metadata, got.Metadata)
}

func testPendingDuplicate(t *testing.T, s store.Store) {
	ctx := context.Background()
	require.NoError(t, s.CreatePending(ctx, pending("dup")))
	other := pending("dup")
	other.NonceHash = "attacker"
	require.ErrorIs(t, s.CreatePending(ctx, other), store.ErrAlreadyExists)
	got, err := s.ConsumePending(ctx, "dup", t0)
	require.NoError(t, err)
	assert.Equal(t, "nonce-dup", got.NonceHash, "the first writer keeps the state")
}

func testPendingSingleUse(t *testing.T, s store.Store) {
	ctx := context.Background()
	require.NoError(t, s.CreatePending(ctx, pending("once")))
	_, err := s.ConsumePending(ctx, "once", t0)
	require.NoError(t, err)
	_, err = s.ConsumePending(ctx, "once", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "replay")
	_, err = s.ConsumePending(ctx, "never-created", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "forged")
	_, err = s.ConsumePending(ctx, "", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testPendingExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := pending("exp")
	require.NoError(t, s.CreatePending(ctx, p))
	// One millisecond before the expiry it is still valid ...
	require.NoError(t, s.CreatePending(ctx, pending("exp-ok")))
	_, err := s.ConsumePending(ctx, "exp-ok", ms(p.ExpiresAt).Add(-time.Millisecond))
	require.NoError(t, err)
	// ... at the expiry instant it is not, and it is deleted all the same:
	// consuming again with an earlier clock still fails.
	_, err = s.ConsumePending(ctx, "exp", ms(p.ExpiresAt))
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ConsumePending(ctx, "exp", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	n, err := s.SweepPending(ctx, t0.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "the expired one was already deleted by consume")
}

func testPendingConcurrentConsume(t *testing.T, s store.Store) {
	ctx := context.Background()
	const states, consumers = 5, 32
	for i := range states {
		require.NoError(t, s.CreatePending(ctx, pending(fmt.Sprint("race-", i))))
	}
	var (
		wg         sync.WaitGroup
		start      = make(chan struct{})
		wins       [states]atomic.Int32
		unexpected = make(chan error, states*consumers)
	)
	for i := range states {
		for range consumers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				p, err := s.ConsumePending(ctx, fmt.Sprint("race-", i), t0)
				switch {
				case err == nil && p.StateHash == fmt.Sprint("race-", i):
					wins[i].Add(1)
				case err == nil:
					unexpected <- fmt.Errorf("got state %q", p.StateHash)
				case !errors.Is(err, store.ErrNotFound):
					unexpected <- err
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	close(unexpected)
	for err := range unexpected {
		t.Errorf("concurrent consume: %v", err)
	}
	for i := range states {
		assert.EqualValues(t, 1, wins[i].Load(), "state %d must be consumed exactly once", i)
	}
}

func testPendingValidation(t *testing.T, s store.Store) {
	ctx := context.Background()
	big := pending("big")
	big.Metadata = bytes.Repeat([]byte("x"), 1025)
	require.Error(t, s.CreatePending(ctx, big), "metadata over 1 KB")
	noState := pending("")
	require.Error(t, s.CreatePending(ctx, noState))
	badScope := pending("scope")
	badScope.Scopes = []string{"a b"}
	require.Error(t, s.CreatePending(ctx, badScope))
	for _, st := range []string{"big", "scope"} {
		_, err := s.ConsumePending(ctx, st, t0)
		require.ErrorIs(t, err, store.ErrNotFound, "a refused pending must not be stored")
	}
}

func testSweepPending(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, ttl := range []time.Duration{time.Minute, 2 * time.Minute, 10 * time.Minute, time.Hour} {
		p := pending(fmt.Sprint("sw-", i))
		p.ExpiresAt = t0.Add(ttl)
		require.NoError(t, s.CreatePending(ctx, p))
	}
	n, err := s.SweepPending(ctx, t0)
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.SweepPending(ctx, ms(t0.Add(2*time.Minute))) // expiry is inclusive
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = s.SweepPending(ctx, ms(t0.Add(2*time.Minute)))
	require.NoError(t, err)
	assert.Zero(t, n)
	for i, wantErr := range []error{store.ErrNotFound, store.ErrNotFound, nil, nil} {
		_, err := s.ConsumePending(ctx, fmt.Sprint("sw-", i), t0)
		if wantErr == nil {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, wantErr)
		}
	}
}
