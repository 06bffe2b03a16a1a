package params

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const whenHelp = `use a duration from now such as "30m", "2h", "1d 4h" or "in 3 hours", ` +
	`a time such as "2025-03-14T09:00:00+01:00" (no zone means UTC), or Unix seconds`

// ParseWhen parses a moment in the future: a duration from now ("90m",
// "1h30m", "2 days", "in 3 hours", "+45m"; units s, m, h, d, w and their
// names), an RFC 3339 time or "YYYY-MM-DD HH:MM[:SS]" (UTC when no zone is
// given), or Unix seconds. It does not check the moment is in the future:
// callers have their own window.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("a time is required; %s", whenHelp)
	}
	if hasControl(t) || len(t) > 64 {
		return time.Time{}, fmt.Errorf("time %s is not understood; %s", quote(t), whenHelp)
	}
	if isDigits(t) && len(t) >= 9 {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n > 253402300799 { // 9999-12-31
			return time.Time{}, fmt.Errorf("time %s is out of range; %s", quote(t), whenHelp)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00"} {
		if d, err := time.Parse(layout, t); err == nil {
			return d, checkYear(d, t)
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if d, err := time.ParseInLocation(layout, t, time.UTC); err == nil {
			return d, checkYear(d, t)
		}
	}
	if d, ok := parseSpan(strings.ToLower(t)); ok {
		return now.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("time %s is not understood; %s", quote(t), whenHelp)
}

// spanUnits maps unit names to their length.
var spanUnits = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
}

// maxSpan bounds a duration so adding it to now cannot overflow.
const maxSpan = 100 * 365 * 24 * time.Hour

// parseSpan reads "in 1 day 2h", "+90m", "1h30m": number-unit pairs with
// optional spaces and "and" or commas between them.
func parseSpan(s string) (time.Duration, bool) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "in "), "+")
	s = strings.NewReplacer(",", " ", " and ", " ").Replace(s)
	var total time.Duration
	pairs := 0
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 6 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		s = strings.TrimLeft(s[i:], " ")
		j := 0
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		unit, ok := spanUnits[s[:j]]
		if !ok {
			return 0, false
		}
		s = s[j:]
		if time.Duration(n) > (maxSpan-total)/unit {
			return 0, false
		}
		total += time.Duration(n) * unit
		pairs++
	}
	return total, pairs > 0
}
