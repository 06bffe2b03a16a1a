package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Slack counts join/leave/topic notices within limit, and history hides
// them by default, so a page can hold fewer rows than asked: the result
// says why and how to go on (issue 8, first hour).
func TestHistorySaysWhenNoticesShortenAPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	tests := []struct {
		name     string
		args     map[string]any
		wantNote bool
	}{
		{"the newest two include a hidden join notice", map[string]any{"channel_id": generalID, "limit": 2}, true},
		{"notices shown: nothing left out", map[string]any{"channel_id": generalID, "limit": 2, "include_activity_messages": true}, false},
		{"the whole channel in one page", map[string]any{"channel_id": generalID, "limit": 50}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := e.call(t, "conversations_history", tc.args)
			require.False(t, res.IsError, text(res))
			if tc.wantNote {
				assert.Contains(t, text(res), "1 join/leave/topic notices in this page were left out")
			} else {
				assert.NotContains(t, text(res), "were left out")
			}
		})
	}
}
