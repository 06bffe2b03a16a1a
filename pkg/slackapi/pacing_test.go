package slackapi

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Adaptive pacing sends freely, follows a 429's Retry-After, then paces
// the key at its documented limit from an empty bucket until Slack has
// been quiet for PushbackHold, then sends freely again.
func TestPaceAfterPushback(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	var mu sync.Mutex
	var told []PauseKey
	f, clock, _ := newTestFactory(t, fs.URL(), func(o *Options) {
		o.Pacing = PaceAfterPushback
		o.RetryBudget = 5 * time.Minute
		o.OnPushback = func(k PauseKey, until time.Time) {
			mu.Lock()
			defer mu.Unlock()
			told = append(told, k)
		}
	})
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	ctx := context.Background()

	for range 10 {
		require.NoError(t, history(ctx, c))
	}
	assert.Empty(t, clock.Sleeps(), "free until Slack pushes back, past the documented burst")

	fs.failNext("conversations.history", "1")
	require.NoError(t, history(ctx, c))
	mu.Lock()
	assert.Equal(t, []PauseKey{{Scope: "team:T1", Method: "conversations.history"}}, told, "the 429 is told, for other replicas")
	mu.Unlock()

	// Paced now at Tier 3 (50 a minute, one per 1.2 s), from a bucket
	// emptied at the 429: the retry waits out Retry-After (1 s), then for
	// the rest of its token (0.2 s); the next call a whole interval.
	require.NoError(t, history(ctx, c))
	sleeps := clock.Sleeps()
	require.Len(t, sleeps, 3)
	assert.Equal(t, time.Second, sleeps[0])
	assert.InDelta(t, 200*time.Millisecond, sleeps[1], float64(time.Millisecond))
	assert.InDelta(t, 1200*time.Millisecond, sleeps[2], float64(time.Millisecond))

	// A quiet minute after the Retry-After: free again.
	clock.Advance(DefaultPushbackHold)
	for range 8 {
		require.NoError(t, history(ctx, c))
	}
	assert.Len(t, clock.Sleeps(), 3, "no more waits")
}

// A 429 another replica saw (Pause) holds calls here until its
// Retry-After ends, and paces the key after, as a local one would.
func TestPauseFromAnotherReplica(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	f, clock, _ := newTestFactory(t, fs.URL(), func(o *Options) {
		o.Pacing = PaceAfterPushback
	})
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	other := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T2"})
	ctx := context.Background()

	f.Pause(PauseKey{Scope: "team:T1", Method: "conversations.history"}, clock.Now().Add(15*time.Second))
	f.Pause(PauseKey{Scope: "team:T1", Method: "users.info"}, clock.Now().Add(-time.Second)) // already over: ignored
	require.NoError(t, history(ctx, other))
	assert.Empty(t, clock.Sleeps(), "another workspace is not paused")
	require.NoError(t, history(ctx, c))
	assert.Equal(t, []time.Duration{15 * time.Second}, clock.Sleeps())
	assert.Len(t, fs.callsOf("conversations.history"), 2, "no call reached Slack while paused")
}
