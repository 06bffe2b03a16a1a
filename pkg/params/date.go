package params

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SlackDate formats t as Slack search modifiers expect dates
// (after:, before:, on:): YYYY-MM-DD, in t's own location.
func SlackDate(t time.Time) string { return t.Format(time.DateOnly) }

const dateHelp = "use YYYY-MM-DD such as 2024-01-15, a date such as \"Jan 15, 2024\", or \"today\" or \"yesterday\""

// ParseDate parses a calendar date and returns the start (midnight) of that
// day. Accepted forms:
//
//	2024-01-15, 2024/01/15, 2024-1-5       UTC
//	Jan 15, 2024; January 15th 2024       UTC
//	15 January 2024; 15 Jan 2024          UTC
//	Jan 15; 15 January                    UTC, the most recent such date
//	                                      that is not after today
//	2024-01-15T10:00:00Z,                 the day in the given zone; no zone
//	2024-01-15T10:00:00+02:00             means UTC
//	today, yesterday                      now's date, in now's location
//
// Words are case-insensitive. Years must be between 1970 and 9999.
func ParseDate(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	switch lower {
	case "":
		return time.Time{}, fmt.Errorf("a date is required; %s", dateHelp)
	case "today":
		return startOfDay(now), nil
	case "yesterday":
		return startOfDay(now).AddDate(0, 0, -1), nil
	}
	d, ok, err := parseDate(t, lower, now)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		return time.Time{}, fmt.Errorf("date %s is not understood; %s", quote(t), dateHelp)
	}
	return d, nil
}

func parseDate(t, lower string, now time.Time) (time.Time, bool, error) {
	for _, layout := range []string{"2006-1-2", "2006/1/2"} {
		if d, err := time.Parse(layout, t); err == nil {
			return d, true, checkYear(d, t)
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04"} {
		if d, err := time.Parse(layout, t); err == nil {
			return startOfDay(d), true, checkYear(d, t)
		}
	}
	return namedDate(t, lower, now)
}

func checkYear(d time.Time, raw string) error {
	if y := d.Year(); y < 1970 || y > 9999 {
		return fmt.Errorf("date %s has year %d; use a year between 1970 and 9999", quote(raw), y)
	}
	return nil
}

// namedDate parses dates spelled with a month name.
func namedDate(t, lower string, now time.Time) (time.Time, bool, error) {
	f := strings.Fields(strings.NewReplacer(",", " ", ".", " ").Replace(lower))
	var day, year int
	var mon time.Month
	var ok bool
	switch len(f) {
	case 2, 3:
		if mon, ok = monthName(f[0]); ok {
			day, ok = dayNumber(f[1])
		} else if mon, ok = monthName(f[1]); ok {
			day, ok = dayNumber(f[0])
		}
		if ok && len(f) == 3 {
			year, ok = yearNumber(f[2])
		}
	}
	if !ok {
		return time.Time{}, false, nil
	}
	if year == 0 {
		ny, nm, nd := now.Date()
		year = ny
		if mon > nm || (mon == nm && day > nd) {
			year--
		}
	} else if year < 1970 || year > 9999 {
		return time.Time{}, true, fmt.Errorf("date %s has year %d; use a year between 1970 and 9999", quote(t), year)
	}
	if day > daysIn(year, mon) {
		return time.Time{}, true, fmt.Errorf("date %s does not exist: %s %d has %d days", quote(t), mon, year, daysIn(year, mon))
	}
	return time.Date(year, mon, day, 0, 0, 0, 0, time.UTC), true, nil
}

func monthName(s string) (time.Month, bool) {
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		full := strings.ToLower(m.String())
		if s == full || s == full[:3] || (m == time.September && s == "sept") {
			return m, true
		}
	}
	return 0, false
}

func dayNumber(s string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(s, suf) {
			s = s[:len(s)-2]
			break
		}
	}
	if len(s) == 0 || len(s) > 2 || !isDigits(s) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n >= 1 && n <= 31
}

