package params

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Count parses a count argument such as a page size. "" and "0" mean def.
// Surrounding spaces are ignored. Values above max are refused with the
// allowed range, so a model learns the bound instead of silently getting
// fewer rows than it asked for (max <= 0 means no cap). Negative and
// non-numeric values are errors naming name.
func Count(raw string, def, max int, name string) (int, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		digits := strings.TrimPrefix(s, "+")
		if isDigits(digits) {
			if max > 0 {
				return 0, overMax(name, def, max, s) // all digits but beyond int range
			}
			return 0, rangeErr(name)
		}
		if strings.HasPrefix(s, "-") && isDigits(s[1:]) {
			return 0, fmt.Errorf("%q must not be negative; got %s", name, quote(s))
		}
		return 0, fmt.Errorf("%q must be a whole number such as %d; got %s", name, example(def), quote(s))
	}
	switch {
	case n < 0:
		return 0, fmt.Errorf("%q must not be negative; got %s", name, quote(s))
	case n == 0:
		return def, nil
	case max > 0 && n > max:
		return 0, overMax(name, def, max, s)
	}
	return n, nil
}

// RangeError is a count above its maximum. Its message names the range
// the schema declares (0 is allowed there and means the default).
type RangeError struct {
	Name          string
	Default, Max  int
	Got           string
	windowAllowed bool
}

func (e *RangeError) Error() string {
	switch {
	case e.windowAllowed:
		return fmt.Sprintf("%q must be a message count from 1 to %d or a time window such as 1d or 7d; got %s", e.Name, e.Max, quote(e.Got))
	case e.Default > 0:
		return fmt.Sprintf("%q must be between 1 and %d (0 or omitted means %d); got %s", e.Name, e.Max, e.Default, quote(e.Got))
	}
	return fmt.Sprintf("%q must be between 1 and %d; got %s", e.Name, e.Max, quote(e.Got))
}

func overMax(name string, def, max int, got string) error {
	return &RangeError{Name: name, Default: def, Max: max, Got: got}
}

// CountArg reads args[key] as a count, as Count does. The value may be a
// JSON number or a string holding one (some clients send every argument as
// a string); an object or a list is refused instead of read as "absent".
func CountArg(args map[string]any, key string, def, max int) (int, error) {
	raw, err := Scalar(args, key)
	if err != nil {
		return 0, err
	}
	return Count(raw, def, max, key)
}

func example(def int) int {
	if def > 0 {
		return def
	}
	return 20
}

// Limit is a parsed limit argument: either a message count, or a time window
// reaching back from now.
type Limit struct {
	// Count is the number of items to return. For a time window it is the
	// max passed to ParseLimit, the cap on how many items the window may
	// yield.
	Count int
	// Since is the start of the time window, or the zero time when the limit
	// is a count.
	Since time.Time
	// Window is the normalized window, such as "7d", or "" for a count.
	Window string
}

// IsWindow reports whether the limit is a time window rather than a count.
func (l Limit) IsWindow() bool { return !l.Since.IsZero() }

// Longest accepted window count; beyond it Since is the Unix epoch anyway.
const maxWindowN = 1_000_000

// ParseLimit parses a limit that is either a count ("50") or a time window
// made of a positive whole number and a unit:
//
//	h, hour, hours    hours, exactly n×60 minutes before now
//	d, day, days      calendar days: the same clock time n days ago
//	w, week, weeks    7n calendar days
//	m, month, months  calendar months; the day is clamped to the month's end
//	                  (Mar 31 minus 1m is Feb 28/29)
//	y, year, years    12n calendar months
//
// Units are case-insensitive and a space may separate number and unit
// ("7 days"). Minutes are not supported ("m" is months). Windows are rolling
// and computed in now's location: "1d" is the last 24 hours (across a
// daylight-saving change, the same clock time yesterday), not "since
// midnight". Since is never earlier than the Unix epoch.
//
// "" and "0" mean def messages; counts above max are refused with the
// allowed range. A zero or negative window is an error.
func ParseLimit(raw string, def, max int, now time.Time) (Limit, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" || isDigits(strings.TrimLeft(s, "+-")) {
		n, err := Count(s, def, max, "limit")
		var re *RangeError
		if errors.As(err, &re) {
			re.windowAllowed = true
		}
		return Limit{Count: n}, err
	}
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	num, unitWord := s[:i], strings.TrimSpace(s[i:])
	unit, ok := windowUnit(unitWord)
	if !ok || !isDigits(strings.TrimLeft(num, "+-")) {
		return Limit{}, fmt.Errorf("limit %s is neither a message count such as 50 nor a time window such as 12h, 1d, 7d, 2w, 1m (months) or 1y", quote(strings.TrimSpace(raw)))
	}
	n, err := strconv.Atoi(num)
	if err != nil { // out of int range; the sign decides
		n = maxWindowN + 1
		if strings.HasPrefix(num, "-") {
			n = -1
		}
	}
	if n <= 0 {
		return Limit{}, fmt.Errorf("limit %s is not a positive time window; use a window such as 1d or 7d, or a message count such as 50", quote(strings.TrimSpace(raw)))
	}
	since := windowStart(now, n, unit)
	if epoch := time.Unix(0, 0).In(now.Location()); since.Before(epoch) {
		since = epoch
	}
	count := max
	if count <= 0 {
		count = def
	}
	window := strings.TrimLeft(num, "+0") + string(unit) // "007d" is "7d"
	return Limit{Count: count, Since: since, Window: window}, nil
}

// LimitArg reads args[key] as ParseLimit does, refusing an object or a list
// the way CountArg does.
func LimitArg(args map[string]any, key string, def, max int, now time.Time) (Limit, error) {
	raw, err := Scalar(args, key)
	if err != nil {
		return Limit{}, err
	}
	return ParseLimit(raw, def, max, now)
}

func windowUnit(w string) (byte, bool) {
	switch w {
	case "h", "hr", "hrs", "hour", "hours":
		return 'h', true
	case "d", "day", "days":
		return 'd', true
	case "w", "wk", "wks", "week", "weeks":
		return 'w', true
	case "m", "mo", "mon", "month", "months":
		return 'm', true
	case "y", "yr", "yrs", "year", "years":
		return 'y', true
	}
	return 0, false
}

func windowStart(now time.Time, n int, unit byte) time.Time {
	if n > maxWindowN {
		return time.Time{}.In(now.Location()) // long before the epoch
	}
	switch unit {
	case 'h':
		return now.Add(-time.Duration(n) * time.Hour)
	case 'd':
		return now.AddDate(0, 0, -n)
	case 'w':
		return now.AddDate(0, 0, -7*n)
	case 'y':
		return monthsBefore(now, 12*n)
	default: // 'm'
		return monthsBefore(now, n)
	}
}

// monthsBefore steps back n calendar months, clamping the day to the length
// of the target month instead of overflowing into the next one as AddDate
// does.
func monthsBefore(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	total := y*12 + int(m) - 1 - n
	ty, tm := total/12, time.Month(total%12+1)
	if total < 0 {
		return time.Time{}.In(t.Location())
	}
	if last := daysIn(ty, tm); d > last {
		d = last
	}
	return time.Date(ty, tm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
