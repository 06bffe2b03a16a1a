package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// scrape reads /metrics at url and returns the value of every sample by
// its name and labels ("name{a=x,b=y}").
func scrape(t *testing.T, url string) (map[string]float64, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(string(raw)))
	require.NoError(t, err)
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			v := m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
			out[name+"{"+strings.Join(labels, ",")+"}"] = v
		}
	}
	return out, string(raw)
}

// /metrics is scraped and parsed, and its counters move with the calls;
// /readyz says the server is ready. Nothing secret is in the metrics.
func TestMetricsMoveWithTheCalls(t *testing.T) {
	t.Parallel()
	base, _ := startSingleHTTP(t, nil)
	before, _ := scrape(t, base+"/metrics")
	c, err := dialHTTP(base)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	for range 3 {
		res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
		require.NoError(t, err)
		require.False(t, res.IsError)
	}
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#no-such-channel"})
	require.NoError(t, err)
	require.True(t, res.IsError)

	after, raw := scrape(t, base+"/metrics")
	moved := func(key string) float64 { return after[key] - before[key] }
	require.Equal(t, 3.0, moved("slack_mcp_tool_calls_total{outcome=ok,tool=conversations_history}"), raw)
	require.Equal(t, 1.0, moved("slack_mcp_tool_calls_total{outcome=input_error,tool=conversations_history}"), raw)
	require.Equal(t, 4.0, moved("slack_mcp_tool_call_duration_seconds{tool=conversations_history}"))
	require.GreaterOrEqual(t, moved("slack_mcp_slack_calls_total{method=conversations.history,status=200}"), 3.0, raw)
	require.Positive(t, moved("slack_mcp_directory_lookups_total{directory=channels,result=hit}"), raw)
	require.Positive(t, after["slack_mcp_directory_channel_entries{}"], raw)
	require.Contains(t, raw, "go_goroutines")
	require.NotContains(t, raw, slackemu.SandboxUserToken)
	require.NotContains(t, raw, slackemu.SandboxYou, "no user ID in a label")

	resp, err := http.Get(base + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// With SLACK_MCP_METRICS_ADDR the metrics have their own listener and the
// main one has none.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	base, _ := startSingleHTTP(t, map[string]string{"SLACK_MCP_METRICS_ADDR": addr})
	scrape(t, "http://"+addr+"/metrics")
	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}
