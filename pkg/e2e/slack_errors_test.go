package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// Errors Slack gives that our fixtures never produce reach the model as a
// specific, actionable tool error, and the server keeps serving.
func TestSlackErrorsReachTheModel(t *testing.T) {
	t.Parallel()
	post := map[string]any{"channel_id": generalID, "payload": "hello"}
	for _, tc := range []struct {
		code, method, tool string
		args               map[string]any
		want               []string
	}{
		{"plan_upgrade_required", "usergroups.list", "usergroups_list", map[string]any{}, []string{"Slack plan", "Nothing to retry"}},
		{"paid_teams_only", "conversations.replies", "conversations_replies", map[string]any{"channel_id": generalID, "thread_ts": ts(60)}, []string{"paid workspaces", "free plan"}},
		{"permission_denied", "usergroups.list", "usergroups_list", map[string]any{}, []string{"denied permission", "workspace admin"}},
		{"team_access_not_granted", "search.messages", "conversations_search_messages", map[string]any{"search_query": "deploy"}, []string{"not been granted access", "SLACK_MCP_TEAM_ID"}},
		{"ekm_access_denied", "conversations.history", "conversations_history", map[string]any{"channel_id": generalID}, []string{"Enterprise Key Management", "revoked access"}},
		{"restricted_action", "chat.postMessage", "conversations_add_message", post, []string{"admin setting forbids", "Nothing was done"}},
		{"rate_limited", "chat.postMessage", "conversations_add_message", post, []string{"posted too many messages", "was not posted"}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}})
			before := len(e.ws.Messages(generalID))
			e.emu.FailNextWith(tc.method, tc.code, 1)
			res := e.call(t, tc.tool, tc.args)
			require.True(t, res.IsError, text(res))
			for _, w := range tc.want {
				assert.Contains(t, text(res), w)
			}
			assert.NotContains(t, text(res), "internal error")
			assert.Equal(t, before, len(e.ws.Messages(generalID)), "nothing posted")
			again := e.call(t, tc.tool, tc.args)
			require.False(t, again.IsError, "the next call works: %s", text(again))
		})
	}
}

// chat.postMessage answered 429: a short Retry-After is waited out and the
// post is sent again, once (a 429 means Slack did not take it); a long one
// is reported with the wait and the fact that nothing was posted.
func TestPostRateLimited(t *testing.T) {
	t.Parallel()
	post := map[string]any{"channel_id": generalID, "payload": "rate me"}
	t.Run("retry after honoured, posted once", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}})
		before := len(e.ws.Messages(generalID))
		e.emu.FailNext("chat.postMessage", 1, time.Second)
		res := e.call(t, "conversations_add_message", post)
		require.False(t, res.IsError, text(res))
		assert.Equal(t, 2, e.emu.Calls("chat.postMessage"), "one 429, one accepted post")
		assert.Equal(t, before+1, len(e.ws.Messages(generalID)), "posted exactly once")
	})
	t.Run("retry after beyond the budget", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}})
		before := len(e.ws.Messages(generalID))
		e.emu.FailNext("chat.postMessage", 1, 45*time.Second)
		res := e.call(t, "conversations_add_message", post)
		require.True(t, res.IsError, text(res))
		assert.Contains(t, text(res), "message was NOT posted")
		assert.Contains(t, text(res), "retry in 45 seconds")
		assert.Equal(t, 1, e.emu.Calls("chat.postMessage"), "not sent again within the call")
		assert.Equal(t, before, len(e.ws.Messages(generalID)))

		// Until Retry-After has passed, a new post is refused without
		// reaching Slack.
		res = e.call(t, "conversations_add_message", post)
		require.True(t, res.IsError, text(res))
		assert.Contains(t, text(res), "NOT posted")
		assert.Equal(t, 1, e.emu.Calls("chat.postMessage"))
	})
}
