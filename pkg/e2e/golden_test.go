package e2e

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The text the model reads is a contract: a diff here is a change of what
// existing prompts see. Refresh with go test ./pkg/e2e -run TestGolden -update.
func TestGoldenText(t *testing.T) {
	t.Parallel()
	// A Slack workspace URL (routed to the emulator) keeps the Permalink
	// column the same from run to run.
	e := newEnv(t, envOptions{emu: slackemu.Options{WorkspaceURL: "https://testco.slack.com/"}, httpClient: routeAllTo})
	e.waitWarm(t)
	cases := []struct {
		file string
		tool string
		args map[string]any
	}{
		{"history_general.csv", "conversations_history", map[string]any{"channel_id": "#general", "limit": "50"}},
		{"replies_deploy.csv", "conversations_replies", map[string]any{"channel_id": generalID, "thread_ts": ts(60)}},
		{"channels_all.csv", "channels_list", map[string]any{"channel_types": "public_channel,private_channel,im,mpim"}},
		{"users_search.csv", "users_search", map[string]any{"query": "a"}},
		{"search_deploy.csv", "conversations_search_messages", map[string]any{"search_query": "deploy"}},
	}
	for _, c := range cases {
		res := e.call(t, c.tool, c.args)
		require.False(t, res.IsError, text(res))
		got := text(res)
		path := "testdata/" + c.file
		if *update {
			require.NoError(t, os.MkdirAll("testdata", 0o755))
			require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "missing golden file: run go test ./pkg/e2e -run TestGolden -update")
		require.Equal(t, string(want), got, c.file)
	}
}

type lockedBuffer = testkit.LogBuffer

// Info logs name the tool and outcome, never message text, queries or tokens.
func TestLogsHoldNoContent(t *testing.T) {
	t.Parallel()
	var buf lockedBuffer
	log := zerolog.New(&buf).Level(zerolog.InfoLevel)
	e := newEnv(t, envOptions{logger: &log, gates: map[tools.Gate]bool{tools.GateAddMessage: true}})
	secretText := "zebra-launch-codes-4411"
	e.call(t, "conversations_search_messages", map[string]any{"search_query": secretText})
	e.call(t, "conversations_add_message", map[string]any{"channel_id": generalID, "payload": secretText})
	e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
	logs := buf.String()
	require.Contains(t, logs, "conversations_add_message")
	require.Equal(t, 3, strings.Count(logs, `"message":"tool call"`))
	for _, secret := range []string{secretText, userToken, "Deploy plan"} {
		require.NotContains(t, logs, secret)
	}
}
