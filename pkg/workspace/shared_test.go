package workspace

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memShared is a SharedSnapshots in memory: the store replicas share.
type memShared struct {
	mu     sync.Mutex
	snaps  map[string]snap
	claims map[string]claim
	loads  int
}

type snap struct {
	data []byte
	at   time.Time
}

type claim struct {
	holder string
	until  time.Time
}

func newMemShared() *memShared {
	return &memShared{snaps: map[string]snap{}, claims: map[string]claim{}}
}

func (m *memShared) LoadSnapshot(_ context.Context, key string) ([]byte, time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.loads++
	s, ok := m.snaps[key]
	return s.data, s.at, ok, nil
}

func (m *memShared) SaveSnapshot(_ context.Context, key string, data []byte, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.snaps[key] = snap{data: data, at: at}
	return nil
}

func (m *memShared) ClaimSweep(_ context.Context, key, h string, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.claims[key]; ok && c.holder != h && time.Now().Before(c.until) {
		return false, nil
	}
	m.claims[key] = claim{holder: h, until: until}
	return true, nil
}

func (m *memShared) release(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.claims, key)
}

// notShareable is a users API whose sweeps may not be published.
type notShareable struct{ UsersAPI }

func (notShareable) SweepShareable() bool { return false }

// Replicas sharing snapshots: the first sweeps Slack and publishes, the
// next installs the snapshot without a Slack call (it starts warm), a
// stale snapshot is swept again, and a sweep that did not see the whole
// directory is not published.
func TestSharedSnapshots(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	shared := newMemShared()
	replica := func(api UsersAPI) *Users {
		o := e.opts()
		o.Shared, o.SharedKey = shared, "users/T1"
		return NewUsers(api, o)
	}
	ctx := context.Background()

	first := replica(e.api)
	n, at, err := first.sweep(ctx)
	require.NoError(t, err)
	require.Positive(t, n)
	assert.True(t, at.IsZero(), "taken now, from Slack")
	require.Equal(t, 1, e.emu.Calls("users.list"))

	second := replica(e.api)
	n2, at2, err := second.sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, n, n2)
	assert.Equal(t, e.clock.Now().UTC(), at2.UTC(), "the snapshot's time, not the load's")
	assert.Equal(t, 1, e.emu.Calls("users.list"), "warm from the snapshot: no Slack call")
	u, ok := second.Cached("U1")
	require.True(t, ok)
	assert.Equal(t, "john.smith@acme.test", u.Email)

	e.clock.Advance(DefaultTTL)
	_, _, err = second.sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, e.emu.Calls("users.list"), "a stale snapshot is swept again")

	e.clock.Advance(DefaultTTL)
	poor := replica(notShareable{e.api})
	_, _, err = poor.sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, e.emu.Calls("users.list"))
	_, savedAt, _, _ := shared.LoadSnapshot(ctx, "users/T1")
	assert.True(t, e.clock.Now().Sub(savedAt) >= DefaultTTL, "a sweep that may not be shared was not published")
}

// A replica that finds the sweep claimed by another waits for that
// replica's snapshot instead of paging through Slack itself.
func TestSharedSweepClaimed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	shared := newMemShared()
	o := e.opts()
	o.Shared, o.SharedKey = shared, "channels/T1/U0"
	_, err := shared.ClaimSweep(context.Background(), o.SharedKey, "another replica", time.Now().Add(time.Minute))
	require.NoError(t, err)
	owner := NewChannels(e.api, o)
	done := make(chan int, 1)
	go func() {
		n, _, err := NewChannels(e.api, o).sweep(context.Background())
		assert.NoError(t, err)
		done <- n
	}()
	time.Sleep(3 * pollEvery) // the waiting replica is polling
	require.Equal(t, 0, e.emu.Calls("conversations.list"), "it waits for the claim holder")
	shared.release(o.SharedKey) // the holder's claim ends: the owner takes it and sweeps
	n, _, err := owner.sweep(context.Background())
	require.NoError(t, err)
	require.Equal(t, n, <-done, "the waiting replica installed the holder's snapshot")
	require.Equal(t, 1, e.emu.Calls("conversations.list"))
}
