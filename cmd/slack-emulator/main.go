package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

func main() {
	users := flag.Int("users", 0, "generate a workspace with this many users (0 = the sandbox workspace)")
	channels := flag.Int("channels", 100, "channels of a generated workspace")
	messages := flag.Int("messages", 10, "messages per channel of a generated workspace")
	rateLimits := flag.Bool("rate-limits", false, "enforce Slack's per-tier rate limits")
	clientID := flag.String("oauth-client-id", "", "register an OAuth app with this client ID")
	clientSecret := flag.String("oauth-client-secret", "", "the OAuth app's client secret")
	redirects := flag.String("oauth-redirect", "", "comma-separated redirect URLs of the OAuth app")
	autoApprove := flag.Bool("oauth-auto-approve", false, "approve authorization requests without showing the consent page")
	flag.Parse()

	ws, token := slackemu.Sandbox(), slackemu.SandboxUserToken
	if *users > 0 {
		ws = slackemu.Generate(slackemu.GenerateOptions{Users: *users, Channels: *channels, MessagesPerChannel: *messages, Seed: 1})
		token = slackemu.GenUserToken
	}
	if *clientID != "" {
		ws.AddOAuthApp(slackemu.OAuthApp{ClientID: *clientID, ClientSecret: *clientSecret, RedirectURLs: strings.Split(*redirects, ",")})
	}
	srv := slackemu.NewServer(ws, slackemu.Options{RateLimits: *rateLimits})
	defer srv.Close()
	if *autoApprove {
		srv.SetConsent(slackemu.Consent{AutoApprove: true})
	}
	// Machine-readable first line: URL and a user token of the workspace.
	fmt.Printf("%s %s\n", srv.URL, token)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}
