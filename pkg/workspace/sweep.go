package workspace

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// rateLimitWait reports how long to wait before retrying after err, if err
// is a 429 and the sweep's budget (maxRateLimitWait, tracked in *waited)
// allows it. The HTTP layer paces and retries first; this only keeps a long
// sweep from failing on the 429 that slips through.
func rateLimitWait(err error, waited *time.Duration) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) {
		return 0, false
	}
	d := max(rl.RetryAfter, time.Second)
	if *waited+d > maxRateLimitWait {
		return 0, false
	}
	*waited += d
	return d, true
}

// sleep waits d of real time or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sortDedupe sorts list by key and keeps the last of each run of equal
// keys (a later page wins).
func sortDedupe[T any](list []T, key func(T) string) []T {
	slices.SortStableFunc(list, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	out := list[:0]
	for i := range list {
		if i+1 < len(list) && key(list[i]) == key(list[i+1]) {
			continue
		}
		out = append(out, list[i])
	}
	return out
}

// interner shares equal strings (time zones) among the users of one sweep.
type interner map[string]string

func (in interner) intern(s string) string {
	if s == "" {
		return s
	}
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}
