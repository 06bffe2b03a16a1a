package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Authorization transactions and their Slack state.

func testTxnRoundTrip(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	x := txn("tx1")
	require.NoError(t, s.CreateTxn(ctx, x))
	got, err := s.GetTxn(ctx, "tx1", t0)
	require.NoError(t, err)
	assert.Equal(t, normTxn(x), got)
	got, err = s.GetTxn(ctx, "tx1", t0.Add(time.Minute))
	require.NoError(t, err, "GetTxn does not consume")
	assert.Empty(t, got.SlackStateHash)

	other := txn("tx1")
	other.ClientID = "attacker"
	require.ErrorIs(t, s.CreateTxn(ctx, other), store.ErrAlreadyExists)
	got, err = s.GetTxn(ctx, "tx1", t0)
	require.NoError(t, err)
	assert.Equal(t, "mcpc_1", got.ClientID, "the first writer keeps the transaction")

	// A zero CreatedAt is filled in by the backend clock.
	bare := store.AuthTxn{IDHash: "tx2", ExpiresAt: t0.Add(time.Minute)}
	require.NoError(t, s.CreateTxn(ctx, bare))
	got, err = s.GetTxn(ctx, "tx2", t0)
	require.NoError(t, err)
	assert.False(t, got.CreatedAt.IsZero())

	require.Error(t, s.CreateTxn(ctx, store.AuthTxn{ExpiresAt: t0.Add(time.Minute)}), "no ID hash")
	require.Error(t, s.CreateTxn(ctx, store.AuthTxn{IDHash: "tx3"}), "no expiry")
	_, err = s.GetTxn(ctx, "tx3", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetTxn(ctx, "unknown", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTxnExpiry(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	x := txn("tx")
	require.NoError(t, s.CreateTxn(ctx, x))
	exp := ms(x.ExpiresAt)
	_, err := s.GetTxn(ctx, "tx", exp.Add(-time.Millisecond))
	require.NoError(t, err)
	_, err = s.GetTxn(ctx, "tx", exp)
	require.ErrorIs(t, err, store.ErrNotFound, "expiry is exclusive")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx", "slack", nil, exp), store.ErrNotFound)
	require.NoError(t, s.SetTxnSlackState(ctx, "tx", "slack", nil, exp.Add(-time.Millisecond)))
	_, err = s.ConsumeTxnBySlackState(ctx, "slack", exp)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ConsumeTxnBySlackState(ctx, "slack", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "an expired transaction is deleted by consume all the same")
}

func testTxnSlackState(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx1")))
	require.NoError(t, s.CreateTxn(ctx, txn("tx2")))

	_, err := s.ConsumeTxnBySlackState(ctx, "slack-1", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "no Slack state yet")
	_, err = s.ConsumeTxnBySlackState(ctx, "", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "an empty state matches nothing")

	require.NoError(t, s.SetTxnSlackState(ctx, "tx1", "slack-1", nil, t0))
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx1", "slack-other", nil, t0), store.ErrAlreadyExists, "only once")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx1", "slack-1", nil, t0), store.ErrAlreadyExists, "not even the same value")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx2", "slack-1", nil, t0), store.ErrAlreadyExists, "taken by another transaction")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "unknown", "slack-9", nil, t0), store.ErrNotFound)
	require.Error(t, s.SetTxnSlackState(ctx, "tx2", "", nil, t0), "empty Slack state")

	got, err := s.GetTxn(ctx, "tx1", t0)
	require.NoError(t, err)
	assert.Equal(t, "slack-1", got.SlackStateHash)

	got, err = s.ConsumeTxnBySlackState(ctx, "slack-1", t0)
	require.NoError(t, err)
	expect := normTxn(txn("tx1"))
	expect.SlackStateHash = "slack-1"
	assert.Equal(t, expect, got)
	_, err = s.ConsumeTxnBySlackState(ctx, "slack-1", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "single use")
	_, err = s.GetTxn(ctx, "tx1", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "consumed means gone")
	_, err = s.GetTxn(ctx, "tx2", t0)
	require.NoError(t, err, "the other transaction is untouched")

	// A Slack state set at creation works the same.
	pre := txn("tx3")
	pre.SlackStateHash = "slack-3"
	require.NoError(t, s.CreateTxn(ctx, pre))
	dup := txn("tx4")
	dup.SlackStateHash = "slack-3"
	require.ErrorIs(t, s.CreateTxn(ctx, dup), store.ErrAlreadyExists, "Slack state hashes are unique")
	got, err = s.ConsumeTxnBySlackState(ctx, "slack-3", t0)
	require.NoError(t, err)
	assert.Equal(t, "tx3", got.IDHash)
}

// The workspaces picked on the consent page travel with the Slack state
// to the callback, in order; malformed picks are refused and change
// nothing.
func testTxnWorkspaces(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx")))
	require.Error(t, s.SetTxnSlackState(ctx, "tx", "slack", []string{"inst_b", "two words"}, t0))
	require.Error(t, s.SetTxnSlackState(ctx, "tx", "slack", []string{""}, t0))
	require.Error(t, s.SetTxnSlackState(ctx, "tx", "slack", make([]string, store.MaxTxnWorkspaces+1), t0))
	got, err := s.GetTxn(ctx, "tx", t0)
	require.NoError(t, err)
	require.Empty(t, got.SlackStateHash, "a refused pick sets nothing")
	require.NoError(t, s.SetTxnSlackState(ctx, "tx", "slack", []string{"inst_b", "inst_a"}, t0))
	got, err = s.ConsumeTxnBySlackState(ctx, "slack", t0)
	require.NoError(t, err)
	assert.Equal(t, []string{"inst_b", "inst_a"}, got.Workspaces)
}

func testTxnConcurrentConsume(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx")))
	require.NoError(t, s.SetTxnSlackState(ctx, "tx", "slack", nil, t0))
	var wins atomic.Int32
	race(t, 32, func() error {
		_, err := s.ConsumeTxnBySlackState(ctx, "slack", t0)
		if err == nil {
			wins.Add(1)
			return nil
		}
		return expectErr(err, store.ErrNotFound)
	})
	assert.EqualValues(t, 1, wins.Load())
}

func testTxnConcurrentSetSlackState(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx")))
	var (
		wins atomic.Int32
		n    atomic.Int32
	)
	race(t, 16, func() error {
		err := s.SetTxnSlackState(ctx, "tx", fmt.Sprint("slack-", n.Add(1)), nil, t0)
		if err == nil {
			wins.Add(1)
			return nil
		}
		return expectErr(err, store.ErrAlreadyExists)
	})
	assert.EqualValues(t, 1, wins.Load())
}
