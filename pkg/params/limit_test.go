package params

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A fixed clock: Friday 2024-03-15 10:30 UTC.
var testNow = time.Date(2024, time.March, 15, 10, 30, 0, 0, time.UTC)

func TestCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		def     int
		max     int
		want    int
		errPart string
	}{
		{"", 20, 100, 20, ""},
		{"0", 20, 100, 20, ""},
		{"00", 20, 100, 20, ""},
		{" 5 ", 20, 100, 5, ""},
		{"+5", 20, 100, 5, ""},
		{"100", 20, 100, 100, ""},
		{"101", 20, 100, 0, `"count" must be between 1 and 100 (0 or omitted means 20); got "101"`},
		{"99999999999999999999999", 20, 100, 0, `"count" must be between 1 and 100`},
		{"101", 0, 100, 0, `"count" must be between 1 and 100; got "101"`},
		{"500", 20, 0, 500, ""},
		{"99999999999999999999999", 20, 0, 0, `"count" is too large`},
		{"-1", 20, 100, 0, `"count" must not be negative; got "-1"`},
		{"-99999999999999999999999", 20, 100, 0, "must not be negative"},
		{"abc", 20, 100, 0, `"count" must be a whole number such as 20; got "abc"`},
		{"1.5", 20, 100, 0, "whole number"},
		{"1d", 20, 100, 0, "whole number"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			got, err := Count(tc.raw, tc.def, tc.max, "count")
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseLimit(t *testing.T) {
	t.Parallel()
	day := 24 * time.Hour
	tests := []struct {
		raw     string
		want    Limit
		errPart string
	}{
		{"", Limit{Count: 50}, ""},
		{"0", Limit{Count: 50}, ""},
		{"10", Limit{Count: 10}, ""},
		{" 10 ", Limit{Count: 10}, ""},
		{"5000", Limit{}, `"limit" must be a message count from 1 to 1000 or a time window such as 1d or 7d; got "5000"`},
		{"-3", Limit{}, "must not be negative"},
		{"12h", Limit{Count: 1000, Since: testNow.Add(-12 * time.Hour), Window: "12h"}, ""},
		{"1d", Limit{Count: 1000, Since: testNow.Add(-day), Window: "1d"}, ""},
		{"1D", Limit{Count: 1000, Since: testNow.Add(-day), Window: "1d"}, ""},
		{"7d", Limit{Count: 1000, Since: testNow.Add(-7 * day), Window: "7d"}, ""},
		{"7 days", Limit{Count: 1000, Since: testNow.Add(-7 * day), Window: "7d"}, ""},
		{"90d", Limit{Count: 1000, Since: testNow.Add(-90 * day), Window: "90d"}, ""},
		{"2w", Limit{Count: 1000, Since: testNow.Add(-14 * day), Window: "2w"}, ""},
		{"1 week", Limit{Count: 1000, Since: testNow.Add(-7 * day), Window: "1w"}, ""},
		{"1m", Limit{Count: 1000, Since: time.Date(2024, 2, 15, 10, 30, 0, 0, time.UTC), Window: "1m"}, ""},
		{"3 months", Limit{Count: 1000, Since: time.Date(2023, 12, 15, 10, 30, 0, 0, time.UTC), Window: "3m"}, ""},
		{"1y", Limit{Count: 1000, Since: time.Date(2023, 3, 15, 10, 30, 0, 0, time.UTC), Window: "1y"}, ""},
		{"100y", Limit{Count: 1000, Since: time.Unix(0, 0).UTC(), Window: "100y"}, ""},
		{"99999999999999999999d", Limit{Count: 1000, Since: time.Unix(0, 0).UTC(), Window: "99999999999999999999d"}, ""},
		{"007d", Limit{Count: 1000, Since: testNow.Add(-7 * day), Window: "7d"}, ""},
		{"0d", Limit{}, `limit "0d" is not a positive time window`},
		{"-1d", Limit{}, "not a positive time window"},
		{"1.5d", Limit{}, "neither a message count"},
		{"5min", Limit{}, "neither a message count"},
		{"d", Limit{}, "neither a message count"},
		{"abc", Limit{}, "such as 12h, 1d, 7d, 2w, 1m (months) or 1y"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			got, err := ParseLimit(tc.raw, 50, 1000, testNow)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want.Count, got.Count)
			assert.Equal(t, tc.want.Window, got.Window)
			assert.True(t, tc.want.Since.Equal(got.Since), "since: want %s, got %s", tc.want.Since, got.Since)
			assert.Equal(t, tc.want.Window != "", got.IsWindow())
		})
	}
}

func TestParseLimitMonthClamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		now  time.Time
		raw  string
		want time.Time
	}{
		{"mar 31 minus 1m is feb 29 (leap)", time.Date(2024, 3, 31, 8, 0, 0, 0, time.UTC), "1m", time.Date(2024, 2, 29, 8, 0, 0, 0, time.UTC)},
		{"mar 31 minus 1m is feb 28", time.Date(2023, 3, 31, 8, 0, 0, 0, time.UTC), "1m", time.Date(2023, 2, 28, 8, 0, 0, 0, time.UTC)},
		{"jan minus 1m crosses the year", time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC), "1m", time.Date(2023, 12, 10, 0, 0, 0, 0, time.UTC)},
		{"feb 29 minus 1y", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "1y", time.Date(2023, 2, 28, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseLimit(tc.raw, 10, 100, tc.now)
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got.Since), "want %s, got %s", tc.want, got.Since)
		})
	}
}

func TestParseLimitKeepsLocation(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("X", 5*3600)
	now := time.Date(2024, 3, 15, 1, 0, 0, 0, loc)
	got, err := ParseLimit("1d", 10, 100, now)
	require.NoError(t, err)
	assert.Equal(t, loc, got.Since.Location())
	assert.Equal(t, time.Date(2024, 3, 14, 1, 0, 0, 0, loc), got.Since)
}
