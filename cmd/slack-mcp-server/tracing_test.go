package main

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"
	collector "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// otlpCollector is an OTLP/HTTP trace receiver that keeps what it gets.
type otlpCollector struct {
	mu    sync.Mutex
	spans map[string][]string // trace ID (hex) -> span names
}

func (c *otlpCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req collector.ExportTraceServiceRequest
	if err := proto.Unmarshal(raw, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				id := hex.EncodeToString(s.GetTraceId())
				c.spans[id] = append(c.spans[id], s.GetName())
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(nil)
}

func (c *otlpCollector) of(trace string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.spans[trace]...)
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, a request continues the caller's
// trace: its HTTP span, the tool call's and the Slack call's carry the
// traceparent's trace ID, and reach the collector by OTLP/HTTP.
func TestTracesContinueTheCallersTrace(t *testing.T) {
	t.Parallel()
	col := &otlpCollector{spans: map[string][]string{}}
	srv := httptest.NewServer(col)
	t.Cleanup(srv.Close)
	base, _, stop := startSingleHTTPStoppable(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL})

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	c, err := client.NewStreamableHttpClient(base+"/mcp", transport.WithHTTPHeaders(map[string]string{
		"traceparent": "00-" + traceID + "-00f067aa0ba902b7-01",
	}))
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
	require.NoError(t, err)
	require.False(t, res.IsError)
	_ = c.Close()
	stop() // flushes the spans

	spans := col.of(traceID)
	require.Contains(t, spans, "POST /mcp")
	require.Contains(t, spans, "tool conversations_history")
	require.Contains(t, spans, "slack conversations.history")
}
