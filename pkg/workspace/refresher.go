package workspace

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// refresher schedules the sweeps of one directory: at most one at a time,
// always in the background under the context given to start, never holding
// a lock readers need. Reads nudge it when the data is stale, the loop
// wakes it on the TTL, and cache misses may ask for one sweep per
// MinRefreshInterval.
type refresher struct {
	kind string // "users" or "channels", for logs
	o    Options
	// sweep fetches everything and installs it; at is when the data was
	// taken (zero: now), older than now when it came from a snapshot
	// another process took.
	sweep func(ctx context.Context) (n int, at time.Time, err error)

	ready  atomic.Bool  // a complete sweep or a fresh file is installed
	lastOK atomic.Int64 // unix nanos at which the installed data was complete; 0 = never
	wake   chan struct{}

	mu        sync.Mutex
	ctx       context.Context // from start; nil before
	inflight  chan struct{}   // closed when the running sweep ends; nil if none
	lastStart int64           // unix nanos of the last sweep start
	retryAt   int64           // unix nanos before which no sweep starts after a failure
	failures  int
	sweeps    sync.WaitGroup // sweeps in flight, for stopped
}

func newRefresher(kind string, o Options, sweep func(context.Context) (int, time.Time, error)) *refresher {
	return &refresher{kind: kind, o: o, sweep: sweep, wake: make(chan struct{}, 1)}
}

// start runs the background loop until ctx is done. Only the first call
// has an effect.
func (r *refresher) start(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx != nil {
		return
	}
	r.ctx = ctx
	go r.loop(ctx)
}

// loaded records data installed from a cache file saved at savedAt; fresh
// data makes the directory ready and postpones the first sweep.
func (r *refresher) loaded(savedAt time.Time) {
	r.lastOK.Store(savedAt.UnixNano())
	if !r.stale() {
		r.ready.Store(true)
	}
}

func (r *refresher) stale() bool {
	last := r.lastOK.Load()
	return last == 0 || r.o.Now().UnixNano()-last >= int64(r.o.TTL)
}

// refreshIfStale starts a sweep when the data has outlived its TTL; cheap
// enough for every read.
func (r *refresher) refreshIfStale() {
	if r.stale() {
		r.kick()
	}
}

// kick starts a sweep unless one ran less than MinRefreshInterval ago or a
// failure backoff is pending, and returns a channel closed when the running
// sweep (new or already in flight) ends. nil means no sweep is running:
// none was allowed, or start has not been called.
func (r *refresher) kick() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inflight != nil {
		return r.inflight
	}
	if r.ctx == nil || r.ctx.Err() != nil {
		return nil
	}
	now := r.o.Now().UnixNano()
	if r.lastStart != 0 && now < r.lastStart+int64(r.o.MinRefreshInterval) {
		return nil
	}
	if now < r.retryAt {
		return nil
	}
	r.lastStart = now
	done := make(chan struct{})
	r.inflight = done
	r.sweeps.Add(1) // under mu with ctx live: never after stopped's Wait began for good
	go r.run(r.ctx, done)
	return done
}

// stopped waits for the sweep in flight, cache file write included. Call
// it once the context given to start is done: no sweep starts after that.
func (r *refresher) stopped() {
	// A kick that saw the context live has added its sweep under mu.
	r.mu.Lock()
	r.mu.Unlock()
	r.sweeps.Wait()
}

// running returns the channel of the sweep in flight, or nil.
func (r *refresher) running() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inflight
}

// refresherState is what a log line says of a refresher.
type refresherState struct {
	ready, stopped bool
	failures       int
}

func (r *refresher) state() refresherState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return refresherState{ready: r.ready.Load(), stopped: r.ctx == nil || r.ctx.Err() != nil, failures: r.failures}
}

// failureCount is the number of consecutive failed sweeps.
func (r *refresher) failureCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures
}

func (r *refresher) run(ctx context.Context, done chan struct{}) {
	defer r.sweeps.Done()
	start := r.o.Now()
	n, at, err := r.sweep(ctx)
	end := r.o.Now()
	if at.IsZero() || at.After(end) {
		at = end
	}

	r.mu.Lock()
	r.inflight = nil
	if err != nil {
		r.failures++
		r.retryAt = end.Add(r.backoff()).UnixNano()
	} else {
		r.failures = 0
		r.retryAt = 0
		r.lastOK.Store(at.UnixNano())
		r.ready.Store(true)
	}
	failures := r.failures
	r.mu.Unlock()
	close(done)

	log := r.o.Logger
	switch {
	case err == nil:
		log.Info().Str("directory", r.kind).Int("count", n).Dur("took_ms", end.Sub(start)).Msg("directory refreshed")
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		log.Debug().Str("directory", r.kind).Msg("directory refresh cancelled")
	default:
		log.Warn().Str("directory", r.kind).Err(err).Int("failures", failures).
			Dur("retry_in_ms", r.backoffFor(failures)).Msg("directory refresh failed; keeping previous data")
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// backoff is the wait after the latest failure; r.mu must be held.
func (r *refresher) backoff() time.Duration { return r.backoffFor(r.failures) }

// backoffFor doubles MinRefreshInterval per consecutive failure, capped at TTL.
func (r *refresher) backoffFor(failures int) time.Duration {
	d := r.o.MinRefreshInterval
	for i := 1; i < failures && d < r.o.TTL; i++ {
		d *= 2
	}
	return min(d, r.o.TTL)
}

// untilDue is how long the loop may sleep before the next sweep is due.
func (r *refresher) untilDue() time.Duration {
	due := r.lastOK.Load() + int64(r.o.TTL)
	r.mu.Lock()
	due = max(due, r.lastStart+int64(r.o.MinRefreshInterval), r.retryAt)
	r.mu.Unlock()
	d := time.Duration(due - r.o.Now().UnixNano())
	return min(max(d, time.Second), r.o.TTL)
}

func (r *refresher) loop(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		var done <-chan struct{}
		if r.stale() {
			done = r.kick()
		}
		timer.Reset(r.untilDue())
		select {
		case <-ctx.Done():
			return
		case <-done:
		case <-r.wake:
		case <-timer.C:
		}
	}
}

// wait blocks until done is closed or ctx ends; a nil done returns at once.
func wait(ctx context.Context, done <-chan struct{}) error {
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waitReady waits, until ctx ends, for the sweep in flight (or one it
// starts) when the directory has not been loaded yet.
func (r *refresher) waitReady(ctx context.Context) error {
	if r.ready.Load() {
		return nil
	}
	return wait(ctx, r.kick())
}
