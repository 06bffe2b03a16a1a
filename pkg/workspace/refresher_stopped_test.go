package workspace

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stopped returns only after the sweep in flight has ended, so a process
// never exits mid cache write (issue 9 found a test removing the cache
// directory while a sweep still wrote to it).
func TestRefresherStoppedWaitsForTheSweep(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var finished atomic.Bool
	r := newRefresher("users", Options{TTL: time.Hour, MinRefreshInterval: time.Minute, Now: time.Now}, func(context.Context) (int, time.Time, error) {
		<-release
		finished.Store(true)
		return 0, time.Time{}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	r.start(ctx)
	require.Eventually(t, func() bool { return r.running() != nil }, 5*time.Second, time.Millisecond)
	cancel()
	stopped := make(chan struct{})
	go func() { r.stopped(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("stopped returned while the sweep was still running")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	<-stopped
	require.True(t, finished.Load())
	require.Nil(t, r.kick(), "no sweep starts once the context is done")
}
