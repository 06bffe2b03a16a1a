package caller

import (
	"sync"
	"time"
)

// refusals remembers refused tokens by key for a while. The table is
// bounded: when full, expired refusals go first, then arbitrary ones
// (a made-up token refused again costs one more store or Slack lookup,
// which the per-address validation limit of pkg/authn bounds).
type refusals struct {
	limit int
	ttl   time.Duration

	mu        sync.Mutex
	m         map[string]refusal
	lastPurge time.Time
}

type refusal struct {
	err   error
	until time.Time
}

func newRefusals(limit int, ttl time.Duration) *refusals {
	return &refusals{limit: limit, ttl: ttl, m: map[string]refusal{}}
}

func (t *refusals) get(key string, now time.Time) (error, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.purgeDueLocked(now)
	r, ok := t.m[key]
	if !ok {
		return nil, false
	}
	if !now.Before(r.until) {
		delete(t.m, key)
		return nil, false
	}
	return r.err, true
}

func (t *refusals) put(key string, err error, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m) >= t.limit {
		t.purgeLocked(now)
		for k := range t.m {
			if len(t.m) < t.limit*3/4 {
				break
			}
			delete(t.m, k)
		}
	}
	t.m[key] = refusal{err: err, until: now.Add(t.ttl)}
}

// purgeDueLocked purges at most once per ttl, so lookups stay cheap.
func (t *refusals) purgeDueLocked(now time.Time) {
	if now.Sub(t.lastPurge) >= t.ttl {
		t.purgeLocked(now)
	}
}

func (t *refusals) purge(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.purgeLocked(now)
}

func (t *refusals) purgeLocked(now time.Time) {
	t.lastPurge = now
	for k, r := range t.m {
		if !now.Before(r.until) {
			delete(t.m, k)
		}
	}
}

func (t *refusals) clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.m)
}

func (t *refusals) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}
