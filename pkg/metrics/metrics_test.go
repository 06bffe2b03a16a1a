package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil *Metrics counts nothing and never panics: code under test needs
// no registry.
func TestNilMetrics(t *testing.T) {
	t.Parallel()
	var m *Metrics
	m.ToolCall("t", "ok", time.Second)
	m.SlackCall("users.info", 200, time.Millisecond)
	m.SlackWait("users.info", time.Second)
	m.Audit("oauth_completed", "ok")
	m.LoginCompleted("browser", time.Second)
	m.Gauge("g", "h", func() float64 { return 1 })
}

// Whatever a caller sends as an error code, a label takes at most
// maxValues distinct values (and none too long): the rest count as other.
func TestLabelValuesAreBounded(t *testing.T) {
	t.Parallel()
	m := New()
	for i := range maxValues + 50 {
		m.Audit("slack_callback_error", fmt.Sprintf("made_up_%d", i))
	}
	m.Audit("slack_callback_error", strings.Repeat("x", 65))
	m.SlackCall("conversations.history", 429, time.Millisecond)
	m.SlackWait("conversations.history", 2*time.Second)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	require.Contains(t, text, `slack_mcp_audit_events_total{event="slack_callback_error",outcome="other"} 51`)
	assert.Equal(t, maxValues+1, strings.Count(text, `slack_mcp_audit_events_total{event="slack_callback_error"`), "maxValues values and other")
	assert.Contains(t, text, `slack_mcp_slack_rate_limited_total{method="conversations.history"} 1`)
	assert.Contains(t, text, `slack_mcp_slack_wait_seconds_total{method="conversations.history"} 2`)
}
