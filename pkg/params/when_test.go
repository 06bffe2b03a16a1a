package params

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		err  string
	}{
		{in: "30m", want: now.Add(30 * time.Minute)},
		{in: "1h30m", want: now.Add(90 * time.Minute)},
		{in: "in 3 hours", want: now.Add(3 * time.Hour)},
		{in: "+45 min", want: now.Add(45 * time.Minute)},
		{in: "1 day, 2 hours and 5 minutes", want: now.Add(26*time.Hour + 5*time.Minute)},
		{in: "2w", want: now.Add(14 * 24 * time.Hour)},
		{in: " 2D ", want: now.Add(48 * time.Hour)},
		{in: "2025-03-15T09:00:00+01:00", want: time.Date(2025, 3, 15, 8, 0, 0, 0, time.UTC)},
		{in: "2025-03-15T09:00:00Z", want: time.Date(2025, 3, 15, 9, 0, 0, 0, time.UTC)},
		{in: "2025-03-15 09:30", want: time.Date(2025, 3, 15, 9, 30, 0, 0, time.UTC)},
		{in: "2025-03-15T09:30:15", want: time.Date(2025, 3, 15, 9, 30, 15, 0, time.UTC)},
		{in: "1742025600", want: time.Unix(1742025600, 0)},
		{in: "", err: "a time is required"},
		{in: "tomorrow", err: `"tomorrow" is not understood`},
		{in: "90", err: "not understood"},
		{in: "5 fortnights", err: "not understood"},
		{in: "h", err: "not understood"},
		{in: "99999999999999999999", err: "out of range"},
		{in: "1000000 weeks", err: "not understood"},
		{in: "2025-13-01 09:00", err: "not understood"},
		{in: "in 2h\x00", err: "not understood"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseWhen(tc.in, now)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "got %v want %v", got, tc.want)
		})
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"30m", "in 3 hours", "1 day, 2 hours", "2025-03-15T09:00:00+01:00", "2025-03-15 09:30", "1742025600", "", "+", "in ", "9999999 w", "1h1h1h"} {
		f.Add(s)
	}
	now := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseWhen(s, now)
		if err != nil {
			if !strings.Contains(err.Error(), "use a") {
				t.Fatalf("ParseWhen(%q): error without help: %v", s, err)
			}
			return
		}
		if got.IsZero() || got.Year() < 1970 || got.Year() > 9999 {
			t.Fatalf("ParseWhen(%q) = %v, outside years 1970-9999", s, got)
		}
	})
}
