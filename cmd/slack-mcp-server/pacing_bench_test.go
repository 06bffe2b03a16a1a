package main

import (
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// BenchmarkHistoryBurst: 8 MCP clients call conversations_history at once,
// 8 calls each, through the real server (Streamable HTTP, the sandbox
// token), against an emulator without limits and one enforcing Slack's
// tiers, with each pacing. It reports calls/s and how long the burst took
// (burst-ms): a Slack client must not make people wait for limits Slack
// does not apply.
func BenchmarkHistoryBurst(b *testing.B) {
	const clients, each = 8, 8
	for _, emu := range []struct {
		name string
		o    slackemu.Options
	}{{"unlimited", slackemu.Options{}}, {"tiered", slackemu.Options{RateLimits: true}}} {
		for _, pacing := range []string{"tiers", "adaptive"} {
			b.Run(emu.name+"/"+pacing, func(b *testing.B) {
				var total time.Duration
				var refused atomic.Int64
				for b.Loop() {
					b.StopTimer()
					cs, stop := burstServer(b, emu.o, pacing, clients)
					b.StartTimer()
					start := time.Now()
					var wg sync.WaitGroup
					for _, c := range cs {
						wg.Go(func() {
							for range each {
								res, err := callTool(c, "conversations_history", map[string]any{"channel_id": "#general", "limit": "10"})
								if err != nil {
									b.Error(err)
									return
								}
								if res.IsError {
									refused.Add(1)
								}
							}
						})
					}
					wg.Wait()
					total += time.Since(start)
					b.StopTimer()
					stop()
					b.StartTimer()
				}
				b.ReportMetric(float64(clients*each*b.N)/total.Seconds(), "calls/s")
				b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "burst-ms")
				b.ReportMetric(float64(refused.Load())/float64(b.N), "refused/op")
			})
		}
	}
}

// burstServer starts an emulator and the server in front of it, warm, with
// n connected clients.
func burstServer(b *testing.B, o slackemu.Options, pacing string, n int) ([]*client.Client, func()) {
	b.Helper()
	emu := slackemu.NewServer(slackemu.Sandbox(), o)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	dir := b.TempDir()
	env := map[string]string{
		"SLACK_MCP_XOXP_TOKEN": slackemu.SandboxUserToken, "SLACK_MCP_SLACK_URL": emu.URL,
		"SLACK_MCP_PORT": strconv.Itoa(port), "SLACK_MCP_PACING": pacing, "SLACK_MCP_LOG_LEVEL": "error",
		"SLACK_MCP_USERS_CACHE": dir + "/users.json", "SLACK_MCP_CHANNELS_CACHE": dir + "/channels.json",
	}
	ctx, cancel := context.WithCancel(withListener(context.Background(), ln))
	done := make(chan struct{})
	go func() {
		run(ctx, []string{"-t", "http"}, envOf(env), strings.NewReader(""), io.Discard, io.Discard)
		close(done)
	}()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	var cs []*client.Client
	for range n {
		c, err := dialHTTP(base)
		if err != nil {
			b.Fatal(err)
		}
		cs = append(cs, c)
	}
	// Warm: the directories loaded, the first call's lookups done.
	if _, err := callTool(cs[0], "conversations_history", map[string]any{"channel_id": "#general", "limit": "10"}); err != nil {
		b.Fatal(err)
	}
	return cs, func() {
		for _, c := range cs {
			_ = c.Close()
		}
		cancel()
		<-done
		emu.Close()
	}
}

// dialHTTP connects an MCP client over Streamable HTTP.
func dialHTTP(base string) (*client.Client, error) {
	c, err := client.NewStreamableHttpClient(base+"/mcp", transport.WithHTTPHeaders(map[string]string{}))
	if err != nil {
		return nil, err
	}
	if err := c.Start(context.Background()); err != nil {
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(context.Background(), init); err != nil {
		return nil, err
	}
	return c, nil
}
