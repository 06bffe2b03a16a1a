package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// SLACK_MCP_NON_MARKETPLACE_LIMITS against an emulator that enforces
// Slack's non-Marketplace limits (Tier 1 history and replies, pages of
// 15): with the setting the server never earns a 429, it refuses the call
// it would have been refused for; without it Slack answers 429. Either way
// the model is told when to retry.
func TestNonMarketplaceLimits(t *testing.T) {
	t.Parallel()
	const tok, ch = "xoxp-nonmarket", "C0HIST0001"
	for _, setting := range []string{"true", "false"} {
		t.Run("setting "+setting, func(t *testing.T) {
			t.Parallel()
			ws := slackemu.NewWorkspace(slackemu.Team{ID: "T0NM000001", Name: "NM Co", Domain: "nm"})
			ws.AddUser(slackemu.User{ID: "U0NM000001", Name: "me"})
			ws.AddChannel(slackemu.Channel{ID: ch, Name: "history", Members: []string{"U0NM000001"}})
			for i := range 40 {
				ws.AddMessage(ch, slackemu.Message{TS: fmt.Sprintf("%d.000100", 1_763_800_000+i), User: "U0NM000001", Text: fmt.Sprintf("message %d", i)})
			}
			ws.AddToken(tok, slackemu.Token{UserID: "U0NM000001", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
			emu := slackemu.NewServer(ws, slackemu.Options{RateLimits: true, NonMarketplace: true})
			t.Cleanup(emu.Close)

			c := runStdio(t, map[string]string{"SLACK_MCP_XOXP_TOKEN": tok, "SLACK_MCP_SLACK_URL": emu.URL, "SLACK_MCP_NON_MARKETPLACE_LIMITS": setting})
			first, err := callTool(c, "conversations_history", map[string]any{"channel_id": ch, "limit": "40"})
			require.NoError(t, err)
			require.False(t, first.IsError, toolText(first))
			assert.Equal(t, 15, strings.Count(toolText(first), "message "), "a page holds at most 15 messages")

			second, err := callTool(c, "conversations_history", map[string]any{"channel_id": ch, "limit": "40"})
			require.NoError(t, err)
			require.True(t, second.IsError, toolText(second))
			assert.Contains(t, toolText(second), "rate limiting")
			assert.Contains(t, toolText(second), "retry in")
			if setting == "true" {
				assert.Equal(t, 1, emu.Calls("conversations.history"), "paced at Tier 1: the second call is not sent")
			} else {
				assert.Equal(t, 2, emu.Calls("conversations.history"), "unpaced: Slack answers the second call with 429")
			}
		})
	}
}

// runStdio runs the server over stdio with env and returns a connected
// MCP client; the server stops with the test.
func runStdio(t *testing.T, env map[string]string) *client.Client {
	t.Helper()
	dir := t.TempDir() // keep directory caches out of the user's cache dir
	env["SLACK_MCP_USERS_CACHE"], env["SLACK_MCP_CHANNELS_CACHE"] = dir+"/users.json", dir+"/channels.json"
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--transport", "stdio"}, envOf(env), inR, outW, io.Discard)
		_ = outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("run did not return after cancel")
		}
	})
	c := client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))))
	require.NoError(t, c.Start(ctx))
	_, err := c.Initialize(ctx, initRequest())
	require.NoError(t, err)
	return c
}