func yearNumber(s string) (int, bool) {
	if len(s) != 4 || !isDigits(s) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, true
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

const duringHelp = "use a day (2024-01-15, \"today\", \"yesterday\"), a month (2024-01, \"January\", \"January 2024\"), a year (2024), or \"this week\", \"last week\", \"this month\", \"last month\", \"this year\" or \"last year\""

// ParseDuring parses a period and returns its bounds as a half-open interval
// [start, end): end is the first instant after the period. Accepted forms:
//
//	anything ParseDate accepts            that day
//	2024-01, 2024/01                      that month, UTC
//	2024                                  that year, UTC
//	January, jan                          the most recent January, UTC: this
//	                                      year's if it has begun (the current
//	                                      month counts), else last year's
//	January 2024, jan 2024                that month, UTC
//	this week, last week                  Monday to Monday, in now's location
//	this month, last month                in now's location
//	this year, last year                  in now's location
//
// "this week", "this month" and "this year" end in the future. Words are
// case-insensitive.
func ParseDuring(s string, now time.Time) (start, end time.Time, err error) {
	t := strings.TrimSpace(s)
	lower := strings.Join(strings.Fields(strings.ToLower(t)), " ")
	today := startOfDay(now)
	switch lower {
	case "":
		return time.Time{}, time.Time{}, fmt.Errorf("a period is required; %s", duringHelp)
	case "today":
		return today, today.AddDate(0, 0, 1), nil
	case "yesterday":
		return today.AddDate(0, 0, -1), today, nil
	case "this week", "last week":
		monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		if lower == "last week" {
			monday = monday.AddDate(0, 0, -7)
		}
		return monday, monday.AddDate(0, 0, 7), nil
	case "this month", "last month":
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location())
		if lower == "last month" {
			first = first.AddDate(0, -1, 0)
		}
		return first, first.AddDate(0, 1, 0), nil
	case "this year", "last year":
		first := time.Date(today.Year(), time.January, 1, 0, 0, 0, 0, today.Location())
		if lower == "last year" {
			first = first.AddDate(-1, 0, 0)
		}
		return first, first.AddDate(1, 0, 0), nil
	}
	if y, ok := yearNumber(lower); ok {
		if y < 1970 {
			return time.Time{}, time.Time{}, fmt.Errorf("period %s is before 1970; use a year between 1970 and 9999", quote(t))
		}
		first := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC)
		return first, first.AddDate(1, 0, 0), nil
	}
	if first, ok, err := parseMonth(t, lower, now); ok || err != nil {
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		return first, first.AddDate(0, 1, 0), nil
	}
	d, ok, err := parseDate(t, lower, now)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !ok {
		return time.Time{}, time.Time{}, fmt.Errorf("period %s is not understood; %s", quote(t), duringHelp)
	}
	return d, d.AddDate(0, 0, 1), nil
}

// parseMonth parses "2024-01", "2024/01", "january", "jan 2024" and
// "2024 january" into the first instant of that month.
func parseMonth(t, lower string, now time.Time) (time.Time, bool, error) {
	var y int
	var m time.Month
	var ok bool
	if len(lower) >= 6 && len(lower) <= 7 && (lower[4] == '-' || lower[4] == '/') {
		yy, ok1 := yearNumber(lower[:4])
		mm, err := strconv.Atoi(lower[5:])
		if !ok1 || err != nil || !isDigits(lower[5:]) {
			return time.Time{}, false, nil
		}
		if mm < 1 || mm > 12 {
			return time.Time{}, true, fmt.Errorf("period %s has month %d; months run from 01 to 12", quote(t), mm)
		}
		y, m, ok = yy, time.Month(mm), true
	} else {
		f := strings.Fields(strings.NewReplacer(",", " ", ".", " ").Replace(lower))
		switch len(f) {
		case 1:
			if m, ok = monthName(f[0]); ok {
				ny, nm, _ := now.Date()
				y = ny
				if m > nm {
					y--
				}
			}
		case 2:
			if m, ok = monthName(f[0]); ok {
				y, ok = yearNumber(f[1])
			} else if m, ok = monthName(f[1]); ok {
				y, ok = yearNumber(f[0])
			}
		}
		if !ok {
			return time.Time{}, false, nil
		}
	}
	if y < 1970 {
		return time.Time{}, true, fmt.Errorf("period %s is before 1970; use a year between 1970 and 9999", quote(t))
	}
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC), true, nil
}
