package clientip

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Of is the client's address: the one Middleware resolved (through
// trusted proxies), else the peer address. X-Forwarded-For is never read
// here.
func Of(r *http.Request) string {
	if a, ok := r.Context().Value(ctxKey{}).(netip.Addr); ok {
		return a.String()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Truncated keeps the network part, /24 of IPv4 and /48 of IPv6, so audit
// logs do not hold whole addresses; "" when s is not an IP.
func Truncated(s string) string {
	ip := net.ParseIP(s)
	switch {
	case ip == nil:
		return ""
	case ip.To4() != nil:
		return ip.Mask(net.CIDRMask(24, 32)).String()
	default:
		return ip.Mask(net.CIDRMask(48, 128)).String()
	}
}

// DefaultMaxEntries bounds the bucket map of a Limiter.
const DefaultMaxEntries = 10000

// Limiter is a token bucket per key (a client IP, counted by Bucket) in a
// bounded map. Buckets that refilled completely carry no state worth
// keeping and go first when the map is full.
type Limiter struct {
	limit rate.Limit
	burst int
	max   int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewLimiter returns a limiter; rate.Inf disables it.
func NewLimiter(limit rate.Limit, burst, maxEntries int) *Limiter {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	return &Limiter{limit: limit, burst: burst, max: maxEntries, buckets: map[string]*rate.Limiter{}}
}

// Take spends one token of key's bucket at now; when none is left it
// returns false and how long until one is.
func (l *Limiter) Take(key string, now time.Time) (bool, time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	key = Bucket(key)
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.evict(now)
		}
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[key] = b
	}
	if b.AllowN(now, 1) {
		return true, 0
	}
	if l.limit <= 0 {
		return false, time.Hour
	}
	missing := 1 - b.TokensAt(now)
	return false, time.Duration(missing / float64(l.limit) * float64(time.Second))
}

// evict drops full buckets; if none is full it drops an arbitrary half,
// which at worst hands a few clients a fresh burst.
func (l *Limiter) evict(now time.Time) {
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

// Size is the number of buckets held.
func (l *Limiter) Size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// SetRetryAfter sets the Retry-After header for a wait, in whole seconds
// (at least 1).
func SetRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1)))
}
