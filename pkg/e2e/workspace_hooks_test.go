package e2e

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// Every tool call is counted for its workspace, and a workspace's rules
// close a write tool or narrow its channels, over a real MCP client.
func TestWorkspaceHooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	counted := map[string]int{}
	rules := tools.WorkspaceRules{}
	e := newEnv(t, envOptions{gates: allGates(),
		countCall: func(team string) { mu.Lock(); counted[team]++; mu.Unlock() },
		rules: func(_ context.Context, team string) (tools.WorkspaceRules, error) {
			mu.Lock()
			defer mu.Unlock()
			if team != teamID {
				return nil, nil
			}
			out := tools.WorkspaceRules{}
			for k, v := range rules {
				out[k] = v
			}
			return out, nil
		}})
	set := func(r map[string]string) {
		parsed, err := tools.ParseWorkspaceRules(r)
		require.NoError(t, err)
		mu.Lock()
		rules = parsed
		mu.Unlock()
	}
	post := map[string]any{"channel_id": "#general", "text": "hello"}

	require.False(t, e.call(t, "conversations_history", map[string]any{"channel_id": "#general"}).IsError)
	require.False(t, e.call(t, "conversations_add_message", post).IsError)
	set(map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "false"})
	res := e.call(t, "conversations_add_message", post)
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "this workspace's admin turned this tool off")
	set(map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": randomID})
	res = e.call(t, "conversations_add_message", post)
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "not allowed by this workspace's policy")
	set(map[string]string{"SLACK_MCP_REACTION_TOOL": "!" + generalID})
	res = e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "tada"})
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "reacting in "+generalID+" is not allowed by this workspace's policy")
	require.False(t, e.call(t, "conversations_add_message", post).IsError, "other tools are as the settings say")

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{teamID: 6}, counted)
}
