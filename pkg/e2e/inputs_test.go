package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// sampleArgs are valid values for the required arguments of every tool
// that takes a count or a cursor. A new tool with a new required argument
// fails TestCountArgumentsBehaveAlike until it gets a sample here.
var sampleArgs = map[string]any{
	"channel_id":    generalID,
	"channel_types": "public_channel,private_channel,im",
	"thread_ts":     ts(60),
	"query":         "a",
}

// usefulArgs are optional arguments a call needs to do anything (search
// refuses a call with neither query nor filter).
var usefulArgs = map[string]any{
	"search_query": "deploy",
}

// allGates opens every gate, so tools/list shows the whole catalog.
func allGates() map[tools.Gate]bool {
	gates := map[tools.Gate]bool{}
	for _, t := range tools.Catalog() {
		gates[t.Gate] = true
	}
	return gates
}

// countArg is one count-like argument of one tool, from tools/list.
type countArg struct {
	tool, name string
	max        int
	base       map[string]any
}

var rangeInDescription = regexp.MustCompile(`\b1-(\d+)\b`)

// countArgs walks tools/list as a client sees it: every "limit" and every
// number with a maximum is a count whose range the description states.
func countArgs(t *testing.T, e *env) []countArg {
	t.Helper()
	list, err := e.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	var out []countArg
	for _, tool := range list.Tools {
		raw, err := json.Marshal(tool.InputSchema)
		require.NoError(t, err)
		var schema struct {
			Properties map[string]struct {
				Maximum     *float64 `json:"maximum"`
				Description string   `json:"description"`
			} `json:"properties"`
			Required []string `json:"required"`
		}
		require.NoError(t, json.Unmarshal(raw, &schema))
		base := func() map[string]any {
			b := map[string]any{}
			for _, r := range schema.Required {
				v, ok := sampleArgs[r]
				require.True(t, ok, "%s: add a sample value for its required argument %q to sampleArgs", tool.Name, r)
				b[r] = v
			}
			for k, v := range usefulArgs {
				if _, ok := schema.Properties[k]; ok {
					b[k] = v
				}
			}
			return b
		}
		for name, p := range schema.Properties {
			if name != "limit" && p.Maximum == nil {
				continue
			}
			m := rangeInDescription.FindStringSubmatch(p.Description)
			require.NotNil(t, m, "%s.%s: the description states no range: %q", tool.Name, name, p.Description)
			max, _ := strconv.Atoi(m[1])
			if p.Maximum != nil {
				require.Equal(t, float64(max), *p.Maximum, "%s.%s: schema maximum and description disagree", tool.Name, name)
			}
			out = append(out, countArg{tool: tool.Name, name: name, max: max, base: base()})
		}
	}
	return out
}

// with returns a copy of base with k set to v.
func with(base map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for bk, bv := range base {
		out[bk] = bv
	}
	out[k] = v
	return out
}

// Counts behave the same in every tool (issue 8): 0 is the default, a
// number sent as a string works, above the maximum is refused with the
// range, and an object or a list is refused.
func TestCountArgumentsBehaveAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: allGates()})
	e.waitWarm(t)
	args := countArgs(t, e)
	require.GreaterOrEqual(t, len(args), 7, "limit of 5 tools and the two caps of conversations_unreads")
	for _, a := range args {
		t.Run(a.tool+"/"+a.name, func(t *testing.T) {
			omitted := e.call(t, a.tool, a.base)
			require.False(t, omitted.IsError, text(omitted))

			zero := e.call(t, a.tool, with(a.base, a.name, 0))
			require.False(t, zero.IsError, text(zero))
			require.Equal(t, text(omitted), text(zero), "0 must mean the default")

			asString := e.call(t, a.tool, with(a.base, a.name, "2"))
			require.False(t, asString.IsError, text(asString))
			require.Equal(t, text(e.call(t, a.tool, with(a.base, a.name, 2))), text(asString))

			over := e.call(t, a.tool, with(a.base, a.name, a.max+1))
			require.True(t, over.IsError, "above the maximum: %s", text(over))
			require.Contains(t, text(over), strconv.Itoa(a.max))
			require.Contains(t, text(over), a.name)

			for want, v := range map[string]any{"not an object": map[string]any{"n": 5}, "not a list": []any{5}} {
				res := e.call(t, a.tool, with(a.base, a.name, v))
				require.True(t, res.IsError, "%s: accepted: %s", want, text(res))
				require.Contains(t, text(res), want)
				require.Contains(t, text(res), a.name)
			}
		})
	}
}

