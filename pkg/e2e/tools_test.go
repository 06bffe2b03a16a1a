package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

var allTransports = []string{mcptransport.Stdio, mcptransport.SSE, mcptransport.HTTP}

// Every transport serves the same tools and answers the same calls.
func TestTransports(t *testing.T) {
	t.Parallel()
	for _, kind := range allTransports {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{transport: kind})
			list, err := e.client.ListTools(context.Background(), mcp.ListToolsRequest{})
			require.NoError(t, err)
			var names []string
			for _, tl := range list.Tools {
				names = append(names, tl.Name)
				require.NotNil(t, tl.Annotations.ReadOnlyHint, tl.Name)
				require.True(t, *tl.Annotations.ReadOnlyHint, "only read tools are on by default: %s", tl.Name)
			}
			require.Contains(t, names, "conversations_history")
			require.NotContains(t, names, "conversations_add_message")

			res := e.call(t, "conversations_history", map[string]any{"channel_id": "#general", "limit": "10"})
			require.False(t, res.IsError, text(res))
			require.Contains(t, text(res), "Welcome @bob!")

			bad := e.call(t, "conversations_history", map[string]any{"channel_id": "#general", "limit": "-5"})
			require.True(t, bad.IsError)

			r, err := e.client.ReadResource(context.Background(), mcp.ReadResourceRequest{Params: mcp.ReadResourceParams{URI: "slack://" + teamID + "/users"}})
			require.NoError(t, err)
			require.NotEmpty(t, r.Contents)
		})
	}
}

func TestConversationsHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)

	t.Run("renders names, links, code and keeps punctuation", func(t *testing.T) {
		res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID, "limit": 50})
		require.False(t, res.IsError, text(res))
		out := text(res)
		require.True(t, strings.HasPrefix(out, "MsgID,UserID,UserName,RealName,Channel,ThreadTs,Text,Time,Permalink"), out)
		require.Contains(t, out, "Welcome @bob! See #random and the docs (https://example.com) :tada:")
		require.Contains(t, out, "`make deploy` & (maybe) rollback?")
		require.Contains(t, out, "```go")
		require.Contains(t, out, "#general")
		require.NotContains(t, out, "has joined the channel", "activity messages are hidden by default")

		var page tools.Page[tools.Message]
		raw, err := json.Marshal(res.StructuredContent)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &page))
		require.Len(t, page.Items, 3)
		require.Equal(t, "alice", page.Items[2].UserName)
		require.Equal(t, 1, page.Items[1].ReplyCount)
	})

	t.Run("activity messages on request", func(t *testing.T) {
		res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID, "limit": "50", "include_activity_messages": true})
		require.Contains(t, text(res), "has joined the channel")
	})

	t.Run("a DM by @user shows @name", func(t *testing.T) {
		for _, ref := range []string{"@bob", "@John Smith", "@bobby", "@JOHN SMITH"} {
			res := e.call(t, "conversations_history", map[string]any{"channel_id": ref, "limit": "5"})
			require.False(t, res.IsError, "%s: %s", ref, text(res))
			require.Contains(t, text(res), "quick question", ref)
			require.Contains(t, text(res), "@bob", ref)
		}
	})
}

// On a warm cache a history call costs exactly one Slack call, names included.
func TestHistoryCostsOneSlackCall(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	for _, ref := range []string{generalID, "#general", "@bob"} {
		e.emu.ResetCalls()
		res := e.call(t, "conversations_history", map[string]any{"channel_id": ref, "limit": "20"})
		require.False(t, res.IsError, text(res))
		require.Equal(t, map[string]int{"conversations.history": 1}, e.emu.CallCounts(), ref)
	}
}

