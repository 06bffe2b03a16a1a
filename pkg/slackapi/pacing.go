package slackapi

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacing says when calls wait for their method's documented limit (tiers.go).
// Slack's limits are per method, workspace and app; a 429 with Retry-After
// always blocks its key until then, whatever the pacing.
type Pacing int

const (
	// PaceNever sends freely; only 429s slow calls down.
	PaceNever Pacing = iota
	// PaceAlways paces at the documented limit from the first call.
	PaceAlways
	// PaceAfterPushback sends freely until Slack answers 429, then paces
	// that key at its documented limit (starting from an empty bucket:
	// Slack's budget is spent) until Slack has been quiet for PushbackHold
	// after the Retry-After. Slack documents its tiers as "N+ per minute"
	// and tolerates bursts, so most calls never wait. Methods given in
	// Options.Limits are paced from the first call: the operator knows
	// that limit holds (a non-Marketplace app's Tier 1 history).
	PaceAfterPushback
)

// DefaultPushbackHold is Options.PushbackHold's default: a minute, one
// window of Slack's per-minute limits.
const DefaultPushbackHold = time.Minute

// maxBuckets bounds the pacing state kept per Factory; idle buckets are
// swept when it is reached.
const maxBuckets = 10000

// PauseKey names what a 429 pauses: a method for a workspace (Scope is
// "team:T1", "ent:E1" or "token:<fingerprint>"), per channel for methods
// Slack limits per channel.
type PauseKey struct {
	Scope, Method, Channel string
}

type bucket struct {
	lim   *rate.Limiter // the documented limit; nil with PaceNever
	burst int
	mode  Pacing

	mu           sync.Mutex
	blockedUntil time.Time // set by a 429 on this key
	pacedUntil   time.Time // PaceAfterPushback: paced until then
}

func (b *bucket) blockedFor(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.blockedUntil.Sub(now)
}

// pacingAt reports whether a call at now waits for the limiter.
func (b *bucket) pacingAt(now time.Time) bool {
	switch b.mode {
	case PaceAlways:
		return b.lim != nil
	case PaceAfterPushback:
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.lim != nil && now.Before(b.pacedUntil)
	}
	return false
}

// pushedBack records a 429 (here or, shared, on another replica) that
// blocks the key until until; with PaceAfterPushback the key is paced from
// then on, for hold after the block.
func (b *bucket) pushedBack(now, until time.Time, hold time.Duration) (started bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if until.After(b.blockedUntil) {
		b.blockedUntil = until
	}
	if b.mode != PaceAfterPushback || b.lim == nil {
		return false
	}
	if !now.Before(b.pacedUntil) {
		// Slack's budget for this key is spent: start from an empty bucket.
		b.lim.AllowN(now, int(b.lim.TokensAt(now)))
		started = true
	}
	if p := until.Add(hold); p.After(b.pacedUntil) {
		b.pacedUntil = p
	}
	return started
}

func (b *bucket) idle(now time.Time) bool {
	if b.blockedFor(now) > 0 {
		return false
	}
	return !b.pacingAt(now) || b.lim.TokensAt(now) >= float64(b.burst)
}

// buckets is the pacing and back-off state of a Factory, shared by all its
// Clients so two clients for one workspace never double Slack's budget.
type buckets struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[PauseKey]*bucket
}

func newBuckets(now func() time.Time) *buckets {
	return &buckets{now: now, m: make(map[PauseKey]*bucket)}
}

func (bs *buckets) get(k PauseKey, l Limit, mode Pacing) *bucket {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b, ok := bs.m[k]; ok {
		return b
	}
	if len(bs.m) >= maxBuckets {
		now := bs.now()
		for key, b := range bs.m {
			if b.idle(now) {
				delete(bs.m, key)
			}
		}
	}
	b := &bucket{burst: l.Burst, mode: mode}
	if mode != PaceNever {
		b.lim = rate.NewLimiter(rate.Limit(float64(l.PerMinute)/60), l.Burst)
	}
	bs.m[k] = b
	return b
}

// pushedBack applies a 429 seen by this process and tells Options.OnPushback
// (which shares it with other replicas).
func (f *Factory) pushedBack(k PauseKey, b *bucket, now, until time.Time) {
	if b.pushedBack(now, until, f.pushbackHold) {
		f.log.Debug().Str("method", k.Method).Str("scope", k.Scope).Time("paced_until", until.Add(f.pushbackHold)).Msg("slack pushed back: pacing at the documented limit")
	}
	if f.onPushback != nil {
		f.onPushback(k, until)
	}
}

// Pause applies a 429 another replica saw: calls for k wait until until,
// and with PaceAfterPushback are paced for a while after.
func (f *Factory) Pause(k PauseKey, until time.Time) {
	now := f.now()
	if !until.After(now) {
		return
	}
	b := f.buckets.get(k, limitFor(f.limits, k.Method), f.modeFor(k.Method))
	b.pushedBack(now, until, f.pushbackHold)
}

// modeFor is the pacing of method: PaceAfterPushback becomes PaceAlways
// for a limit the operator set.
func (f *Factory) modeFor(method string) Pacing {
	if _, set := f.limits[method]; set && f.pacing == PaceAfterPushback {
		return PaceAlways
	}
	return f.pacing
}

// PausedFor is how long calls for k still wait on a 429 (here or shared);
// zero when they do not.
func (f *Factory) PausedFor(k PauseKey) time.Duration {
	f.buckets.mu.Lock()
	b := f.buckets.m[k]
	f.buckets.mu.Unlock()
	if b == nil {
		return 0
	}
	return max(b.blockedFor(f.now()), 0)
}