// nextCursor calls a tool and returns the next_cursor of its result.
func nextCursor(t *testing.T, e *env, tool string, args map[string]any) string {
	t.Helper()
	res := e.call(t, tool, args)
	require.False(t, res.IsError, text(res))
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	raw, _ := json.Marshal(res.StructuredContent)
	require.NoError(t, json.Unmarshal(raw, &page))
	require.NotEmpty(t, page.NextCursor, "%s %v returned no next_cursor", tool, args)
	return page.NextCursor
}

// A cursor only pages through what issued it: another tool, channel,
// thread or search refuses it with a message saying so (issue 8). Every
// tool that takes a cursor is tried with every other tool's cursor.
func TestCursorsAreBoundToTheirListing(t *testing.T) {
	t.Parallel()
	ws := fixture()
	parent := ws.AddMessage(generalID, slackemu.Message{TS: ts(230), User: aliceID, Text: "a longer thread"})
	ws.AddReply(generalID, parent, slackemu.Message{TS: ts(240), User: bobID, Text: "one"})
	ws.AddReply(generalID, parent, slackemu.Message{TS: ts(250), User: meID, Text: "two"})
	for i, name := range []string{"notes-1.txt", "notes-2.txt"} {
		ws.AddFile(slackemu.File{ID: "F0CURSOR0" + strconv.Itoa(i), Name: name, Title: name, Filetype: "text", Mimetype: "text/plain",
			User: aliceID, Channels: []string{generalID}, Created: fixtureNow + int64(i), Content: []byte("notes")})
	}
	for _, text := range []string{"first", "second"} {
		ws.AddScheduled(generalID, meID, text, time.Now().Add(24*time.Hour)) // the emulator's clock
	}
	e := newEnv(t, envOptions{gates: allGates(), ws: ws})
	e.waitWarm(t)
	thread := map[string]any{"channel_id": generalID, "thread_ts": ts(230), "limit": 1}
	issued := map[string]struct {
		cursor string
		args   map[string]any
	}{
		"channels_list":                         {args: map[string]any{"channel_types": "public_channel,private_channel,im", "limit": 1}},
		"conversations_history":                 {args: map[string]any{"channel_id": generalID, "limit": 1}},
		"conversations_replies":                 {args: thread},
		"conversations_search_messages":         {args: map[string]any{"search_query": "deploy", "limit": 1}},
		"channels_me":                           {args: map[string]any{"limit": 1}},
		"conversations_members":                 {args: map[string]any{"channel_id": generalID, "limit": 1}},
		"emoji_list":                            {args: map[string]any{"include_standard": true, "limit": 1}},
		"conversations_scheduled_messages_list": {args: map[string]any{"limit": 1}},
		"files_list":                            {args: map[string]any{"limit": 1}},
		"files_search":                          {args: map[string]any{"query": "notes", "limit": 1}},
	}
	for tool, c := range issued {
		c.cursor = nextCursor(t, e, tool, c.args)
		issued[tool] = c
	}
	list, err := e.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	takers := 0
	for _, tool := range list.Tools {
		if _, ok := tool.InputSchema.Properties["cursor"]; !ok {
			continue
		}
		takers++
		own, ok := issued[tool.Name]
		require.True(t, ok, "%s takes a cursor: add a call that issues one to this test", tool.Name)
		t.Run(tool.Name, func(t *testing.T) {
			// Its own cursor pages on.
			res := e.call(t, tool.Name, with(own.args, "cursor", own.cursor))
			require.False(t, res.IsError, text(res))
			for other, c := range issued {
				if other == tool.Name {
					continue
				}
				res := e.call(t, tool.Name, with(own.args, "cursor", c.cursor))
				require.True(t, res.IsError, "%s accepted a cursor of %s: %s", tool.Name, other, text(res))
				require.Contains(t, text(res), other)
			}
			for _, v := range []any{map[string]any{"c": own.cursor}, []any{own.cursor}} {
				res := e.call(t, tool.Name, with(own.args, "cursor", v))
				require.True(t, res.IsError, text(res))
				require.Contains(t, text(res), "cursor")
			}
		})
	}
	require.Equal(t, len(issued), takers)

	tests := []struct {
		name, tool string
		args       map[string]any
		want       string
	}{
		{"history of another channel", "conversations_history",
			map[string]any{"channel_id": "#leads", "cursor": issued["conversations_history"].cursor}, "pages through channel \"" + generalID + "\", not " + privateID},
		{"replies of another thread", "conversations_replies",
			map[string]any{"channel_id": generalID, "thread_ts": ts(60), "cursor": issued["conversations_replies"].cursor}, "pages through the thread \"" + ts(230) + "\""},
		{"another search", "conversations_search_messages",
			map[string]any{"search_query": "LGTM", "limit": 1, "cursor": issued["conversations_search_messages"].cursor}, "other arguments"},
		{"another page size", "conversations_search_messages",
			map[string]any{"search_query": "deploy", "limit": 5, "cursor": issued["conversations_search_messages"].cursor}, "other arguments"},
		{"channels of other types", "channels_list",
			map[string]any{"channel_types": "im", "cursor": issued["channels_list"].cursor}, "other arguments"},
		// korotovsky/slack-mcp-server 1.3.0 handed out Slack's own cursors.
		{"an incumbent next_ts cursor", "conversations_history",
			map[string]any{"channel_id": generalID, "cursor": "bmV4dF90czoxNzYzODAwMDYwMDAwMTAw"}, "raw Slack cursor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, tc.tool, tc.args)
			require.True(t, res.IsError, text(res))
			require.Contains(t, text(res), tc.want)
		})
	}
}