func TestRepliesSearchUsersChannels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	parent := ts(60)

	res := e.call(t, "conversations_replies", map[string]any{"channel_id": "#general", "thread_ts": parent})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "LGTM @me")

	res = e.call(t, "conversations_search_messages", map[string]any{"search_query": "deploy"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "Deploy plan")
	require.NotContains(t, text(res), "secret plans")

	res = e.call(t, "conversations_search_messages", map[string]any{"filter_users_from": "@alice", "filter_in_channel": "#general"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "Welcome")
	require.NotContains(t, text(res), "Deploy plan")

	link := "https://testco.slack.com/archives/" + generalID + "/p" + strings.ReplaceAll(parent, ".", "")
	res = e.call(t, "conversations_search_messages", map[string]any{"search_query": link})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "Deploy plan")
	require.NotContains(t, text(res), "Welcome")

	res = e.call(t, "users_search", map[string]any{"query": "smith"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), bobID)
	require.Contains(t, text(res), dmBobID)

	res = e.call(t, "channels_list", map[string]any{"channel_types": "public_channel,private_channel", "sort": "popularity"})
	require.False(t, res.IsError, text(res))
	out := text(res)
	require.Contains(t, out, "#general")
	require.Contains(t, out, "#leads")
	require.NotContains(t, out, "#secret", "private channels you are not in stay invisible")

	res = e.call(t, "channels_list", map[string]any{"channel_types": "im", "limit": 1})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "@bob")
}

func TestChannelsListPaginates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	seen := map[string]bool{}
	cursor := ""
	for i := 0; i < 10; i++ {
		args := map[string]any{"channel_types": "public_channel,private_channel,im", "limit": "1"}
		if cursor != "" {
			args["cursor"] = cursor
		}
		res := e.call(t, "channels_list", args)
		require.False(t, res.IsError, text(res))
		var page tools.Page[tools.Channel]
		raw, _ := json.Marshal(res.StructuredContent)
		require.NoError(t, json.Unmarshal(raw, &page))
		for _, c := range page.Items {
			require.False(t, seen[c.ID], "page repeated %s", c.ID)
			seen[c.ID] = true
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	require.Len(t, seen, 4)
}

// Bad input gets a specific isError result and the server keeps serving.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true, tools.GateReactions: true}})
	e.waitWarm(t)
	tests := []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"negative limit", "conversations_history", map[string]any{"channel_id": generalID, "limit": "-5"}, "limit"},
		{"non-numeric limit", "channels_list", map[string]any{"channel_types": "im", "limit": "lots"}, "limit"},
		{"zero window", "conversations_history", map[string]any{"channel_id": generalID, "limit": "0d"}, "limit"},
		{"malformed slack cursor", "conversations_history", map[string]any{"channel_id": generalID, "cursor": "%%%not-base64"}, "cursor"},
		{"malformed own cursor", "channels_list", map[string]any{"channel_types": "im", "cursor": "garbage"}, "cursor"},
		{"foreign cursor", "conversations_search_messages", map[string]any{"search_query": "x", "cursor": "djF8Y2hhbm5lbHN8MQ"}, "cursor"},
		{"unknown channel type", "channels_list", map[string]any{"channel_types": "public_channel,stars"}, "public_channel, private_channel, im, mpim"},
		{"search without query or filter", "conversations_search_messages", map[string]any{}, "filter_in_channel"},
		{"bare @", "conversations_history", map[string]any{"channel_id": "@"}, "name"},
		{"bare #", "conversations_history", map[string]any{"channel_id": "#"}, "name"},
		{"unknown channel name", "conversations_history", map[string]any{"channel_id": "#nope"}, "channels_list"},
		{"unknown user", "conversations_history", map[string]any{"channel_id": "@nobody-here"}, "users_search"},
		{"channel not visible", "conversations_history", map[string]any{"channel_id": secretID}, "channels_list"},
		{"bad thread ts", "conversations_replies", map[string]any{"channel_id": generalID, "thread_ts": "yesterday"}, "thread_ts"},
		{"bad emoji", "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "two words"}, "emoji"},
		{"not in channel", "conversations_add_message", map[string]any{"channel_id": randomID, "payload": "hi"}, "not a member"},
		{"empty payload", "conversations_add_message", map[string]any{"channel_id": generalID, "payload": ""}, "payload"},
		{"bad date", "conversations_search_messages", map[string]any{"filter_date_on": "the day after never"}, "date"},
		{"bad message link", "conversations_search_messages", map[string]any{"search_query": "https://testco.slack.com/archives/C0GENERAL1/pnope"}, "link"},
		{"missing users_search query", "users_search", map[string]any{"query": "  "}, "query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, tc.tool, tc.args)
			require.True(t, res.IsError, "want isError, got %s", text(res))
			require.Contains(t, strings.ToLower(text(res)), strings.ToLower(tc.want))
			require.NotContains(t, text(res), userToken)
		})
	}
	// Still serving after all of that.
	res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
	require.False(t, res.IsError, text(res))
}

