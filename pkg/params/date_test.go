package params

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	t.Parallel()
	plus2 := time.FixedZone("", 2*3600)
	tests := []struct {
		in      string
		want    time.Time
		errPart string
	}{
		{"2024-01-15", utcDay(2024, 1, 15), ""},
		{" 2024-01-15 ", utcDay(2024, 1, 15), ""},
		{"2024/01/15", utcDay(2024, 1, 15), ""},
		{"2024-1-5", utcDay(2024, 1, 5), ""},
		{"today", utcDay(2024, 3, 15), ""},
		{"Today", utcDay(2024, 3, 15), ""},
		{"yesterday", utcDay(2024, 3, 14), ""},
		{"Jan 15, 2024", utcDay(2024, 1, 15), ""},
		{"January 15 2024", utcDay(2024, 1, 15), ""},
		{"january 15th, 2024", utcDay(2024, 1, 15), ""},
		{"15 January 2024", utcDay(2024, 1, 15), ""},
		{"1st Feb 2023", utcDay(2023, 2, 1), ""},
		{"Sept 3 2023", utcDay(2023, 9, 3), ""},
		{"Feb 29, 2024", utcDay(2024, 2, 29), ""},
		{"Mar 15", utcDay(2024, 3, 15), ""},
		{"Jan 15", utcDay(2024, 1, 15), ""},
		{"Dec 25", utcDay(2023, 12, 25), ""},
		{"Mar 16", utcDay(2023, 3, 16), ""},
		{"2024-01-15T10:00:00Z", utcDay(2024, 1, 15), ""},
		{"2024-01-15T23:30:00.5Z", utcDay(2024, 1, 15), ""},
		{"2024-01-15T01:00:00+02:00", time.Date(2024, 1, 15, 0, 0, 0, 0, plus2), ""},
		{"2024-01-15T10:00:00", utcDay(2024, 1, 15), ""},
		{"", time.Time{}, "a date is required; use YYYY-MM-DD"},
		{"2024-02-30", time.Time{}, `date "2024-02-30" is not understood; use YYYY-MM-DD such as 2024-01-15`},
		{"Feb 30, 2024", time.Time{}, "does not exist: February 2024 has 29 days"},
		{"1969-12-31", time.Time{}, "use a year between 1970 and 9999"},
		{"Jan 1, 1900", time.Time{}, "use a year between 1970 and 9999"},
		{"next tuesday", time.Time{}, "is not understood"},
		{"15/01/2024", time.Time{}, "is not understood"},
		{"Foo 15, 2024", time.Time{}, "is not understood"},
		{"Jan 32, 2024", time.Time{}, "is not understood"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDate(tc.in, testNow)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
			_, off := got.Zone()
			_, wantOff := tc.want.Zone()
			assert.Equal(t, wantOff, off)
		})
	}
}

func TestParseDateRelativeUsesNowLocation(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Date(2024, 3, 16, 1, 0, 0, 0, tokyo) // still Mar 15 in UTC
	got, err := ParseDate("today", now)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2024, 3, 16, 0, 0, 0, 0, tokyo), got)
	got, err = ParseDate("today", now.UTC())
	require.NoError(t, err)
	assert.Equal(t, utcDay(2024, 3, 15), got)
}

func TestParseDuring(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		start, end time.Time
		errPart    string
	}{
		{"2024-01-15", utcDay(2024, 1, 15), utcDay(2024, 1, 16), ""},
		{"Jan 15, 2024", utcDay(2024, 1, 15), utcDay(2024, 1, 16), ""},
		{"today", utcDay(2024, 3, 15), utcDay(2024, 3, 16), ""},
		{"yesterday", utcDay(2024, 3, 14), utcDay(2024, 3, 15), ""},
		{"2024-01", utcDay(2024, 1, 1), utcDay(2024, 2, 1), ""},
		{"2023/12", utcDay(2023, 12, 1), utcDay(2024, 1, 1), ""},
		{"2024-2", utcDay(2024, 2, 1), utcDay(2024, 3, 1), ""},
		{"2023", utcDay(2023, 1, 1), utcDay(2024, 1, 1), ""},
		{"january", utcDay(2024, 1, 1), utcDay(2024, 2, 1), ""},
		{"March", utcDay(2024, 3, 1), utcDay(2024, 4, 1), ""},
		{"april", utcDay(2023, 4, 1), utcDay(2023, 5, 1), ""},
		{"Dec", utcDay(2023, 12, 1), utcDay(2024, 1, 1), ""},
		{"January 2023", utcDay(2023, 1, 1), utcDay(2023, 2, 1), ""},
		{"2022 feb", utcDay(2022, 2, 1), utcDay(2022, 3, 1), ""},
		{"this week", utcDay(2024, 3, 11), utcDay(2024, 3, 18), ""},
		{"last  week", utcDay(2024, 3, 4), utcDay(2024, 3, 11), ""},
		{"This Month", utcDay(2024, 3, 1), utcDay(2024, 4, 1), ""},
		{"last month", utcDay(2024, 2, 1), utcDay(2024, 3, 1), ""},
		{"this year", utcDay(2024, 1, 1), utcDay(2025, 1, 1), ""},
		{"last year", utcDay(2023, 1, 1), utcDay(2024, 1, 1), ""},
		{"", time.Time{}, time.Time{}, "a period is required"},
		{"2024-13", time.Time{}, time.Time{}, "has month 13; months run from 01 to 12"},
		{"1960", time.Time{}, time.Time{}, "before 1970"},
		{"jan 1960", time.Time{}, time.Time{}, "before 1970"},
		{"next week", time.Time{}, time.Time{}, `period "next week" is not understood; use a day`},
		{"Q1", time.Time{}, time.Time{}, "is not understood"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			start, end, err := ParseDuring(tc.in, testNow)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.start.Equal(start), "start: want %s, got %s", tc.start, start)
			assert.True(t, tc.end.Equal(end), "end: want %s, got %s", tc.end, end)
		})
	}
}

func TestParseDuringWeekOnSunday(t *testing.T) {
	t.Parallel()
	sunday := time.Date(2024, 3, 17, 23, 0, 0, 0, time.UTC)
	start, end, err := ParseDuring("this week", sunday)
	require.NoError(t, err)
	assert.Equal(t, utcDay(2024, 3, 11), start)
	assert.Equal(t, utcDay(2024, 3, 18), end)
}

func TestSlackDate(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "2024-01-05", SlackDate(utcDay(2024, 1, 5)))
	assert.Equal(t, "2024-01-05", SlackDate(time.Date(2024, 1, 5, 23, 59, 0, 0, time.UTC)))
}
