package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// A link to a thread reply finds the reply whether or not Slack counts the
// thread parent within conversations.replies' limit (issue 8).
func TestReplyLinkFound(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		countsParent bool
	}{
		{"parent outside limit", false},
		{"parent counted in limit", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{emu: slackemu.Options{RepliesLimitCountsParent: tc.countsParent}})
			e.waitWarm(t)
			link := "https://testco.slack.com/archives/" + generalID + "/p" + strings.ReplaceAll(ts(120), ".", "") +
				"?thread_ts=" + ts(60)
			res := e.call(t, "conversations_search_messages", map[string]any{"search_query": link})
			require.False(t, res.IsError, text(res))
			require.Contains(t, text(res), "LGTM @me")
			require.NotContains(t, text(res), "Deploy plan")
		})
	}
}

// A reply found by search keeps its thread: ThreadTs comes from the
// permalink's thread_ts (issue 8).
func TestSearchReplyKeepsThread(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	res := e.call(t, "conversations_search_messages", map[string]any{"search_query": "LGTM"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "LGTM @me")
	require.Contains(t, text(res), ts(60), "the reply's ThreadTs is its parent")
}
