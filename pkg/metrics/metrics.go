package metrics

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxValues bounds the distinct values of one label of one metric; later
// ones are counted as "other".
const maxValues = 200

// Metrics are one process's instruments on their own registry.
type Metrics struct {
	reg *prometheus.Registry

	toolCalls    *prometheus.CounterVec
	toolSeconds  *prometheus.HistogramVec
	slackCalls   *prometheus.CounterVec
	slackSeconds *prometheus.HistogramVec
	slackLimited *prometheus.CounterVec
	slackWaited  *prometheus.CounterVec
	audit        *prometheus.CounterVec
	loginSeconds *prometheus.HistogramVec
	storeSeconds *prometheus.HistogramVec
	storeErrors  *prometheus.CounterVec
	dirLookups   *prometheus.CounterVec

	mu     sync.Mutex
	values map[string]map[string]bool // metric/label -> values seen
}

// New registers the instruments and Go's runtime and process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), values: map[string]map[string]bool{}}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.toolCalls = m.counter("slack_mcp_tool_calls_total", "Tool calls by tool and outcome (ok, tool_error, error, panic).", "tool", "outcome")
	m.toolSeconds = m.histogram("slack_mcp_tool_call_duration_seconds", "How long tool calls took, by tool.", "tool")
	m.slackCalls = m.counter("slack_mcp_slack_calls_total", "Slack Web API calls by method and HTTP status (0: no answer).", "method", "status")
	m.slackSeconds = m.histogram("slack_mcp_slack_call_duration_seconds", "How long Slack took to answer, by method.", "method")
	m.slackLimited = m.counter("slack_mcp_slack_rate_limited_total", "Slack 429 answers by method.", "method")
	m.slackWaited = m.counter("slack_mcp_slack_wait_seconds_total", "Time calls waited on Slack's limits (Retry-After, pacing), by method.", "method")
	m.audit = m.counter("slack_mcp_audit_events_total", "Audit events by event and outcome: the login funnel (oauth_initiated, oauth_completed, oauth_failed by error code, authorize_started, ...).", "event", "outcome")
	m.loginSeconds = m.histogram("slack_mcp_login_duration_seconds", "From the start of a login to its completion, by flow (browser, mcp).", "flow")
	m.storeSeconds = m.histogram("slack_mcp_store_statement_duration_seconds", "How long the store's SQL statements took, by backend (sqlite, postgres) and kind (exec, query).", "backend", "kind")
	m.storeErrors = m.counter("slack_mcp_store_statement_errors_total", "SQL statements that failed, by backend and kind.", "backend", "kind")
	m.dirLookups = m.counter("slack_mcp_directory_lookups_total", "Users and channels directory lookups by directory and result (hit: answered from the directory; miss: it asked Slack or found nothing).", "directory", "result")
	return m
}

func (m *Metrics) counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(c)
	return c
}

func (m *Metrics) histogram(name, help string, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: name, Help: help,
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
	}, labels)
	m.reg.MustRegister(h)
	return h
}

// bound returns v, or "other" once maxValues other values of what were
// seen, so no caller can grow the series without end.
func (m *Metrics) bound(what, v string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := m.values[what]
	if seen == nil {
		seen = map[string]bool{}
		m.values[what] = seen
	}
	if seen[v] {
		return v
	}
	if len(seen) >= maxValues || len(v) > 64 {
		return "other"
	}
	seen[v] = true
	return v
}

// ToolCall counts a tool call; outcome is the server's (ok, tool_error,
// error, panic).
func (m *Metrics) ToolCall(tool, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	tool = m.bound("tool", tool)
	m.toolCalls.WithLabelValues(tool, m.bound("tool_outcome", outcome)).Inc()
	m.toolSeconds.WithLabelValues(tool).Observe(d.Seconds())
}

// SlackCall counts one answer (or none: status 0) from Slack.
func (m *Metrics) SlackCall(method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	method = m.bound("method", method)
	m.slackCalls.WithLabelValues(method, strconv.Itoa(status)).Inc()
	m.slackSeconds.WithLabelValues(method).Observe(d.Seconds())
	if status == http.StatusTooManyRequests {
		m.slackLimited.WithLabelValues(method).Inc()
	}
}

// SlackWait adds time a call waited on Slack's limits.
func (m *Metrics) SlackWait(method string, d time.Duration) {
	if m == nil || d <= 0 {
		return
	}
	m.slackWaited.WithLabelValues(m.bound("method", method)).Add(d.Seconds())
}

// Audit counts an audit event by its event and outcome.
func (m *Metrics) Audit(event, outcome string) {
	if m == nil {
		return
	}
	m.audit.WithLabelValues(m.bound("event", event), m.bound("outcome", outcome)).Inc()
}

// LoginCompleted observes how long a login took, from its start (the
// authorize request) to its completion, for flow "browser" or "mcp".
func (m *Metrics) LoginCompleted(flow string, d time.Duration) {
	if m == nil || d < 0 {
		return
	}
	m.loginSeconds.WithLabelValues(m.bound("flow", flow)).Observe(d.Seconds())
}

// StoreStatement observes one SQL statement of the store (store.Observer).
func (m *Metrics) StoreStatement(backend, kind string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.storeSeconds.WithLabelValues(backend, kind).Observe(d.Seconds())
	if err != nil {
		m.storeErrors.WithLabelValues(backend, kind).Inc()
	}
}

// DirectoryLookup counts a lookup in the users or channels directory
// (workspace.Observer).
func (m *Metrics) DirectoryLookup(directory string, hit bool) {
	if m == nil {
		return
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	m.dirLookups.WithLabelValues(directory, result).Inc()
}

// Gauge registers a gauge read from read at every scrape (cache sizes).
func (m *Metrics) Gauge(name, help string, read func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read))
}

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
