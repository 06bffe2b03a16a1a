package slackoauth

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxLimiterEntries bounds the per-IP bucket map.
const maxLimiterEntries = 10000

// ipLimiter is a token bucket per client IP in a bounded map. Buckets that
// have refilled completely carry no state worth keeping and are dropped
// first when the map is full.
type ipLimiter struct {
	limit rate.Limit
	burst int
	max   int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newIPLimiter(limit rate.Limit, burst, maxEntries int) *ipLimiter {
	return &ipLimiter{limit: limit, burst: burst, max: maxEntries, buckets: map[string]*rate.Limiter{}}
}

// take spends one token of ip's bucket at now; when none is left it
// returns false and how long until one is.
func (l *ipLimiter) take(ip string, now time.Time) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[ip]
	if !ok {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[ip] = b
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - b.TokensAt(now)
	if l.limit <= 0 {
		return false, time.Hour
	}
	return false, time.Duration(missing / float64(l.limit) * float64(time.Second))
}

// evict drops full buckets; if none is full it drops an arbitrary half,
// which at worst hands a few clients a fresh burst.
func (l *ipLimiter) evict(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.max/2 {
			break
		}
		delete(l.buckets, k)
	}
}

func (l *ipLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// clientIP is the peer address. X-Forwarded-For is not trusted here: a
// deployment behind a proxy sets RemoteAddr in a trusted-proxy middleware.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allow applies the per-IP limit, answering 429 with Retry-After itself.
func (s *Service) allow(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.limiter.take(clientIP(r), s.o.Now())
	if ok {
		return true
	}
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeJSONError(w, http.StatusTooManyRequests, CodeRateLimited)
	return false
}
