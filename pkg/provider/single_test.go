package provider

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// --no-cache (1.3.0's flag): no directory call at start; the first tool
// call's Session starts them.
func TestSingleNoWarm(t *testing.T) {
	t.Parallel()
	for _, noWarm := range []bool{false, true} {
		t.Run(map[bool]string{false: "warm at start", true: "no-cache"}[noWarm], func(t *testing.T) {
			t.Parallel()
			emu := slackemu.NewServer(slackemu.Sandbox(), slackemu.Options{})
			t.Cleanup(emu.Close)
			factory, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, Logger: zerolog.Nop()})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			p, err := NewSingle(ctx, SingleOptions{Factory: factory, Credentials: slackapi.Credentials{Token: slackemu.SandboxUserToken}, NoWarm: noWarm, Logger: zerolog.Nop()})
			require.NoError(t, err)
			require.NotEmpty(t, p.Peek().Client.Identity.TeamID, "the identity is known without the directories")
			if noWarm {
				require.Zero(t, emu.Calls("users.list")+emu.Calls("conversations.list"), "nothing loads at start")
			}
			s, err := p.Session(ctx)
			require.NoError(t, err)
			wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
			defer wcancel()
			require.NoError(t, s.Users.WaitReady(wctx))
			require.NoError(t, s.Channels.WaitReady(wctx))
			require.Equal(t, 1, emu.Calls("users.list"))
		})
	}
}

// GET /readyz of single-user mode: the token still works, asked of Slack
// at most once per 30 s; a refused token and an unreachable Slack are not
// ready, each said in words of our own.
func TestSingleReady(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		after func(ws *slackemu.Workspace, emu *slackemu.Server)
		want  string
	}{
		{name: "token works"},
		{name: "token revoked", after: func(ws *slackemu.Workspace, _ *slackemu.Server) { ws.RevokeUserTokens(slackemu.SandboxYou) }, want: "no longer valid"},
		{name: "Slack unreachable", after: func(_ *slackemu.Workspace, emu *slackemu.Server) { emu.Close() }, want: "cannot be reached"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := slackemu.Sandbox()
			emu := slackemu.NewServer(ws, slackemu.Options{})
			t.Cleanup(emu.Close)
			factory, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, MaxRetries: -1, Logger: zerolog.Nop()})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			p, err := NewSingle(ctx, SingleOptions{Factory: factory, Credentials: slackapi.Credentials{Token: slackemu.SandboxUserToken}, NoWarm: true, Logger: zerolog.Nop()})
			require.NoError(t, err)
			if tc.after != nil {
				tc.after(ws, emu)
			}
			err = p.Ready(ctx)
			if tc.want == "" {
				require.NoError(t, err)
				calls := emu.Calls("auth.test")
				require.NoError(t, p.Ready(ctx))
				require.Equal(t, calls, emu.Calls("auth.test"), "answered from the last check")
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}