func TestSlackErrorsBecomeActionable(t *testing.T) {
	t.Parallel()
	t.Run("missing scope names the scope", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{token: weakToken})
		res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
		require.True(t, res.IsError)
		require.Contains(t, text(res), "channels:history")
	})
	t.Run("bot tokens cannot search", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{token: botToken})
		res := e.call(t, "conversations_search_messages", map[string]any{"search_query": "deploy"})
		require.True(t, res.IsError)
		require.Contains(t, text(res), "bot")
	})
	t.Run("rate limit past the budget says when to retry", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{})
		e.emu.FailNext("conversations.history", 10, 30*time.Second)
		res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
		require.True(t, res.IsError)
		require.Contains(t, strings.ToLower(text(res)), "retry")
		require.Contains(t, text(res), "30")
	})
	t.Run("a short 429 is retried transparently", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{})
		e.emu.FailNext("conversations.history", 1, time.Second)
		res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
		require.False(t, res.IsError, text(res))
		require.Equal(t, 2, e.emu.Calls("conversations.history"))
	})
	t.Run("revoked token", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{})
		e.emu.FailNextWith("conversations.history", "token_revoked", 1)
		res := e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
		require.True(t, res.IsError)
		require.Contains(t, strings.ToLower(text(res)), "revoked")
	})
}

func TestWriteTools(t *testing.T) {
	t.Parallel()
	t.Run("post, thread reply and reactions when enabled", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true, tools.GateReactions: true}})
		res := e.call(t, "conversations_add_message", map[string]any{"channel_id": "#general", "payload": "**shipped** :rocket:"})
		require.False(t, res.IsError, text(res))
		msgs := e.ws.Messages(generalID)
		require.Contains(t, msgs[len(msgs)-1].Text, "shipped")

		res = e.call(t, "conversations_add_message", map[string]any{"channel_id": generalID, "thread_ts": ts(60), "payload": "done", "content_type": "text/plain"})
		require.False(t, res.IsError, text(res))

		res = e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": ":thumbsup:"})
		require.False(t, res.IsError, text(res))
		res = e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "thumbsup"})
		require.False(t, res.IsError, "already reacted is a success (issue 8): %s", text(res))
		res = e.call(t, "reactions_remove", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "thumbsup"})
		require.False(t, res.IsError, text(res))
	})
	t.Run("policy keeps posts out of denied channels", func(t *testing.T) {
		t.Parallel()
		deny, err := tools.ParseChannelPolicy("SLACK_MCP_ADD_MESSAGE_TOOL", "!"+generalID)
		require.NoError(t, err)
		e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}, policy: &tools.Policy{AddMessage: deny}})
		before := len(e.ws.Messages(generalID))
		res := e.call(t, "conversations_add_message", map[string]any{"channel_id": generalID, "payload": "hi"})
		require.True(t, res.IsError)
		require.Contains(t, text(res), "SLACK_MCP_ADD_MESSAGE_TOOL")
		require.Len(t, e.ws.Messages(generalID), before)
		require.Zero(t, e.emu.Calls("chat.postMessage"))
	})
	t.Run("write tools are not even listed by default", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envOptions{})
		req := mcp.CallToolRequest{}
		req.Params.Name = "conversations_add_message"
		req.Params.Arguments = map[string]any{"channel_id": generalID, "payload": "hi"}
		res, err := e.client.CallTool(context.Background(), req)
		if err == nil {
			require.True(t, res.IsError)
		}
		require.Zero(t, e.emu.Calls("chat.postMessage"))
	})
}

func TestAPIKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{apiKey: "s3cret-key"})
	res := e.call(t, "channels_list", map[string]any{"channel_types": "public_channel"})
	require.False(t, res.IsError, text(res))
}

// While a directory is still loading, listings say they may be incomplete
// and name lookups still work through targeted calls.
func TestColdDirectories(t *testing.T) {
	t.Parallel()
	ws := fixture()
	emuFail := func(en *env) {
		en.emu.FailNextWith("conversations.list", "internal_error", 1000)
		en.emu.FailNextWith("users.list", "internal_error", 1000)
	}
	en := newEnv(t, envOptions{ws: ws, beforeStart: emuFail})
	res := en.call(t, "channels_list", map[string]any{"channel_types": "public_channel"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "still loading")
	res = en.call(t, "users_search", map[string]any{"query": "alice@test.co"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), aliceID)
	res = en.call(t, "conversations_history", map[string]any{"channel_id": generalID, "limit": "5"})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "@bob", "user names resolve through users.info on a cold cache")
}

// Every call of a tool that changes Slack is audited: who, what, where.
func TestWriteToolsAreAudited(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []server.AuditRecord
	e := newEnv(t, envOptions{
		gates: map[tools.Gate]bool{tools.GateAddMessage: true, tools.GateReactions: true},
		audit: func(_ context.Context, r server.AuditRecord) { mu.Lock(); got = append(got, r); mu.Unlock() },
	})
	res := e.call(t, "conversations_add_message", map[string]any{"channel_id": generalID, "payload": "audited"})
	require.False(t, res.IsError, text(res))
	e.call(t, "reactions_add", map[string]any{"channel_id": generalID, "timestamp": ts(0), "emoji": "eyes"})
	e.call(t, "conversations_add_message", map[string]any{"channel_id": randomID, "payload": "not a member"})
	e.call(t, "conversations_history", map[string]any{"channel_id": generalID})
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 3, "read tools are not audited")
	require.Equal(t, "conversations_add_message", got[0].Tool)
	require.Equal(t, teamID, got[0].TeamID)
	require.Equal(t, meID, got[0].UserID)
	require.Equal(t, generalID, got[0].Channel)
	require.NotEmpty(t, got[0].MessageTS)
	require.Equal(t, "ok", got[0].Outcome)
	require.Equal(t, "reactions_add", got[1].Tool)
	require.Equal(t, ts(0), got[1].MessageTS)
	require.Equal(t, "slack_error", got[2].Outcome)
}

// Non-Marketplace apps get at most 15 messages a page from Slack: history
// pages by 15 and says where to continue.
func TestHistoryPageCap(t *testing.T) {
	t.Parallel()
	ws := fixture()
	for i := range 40 {
		ws.AddMessage(randomID, slackemu.Message{TS: ts(1000 + i), User: aliceID, Text: fmt.Sprintf("note %d", i)})
	}
	ws.AddChannel(slackemu.Channel{ID: randomID, Name: "random", Members: []string{aliceID, meID}})
	e := newEnv(t, envOptions{ws: ws, policy: &tools.Policy{HistoryPageMax: 15}})
	res := e.call(t, "conversations_history", map[string]any{"channel_id": randomID, "limit": "50"})
	require.False(t, res.IsError, text(res))
	var page tools.Page[tools.Message]
	raw, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(raw, &page))
	require.Len(t, page.Items, 15)
	require.NotEmpty(t, page.NextCursor)
}
