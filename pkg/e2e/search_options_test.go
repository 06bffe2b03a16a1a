package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

const contextChannel = "C0TESTCTX1"

// searchFixture adds matches whose order differs by time and by
// relevance, one in a public channel the caller is not in, and a
// conversation to read context from.
func searchFixture() *slackemu.Workspace {
	ws := fixture()
	ws.AddMessage(generalID, slackemu.Message{TS: ts(400), User: aliceID, Text: "banana banana banana split"})
	ws.AddMessage(generalID, slackemu.Message{TS: ts(500), User: bobID, Text: "one banana"})
	ws.AddMessage(randomID, slackemu.Message{TS: ts(600), User: aliceID, Text: "banana in random"})
	ws.AddChannel(slackemu.Channel{ID: contextChannel, Name: "context", Members: []string{meID, aliceID}})
	for i := 0; i < 7; i++ {
		text := fmt.Sprintf("line %d", i)
		if i == 3 {
			text = "kiwi marker"
		}
		ws.AddMessage(contextChannel, slackemu.Message{TS: ts(1000 + 10*i), User: aliceID, Text: text})
	}
	for i := 0; i < 8; i++ {
		ws.AddMessage(generalID, slackemu.Message{TS: ts(2000 + 10*i), User: bobID, Text: fmt.Sprintf("plum %d", i)})
	}
	return ws
}

func searchRows(t *testing.T, e *env, args map[string]any) tools.Page[tools.Message] {
	t.Helper()
	res := e.call(t, "conversations_search_messages", args)
	require.False(t, res.IsError, text(res))
	return page[tools.Message](t, res)
}

func TestSearchSortOnlyMineAndContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{ws: searchFixture()})
	e.waitWarm(t)

	texts := func(p tools.Page[tools.Message]) []string {
		var out []string
		for _, m := range p.Items {
			out = append(out, m.Text)
		}
		return out
	}
	byTime := searchRows(t, e, map[string]any{"search_query": "banana"})
	assert.Equal(t, []string{"banana in random", "one banana", "banana banana banana split"}, texts(byTime))
	byRelevance := searchRows(t, e, map[string]any{"search_query": "banana", "sort": "relevance"})
	assert.Equal(t, "banana banana banana split", byRelevance.Items[0].Text)
	mine := searchRows(t, e, map[string]any{"search_query": "banana", "only_my_channels": true})
	assert.Equal(t, []string{"one banana", "banana banana banana split"}, texts(mine), "#random is not one of mine")

	res := e.call(t, "conversations_search_messages", map[string]any{"search_query": "kiwi", "context": 2})
	require.False(t, res.IsError, text(res))
	ctxPage := page[tools.Message](t, res)
	assert.Equal(t, []string{"line 1", "line 2", "kiwi marker", "line 4", "line 5"}, texts(ctxPage))
	hit := ctxPage.Items[2].MsgID
	for i, m := range ctxPage.Items {
		if i == 2 {
			assert.Empty(t, m.ContextOf)
			continue
		}
		assert.Equal(t, hit, m.ContextOf, m.Text)
	}
	assert.Contains(t, strings.SplitN(text(res), "\n", 2)[0], ",ContextOf", "the column appears when context is asked for")
	assert.NotContains(t, text(e.call(t, "conversations_search_messages", map[string]any{"search_query": "banana"})), "ContextOf")

	before := e.emu.Calls("conversations.history")
	budget := e.call(t, "conversations_search_messages", map[string]any{"search_query": "plum", "context": 1})
	require.False(t, budget.IsError, text(budget))
	assert.Contains(t, text(budget), "note: context shown for the first 5 matches only")
	assert.Equal(t, 10, e.emu.Calls("conversations.history")-before, "context spends at most 10 Slack calls")

	for _, bad := range []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"search_query": "banana", "sort": "alphabetical"}, "sort must be time"},
		{map[string]any{"search_query": "banana", "context": 9}, "context"},
		{map[string]any{"search_query": "banana", "only_my_channels": "perhaps"}, "only_my_channels"},
	} {
		res := e.call(t, "conversations_search_messages", bad.args)
		require.True(t, res.IsError, "%v: %s", bad.args, text(res))
		assert.Contains(t, text(res), bad.want)
	}
}
