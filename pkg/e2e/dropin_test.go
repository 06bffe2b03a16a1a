package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// The tools and arguments of korotovsky/slack-mcp-server 1.3.0 that we
// took over, through a real MCP client (issue 8).

func page[T any](t *testing.T, res *mcp.CallToolResult) tools.Page[T] {
	t.Helper()
	var p tools.Page[T]
	raw, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &p))
	return p
}

func channelIDs(p tools.Page[tools.Channel]) []string {
	var ids []string
	for _, c := range p.Items {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestAddMessageTextAndBlocks(t *testing.T) {
	t.Parallel()
	section := `[{"type":"section","text":{"type":"mrkdwn","text":"*release* notes"}}]`
	tooMany := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 51), ",") + "]"
	for _, tc := range []struct {
		name     string
		args     map[string]any
		err      string // "" means posted
		text     string // the posted text
		blocks   bool
		markdown bool
	}{
		{name: "text, 1.3.0's name", args: map[string]any{"text": "hello from text"}, text: "hello from text", markdown: true},
		{name: "payload stays an alias", args: map[string]any{"payload": "hello from payload"}, text: "hello from payload", markdown: true},
		{name: "both, equal", args: map[string]any{"text": "same", "payload": "same"}, text: "same", markdown: true},
		{name: "blocks with text as fallback", args: map[string]any{"text": "release notes", "blocks": section}, text: "release notes", blocks: true},
		{name: "blocks alone", args: map[string]any{"blocks": section}, blocks: true},
		{name: "both, different", args: map[string]any{"text": "a", "payload": "b"}, err: "pass only text"},
		{name: "neither", args: map[string]any{}, err: "text is required"},
		{name: "blocks not JSON", args: map[string]any{"text": "x", "blocks": `[{"type":`}, err: "not valid JSON"},
		{name: "blocks an object", args: map[string]any{"text": "x", "blocks": `{"type":"section"}`}, err: "JSON array"},
		{name: "block without type", args: map[string]any{"text": "x", "blocks": `[{"text":"x"}]`}, err: `block 1 has no "type"`},
		{name: "51 blocks", args: map[string]any{"text": "x", "blocks": tooMany}, err: "at most 50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}})
			args := map[string]any{"channel_id": generalID}
			for k, v := range tc.args {
				args[k] = v
			}
			before := len(e.ws.Messages(generalID))
			res := e.call(t, "conversations_add_message", args)
			if tc.err != "" {
				require.True(t, res.IsError, text(res))
				require.Contains(t, text(res), tc.err)
				require.Zero(t, e.emu.Calls("chat.postMessage"), "refused before calling Slack")
				return
			}
			require.False(t, res.IsError, text(res))
			msgs := e.ws.Messages(generalID)
			require.Len(t, msgs, before+1)
			got := msgs[len(msgs)-1]
			require.Equal(t, tc.text, got.Text)
			require.Equal(t, tc.blocks, len(got.Blocks) > 0)
			if tc.blocks {
				require.JSONEq(t, section, string(got.Blocks))
			}
			_, md := got.Params["markdown_text"]
			require.Equal(t, tc.markdown, md, "markdown_text excludes blocks")
		})
	}
}

// SLACK_MCP_ADD_MESSAGE_MARK: the channel is marked read after posting; a
// failed mark does not turn the (done) post into an error.
func TestAddMessageMarksRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		mark, fails bool
	}{{"off", false, false}, {"on", true, false}, {"mark fails", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			policy := tools.Policy{AddMessage: tools.AllChannels(), MarkAfterPost: tc.mark}
			e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}, policy: &policy})
			if tc.fails {
				e.emu.FailNextWith("conversations.mark", "missing_scope", 1)
			}
			before := e.ws.LastRead(generalID, meID)
			res := e.call(t, "conversations_add_message", map[string]any{"channel_id": generalID, "text": "hi"})
			require.False(t, res.IsError, text(res))
			var posted tools.PostedMessage
			raw, _ := json.Marshal(res.StructuredContent)
			require.NoError(t, json.Unmarshal(raw, &posted))
			switch {
			case !tc.mark:
				require.Zero(t, e.emu.Calls("conversations.mark"))
			case tc.fails:
				require.Contains(t, text(res), "marking the channel read failed")
				require.Equal(t, before, e.ws.LastRead(generalID, meID))
			default:
				require.Equal(t, 1, e.emu.Calls("conversations.mark"))
				require.Equal(t, posted.TS, e.ws.LastRead(generalID, meID))
			}
		})
	}
}

func TestChannelsMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	for _, tc := range []struct {
		name string
		args map[string]any
		want []string
	}{
		{"default: channels I am in", map[string]any{}, []string{generalID, privateID}},
		{"DMs", map[string]any{"channel_types": "im"}, []string{dmBobID}},
		{"public only", map[string]any{"channel_types": "public_channel"}, []string{generalID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, "channels_me", tc.args)
			require.False(t, res.IsError, text(res))
			require.ElementsMatch(t, tc.want, channelIDs(page[tools.Channel](t, res)))
			require.True(t, strings.HasPrefix(text(res), "ID,Name,Topic,Purpose,MemberCount"), text(res))
		})
	}
	t.Run("member counts as in channels_list", func(t *testing.T) {
		res := e.call(t, "channels_me", map[string]any{"channel_types": "public_channel"})
		require.Equal(t, 3, page[tools.Channel](t, res).Items[0].MemberCount)
	})
	t.Run("DM rows name the person", func(t *testing.T) {
		res := e.call(t, "channels_me", map[string]any{"channel_types": "im"})
		require.Equal(t, "@bob", page[tools.Channel](t, res).Items[0].Name)
	})
	t.Run("pages with our cursor", func(t *testing.T) {
		first := page[tools.Channel](t, e.call(t, "channels_me", map[string]any{"limit": 1}))
		require.Len(t, first.Items, 1)
		require.NotEmpty(t, first.NextCursor)
		second := page[tools.Channel](t, e.call(t, "channels_me", map[string]any{"limit": 1, "cursor": first.NextCursor}))
		require.Len(t, second.Items, 1)
		require.ElementsMatch(t, []string{generalID, privateID}, []string{first.Items[0].ID, second.Items[0].ID})
	})
	for _, tc := range []struct {
		name string
		args map[string]any
		err  string
	}{
		{"unknown type", map[string]any{"channel_types": "rooms"}, "not one of public_channel"},
		{"cursor of another tool", map[string]any{"cursor": params.CursorScope{Tool: "channels_list"}.Encode("2")}, "channels_list"},
		{"negative limit", map[string]any{"limit": -1}, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := e.call(t, "channels_me", tc.args)
			require.True(t, res.IsError, text(res))
			require.Contains(t, text(res), tc.err)
		})
	}
}

func TestJoinAndLeave(t *testing.T) {
	t.Parallel()
	ws := fixture()
	ws.AddChannel(slackemu.Channel{ID: "C0ARCHIVE1", Name: "old", IsArchived: true, Members: []string{meID}})
	e := newEnv(t, envOptions{ws: ws, gates: map[tools.Gate]bool{tools.GateMembership: true}})
	member := func(id string) bool {
		ch, ok := e.ws.Channel(id)
		require.True(t, ok)
		for _, m := range ch.Members {
			if m == meID {
				return true
			}
		}
		return false
	}
	steps := []struct {
		name, tool, channel string
		err, says           string
		member              bool
	}{
		{name: "join a public channel", tool: "conversations_join", channel: "#random", says: "joined #random", member: true},
		{name: "join again changes nothing", tool: "conversations_join", channel: randomID, says: "already a member", member: true},
		{name: "leave it", tool: "conversations_leave", channel: randomID, says: "left #random", member: false},
		{name: "leave again changes nothing", tool: "conversations_leave", channel: randomID, says: "not a member", member: false},
		{name: "general cannot be left", tool: "conversations_leave", channel: generalID, err: "#general", member: true},
		{name: "a DM cannot be joined", tool: "conversations_join", channel: dmBobID, err: "only public channels can be joined"},
		{name: "a DM cannot be left", tool: "conversations_leave", channel: dmBobID, err: "cannot be left"},
		{name: "an archived channel", tool: "conversations_leave", channel: "C0ARCHIVE1", err: "archived"},
		{name: "a private channel I am not in is invisible", tool: "conversations_join", channel: secretID, err: "not found"},
		{name: "no channel", tool: "conversations_join", channel: "", err: "channel_id is required"},
	}
	for _, st := range steps { // in order: each step builds on the last
		res := e.call(t, st.tool, map[string]any{"channel_id": st.channel})
		if st.err != "" {
			require.True(t, res.IsError, "%s: %s", st.name, text(res))
			require.Contains(t, text(res), st.err, st.name)
			continue
		}
		require.False(t, res.IsError, "%s: %s", st.name, text(res))
		require.Contains(t, text(res), st.says, st.name)
		require.Equal(t, st.member, member(randomID), st.name)
	}
	require.True(t, member(generalID))
	require.Equal(t, 4, e.emu.Calls("conversations.join"), "the empty reference never reached Slack")
}

func TestMembershipToolsAreOffByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	listed := map[string]bool{}
	res, err := e.client.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	for _, tl := range res.Tools {
		listed[tl.Name] = true
	}
	require.True(t, listed["channels_me"], "a read tool")
	require.False(t, listed["conversations_join"])
	require.False(t, listed["conversations_leave"])

	named := newEnv(t, envOptions{enabled: []string{"channels_list", "conversations_join", "channels_me"}})
	res, err = named.client.ListTools(t.Context(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	require.ElementsMatch(t, []string{"channels_list", "conversations_join", "channels_me"}, names, "naming a write tool enables it, as in 1.3.0")
}

func TestChannelsListQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	all := "public_channel,private_channel"
	for _, tc := range []struct {
		name string
		args map[string]any
		want []string
		err  string
	}{
		{name: "name is the default target", args: map[string]any{"query": "GEN"}, want: []string{generalID}},
		{name: "a # is ignored", args: map[string]any{"query": "#lead"}, want: []string{privateID}},
		{name: "topic only when asked", args: map[string]any{"query": "company"}, want: nil},
		{name: "topic", args: map[string]any{"query": "company", "query_targets": "topic"}, want: []string{generalID}},
		{name: "several targets", args: map[string]any{"query": "e", "query_targets": " name , purpose"}, want: []string{generalID, privateID}},
		{name: "no query lists all", args: map[string]any{"query_targets": "topic"}, want: []string{generalID, randomID, privateID}},
		{name: "unknown target", args: map[string]any{"query": "x", "query_targets": "name,members"}, err: `"members" is not a field`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := map[string]any{"channel_types": all}
			for k, v := range tc.args {
				args[k] = v
			}
			res := e.call(t, "channels_list", args)
			if tc.err != "" {
				require.True(t, res.IsError, text(res))
				require.Contains(t, text(res), tc.err)
				return
			}
			require.False(t, res.IsError, text(res))
			require.ElementsMatch(t, tc.want, channelIDs(page[tools.Channel](t, res)))
		})
	}
}

func TestUsersSearchByID(t *testing.T) {
	t.Parallel()
	ws := fixture()
	// An ID that contains another user's ID: a substring search finds both.
	ws.AddUser(slackemu.User{ID: bobID + "2", Name: "bob2", RealName: "Bob Two"})
	ws.AddUser(slackemu.User{ID: "W0GRID0001", Name: "grid", RealName: "Grid User"})
	e := newEnv(t, envOptions{ws: ws})
	e.waitWarm(t)
	// Joined after the directory was loaded: only users.info knows them.
	ws.AddUser(slackemu.User{ID: "U0NEWHIRE1", Name: "newbie", RealName: "New Hire"})
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"U0NEWHIRE1", []string{"U0NEWHIRE1"}},
		{bobID, []string{bobID}},
		{"@" + aliceID, []string{aliceID}},
		{"W0GRID0001", []string{"W0GRID0001"}},
		{"U0NOBODY01", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			res := e.call(t, "users_search", map[string]any{"query": tc.query})
			require.False(t, res.IsError, text(res))
			var ids []string
			for _, u := range page[tools.User](t, res).Items {
				ids = append(ids, u.UserID)
			}
			require.Equal(t, tc.want, ids)
		})
	}
}
