package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "slack-emulator:", err)
		os.Exit(1)
	}
}

// errUsage is a bad command line (the flag package printed why).
var errUsage = errors.New("usage")

// run serves the emulator until ctx ends. Its first line on stdout is
// machine-readable: the base URL and a user token of the workspace.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("slack-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address host:port (port 0 picks a free one); a fixed one, e.g. 127.0.0.1:9999, lets a server's SLACK_MCP_SLACK_URL and the OAuth app's redirect URL stay the same across restarts")
	users := fs.Int("users", 0, "generate a workspace with this many users (0 = the sandbox workspace)")
	channels := fs.Int("channels", 100, "channels of a generated workspace")
	messages := fs.Int("messages", 10, "messages per channel of a generated workspace")
	rateLimits := fs.Bool("rate-limits", false, "enforce Slack's per-tier rate limits")
	clientID := fs.String("oauth-client-id", "", "register an OAuth app with this client ID")
	clientSecret := fs.String("oauth-client-secret", "", "the OAuth app's client secret")
	redirects := fs.String("oauth-redirect", "", "comma-separated redirect URLs of the OAuth app")
	autoApprove := fs.Bool("oauth-auto-approve", false, "approve authorization requests without showing the consent page")
	workspaces := fs.Int("workspaces", 1, "1, or 2 to serve a second workspace (Sandbox Labs, T0SBLABS, with the same person) behind the same URL, as slack.com serves every workspace; its authorize page then asks which to sign in to")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *workspaces < 1 || *workspaces > 2 {
		fmt.Fprintf(stderr, "slack-emulator: -workspaces must be 1 or 2, not %d\n", *workspaces)
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "slack-emulator: unexpected argument %q (flags only; see -h)\n", fs.Arg(0))
		return errUsage
	}

	ws, token := slackemu.Sandbox(), slackemu.SandboxUserToken
	if *users > 0 {
		ws = slackemu.Generate(slackemu.GenerateOptions{Users: *users, Channels: *channels, MessagesPerChannel: *messages, Seed: 1})
		token = slackemu.GenUserToken
	}
	spaces := []*slackemu.Workspace{ws}
	if *workspaces == 2 {
		spaces = append(spaces, slackemu.SandboxLabs())
	}
	var servers []*slackemu.Server
	for _, w := range spaces {
		if *clientID != "" {
			w.AddOAuthApp(slackemu.OAuthApp{ClientID: *clientID, ClientSecret: *clientSecret, RedirectURLs: strings.Split(*redirects, ",")})
		}
		at := *addr
		if len(spaces) > 1 {
			at = "127.0.0.1:0" // behind the hub, which takes -addr
		}
		srv, err := slackemu.ServeAt(w, slackemu.Options{RateLimits: *rateLimits}, at)
		if err != nil {
			return err
		}
		defer srv.Close()
		if *autoApprove {
			srv.SetConsent(slackemu.Consent{AutoApprove: true})
		}
		servers = append(servers, srv)
	}
	url := servers[0].URL
	if len(servers) > 1 {
		hub, err := slackemu.HubAt(*addr, servers...)
		if err != nil {
			return err
		}
		defer hub.Close()
		url = hub.URL
	}
	fmt.Fprintf(stdout, "%s %s\n", url, token)
	<-ctx.Done()
	return nil
}
