// Command slack-emulator serves the in-repo Slack Web API emulator on its
// own, for benchmarks and for pointing a server (SLACK_MCP_SLACK_URL) at a
// sandbox or a generated workspace of any size.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

func main() {
	users := flag.Int("users", 0, "generate a workspace with this many users (0 = the sandbox workspace)")
	channels := flag.Int("channels", 100, "channels of a generated workspace")
	messages := flag.Int("messages", 10, "messages per channel of a generated workspace")
	rateLimits := flag.Bool("rate-limits", false, "enforce Slack's per-tier rate limits")
	flag.Parse()

	ws, token := slackemu.Sandbox(), slackemu.SandboxUserToken
	if *users > 0 {
		ws = slackemu.Generate(slackemu.GenerateOptions{Users: *users, Channels: *channels, MessagesPerChannel: *messages, Seed: 1})
		token = slackemu.GenUserToken
	}
	srv := slackemu.NewServer(ws, slackemu.Options{RateLimits: *rateLimits})
	defer srv.Close()
	// Machine-readable first line: URL and a user token of the workspace.
	fmt.Printf("%s %s\n", srv.URL, token)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}