// singleValueArgs are the arguments read by the shared helpers of
// pkg/params (ChannelRef, SlackTS, Limit, Cursor): one value each.
var singleValueArgs = []string{"channel_id", "thread_ts", "timestamp", "ts", "limit", "cursor", "max_channels", "max_messages_per_channel"}

// An object or a list where one value belongs is refused by every tool
// that takes such an argument, naming it, and nothing is written (issue 8).
func TestSingleValueArgumentsRefuseObjectsAndLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: allGates()})
	e.waitWarm(t)
	samples := map[string]any{
		"channel_id": generalID, "thread_ts": ts(60), "timestamp": ts(0), "ts": ts(0), "emoji": "eyes",
		"payload": "hi", "text": "hi", "channel_types": "public_channel", "query": "a",
		"post_at": "2h", "scheduled_message_id": "Q00000001", "markdown": "hi",
		"users": aliceID, "name": "crew", "filename": "a.txt",
	}
	list, err := e.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	checked := 0
	for _, tool := range list.Tools {
		for _, name := range singleValueArgs {
			if _, ok := tool.InputSchema.Properties[name]; !ok {
				continue
			}
			base := map[string]any{}
			for _, r := range tool.InputSchema.Required {
				v, ok := samples[r]
				require.True(t, ok, "%s: add a sample for its required argument %q", tool.Name, r)
				base[r] = v
			}
			checked++
			for want, v := range map[string]any{"not an object": map[string]any{"x": 1}, "not a list": []any{"x"}} {
				res := e.call(t, tool.Name, with(base, name, v))
				require.True(t, res.IsError, "%s.%s %s: %s", tool.Name, name, want, text(res))
				require.Contains(t, text(res), want, "%s.%s", tool.Name, name)
				require.Contains(t, text(res), name, "%s.%s", tool.Name, name)
			}
		}
	}
	require.GreaterOrEqual(t, checked, 15)
	for _, m := range []string{"chat.postMessage", "reactions.add", "reactions.remove", "conversations.mark", "conversations.canvases.create"} {
		require.Zero(t, e.emu.Calls(m), m)
	}
}
