package e2e

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// BenchmarkToolCall measures one conversations_history call over each
// transport on a warm cache, and the Slack calls it spends (goal: 1).
func BenchmarkToolCall(b *testing.B) {
	for _, kind := range []string{mcptransport.HTTP, mcptransport.SSE, mcptransport.Stdio} {
		b.Run(kind, func(b *testing.B) {
			e := newEnvB(b, kind)
			req := mcp.CallToolRequest{}
			req.Params.Name = "conversations_history"
			req.Params.Arguments = map[string]any{"channel_id": "#general", "limit": "20"}
			e.emu.ResetCalls()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := e.client.CallTool(context.Background(), req)
				if err != nil || res.IsError {
					b.Fatalf("call failed: %v %v", err, res)
				}
			}
			b.StopTimer()
			total := 0
			for _, n := range e.emu.CallCounts() {
				total += n
			}
			b.ReportMetric(float64(total)/float64(b.N), "slack-calls/op")
		})
	}
}

// BenchmarkToolCallParallel measures throughput over Streamable HTTP with
// one client (one MCP session) per goroutine sharing one server.
func BenchmarkToolCallParallel(b *testing.B) {
	e := newEnvB(b, mcptransport.HTTP)
	req := mcp.CallToolRequest{}
	req.Params.Name = "conversations_history"
	req.Params.Arguments = map[string]any{"channel_id": generalID, "limit": "20"}
	b.SetParallelism(4)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := newHTTPClient(b, e.url)
		for pb.Next() {
			res, err := c.CallTool(context.Background(), req)
			if err != nil || res.IsError {
				b.Errorf("call failed: %v", err)
				return
			}
		}
	})
}

func newEnvB(b *testing.B, kind string) *env {
	e := newEnv(b, envOptions{transport: kind})
	e.waitWarm(b)
	return e
}
