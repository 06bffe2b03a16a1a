package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

const mpimID = "G0MPIM0001"

// unreadsFixture is the e2e fixture plus a group DM; nothing in it was
// ever marked read.
func unreadsFixture() *slackemu.Workspace {
	ws := fixture()
	ws.AddChannel(slackemu.Channel{ID: mpimID, IsMPIM: true, Members: []string{meID, aliceID, bobID}})
	ws.AddMessage(mpimID, slackemu.Message{TS: ts(230), User: aliceID, Text: "lunch?"})
	return ws
}

func unreadsResult(t *testing.T, res *mcp.CallToolResult) tools.Unreads {
	t.Helper()
	require.False(t, res.IsError, text(res))
	raw, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	var u tools.Unreads
	require.NoError(t, json.Unmarshal(raw, &u))
	return u
}

func unreadByID(u tools.Unreads) map[string]tools.UnreadChannel {
	out := map[string]tools.UnreadChannel{}
	for _, c := range u.Channels {
		out[c.ChannelID] = c
	}
	return out
}

// TestUnreadsWithoutSlackCounts: Slack counts unread messages of DMs
// only; channels, private channels and group DMs are found from last_read
// and the messages after it. Never-read conversations report Slack's zero
// last_read and count every message from someone else.
func TestUnreadsWithoutSlackCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{ws: unreadsFixture()})
	e.waitWarm(t)
	res := e.call(t, "conversations_unreads", map[string]any{"include_messages": false})
	u := unreadsResult(t, res)
	got := unreadByID(u)
	require.Equal(t, []string{dmBobID, mpimID, generalID, privateID}, []string{u.Channels[0].ChannelID, u.Channels[1].ChannelID, u.Channels[2].ChannelID, u.Channels[3].ChannelID})
	require.Len(t, u.Channels, 4)
	// #general: alice's and bob's messages; yours and alice's join notice do not count.
	require.Equal(t, 2, got[generalID].UnreadCount)
	require.Equal(t, "0000000000.000000", got[generalID].LastRead)
	require.Equal(t, ts(190), got[generalID].Latest)
	require.Equal(t, 1, got[privateID].UnreadCount)
	require.Equal(t, "internal", got[privateID].Type)
	require.Equal(t, 1, got[mpimID].UnreadCount)
	require.Equal(t, "group_dm", got[mpimID].Type)
	require.Equal(t, 1, got[dmBobID].UnreadCount)
	require.Equal(t, ts(220), got[dmBobID].Latest)
	require.Equal(t, 4, u.Scanned)
	require.Equal(t, 1+4+3, u.SlackCalls, "users.conversations, four conversations.info, three conversations.history (the DM's count comes from Slack)")

	txt := text(res)
	require.True(t, strings.HasPrefix(txt, "ChannelID,ChannelName,ChannelType,UnreadCount,LastRead,Latest"), txt)
	require.Contains(t, txt, generalID+",#general,internal,2,0000000000.000000,"+ts(190))
	require.Contains(t, txt, "note: scanned 4 of 4 conversations with 8 Slack calls; 4 with unread messages.")
}

// TestUnreadsMessagesCSV: with include_messages (the default) the text is
// one message CSV, as 1.3.0 answers, newest first per conversation.
func TestUnreadsMessagesCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{ws: unreadsFixture()})
	e.waitWarm(t)
	res := e.call(t, "conversations_unreads", map[string]any{})
	u := unreadsResult(t, res)
	txt := text(res)
	require.True(t, strings.HasPrefix(txt, "MsgID,UserID,"), txt)
	require.NotContains(t, txt, "ChannelID,ChannelName,ChannelType")
	for _, want := range []string{"hey, quick question about the deploy", "lunch?", "Deploy plan", "private roadmap"} {
		require.Contains(t, txt, want)
	}
	require.NotContains(t, txt, "has joined the channel")
	var general []string
	for _, m := range u.Messages {
		if m.Channel == generalID {
			general = append(general, m.MsgID)
		}
	}
	require.Equal(t, []string{ts(60), ts(0)}, general, "newest first, your own message left out")
	require.Equal(t, 1+4+4, u.SlackCalls, "the look after last_read brings the messages; the DM needs one for them")
}

// TestUnreadsAfterMark: once conversations.mark moved the cursor to the
// newest message, nothing is unread; marking back makes it unread again.
func TestUnreadsAfterMark(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{ws: unreadsFixture()})
	e.waitWarm(t)
	api := slack.New(userToken, slack.OptionAPIURL(e.emu.URL+"/api/"))
	for id, newest := range map[string]string{generalID: ts(190), privateID: ts(200), dmBobID: ts(220), mpimID: ts(230)} {
		require.NoError(t, api.MarkConversation(id, newest))
	}
	u := unreadsResult(t, e.call(t, "conversations_unreads", map[string]any{"include_messages": false}))
	require.Empty(t, u.Channels)
	require.Equal(t, 4, u.Scanned)
	require.Contains(t, u.Note, "0 with unread messages")

	require.NoError(t, api.MarkConversation(generalID, ts(0)))
	u = unreadsResult(t, e.call(t, "conversations_unreads", map[string]any{"include_messages": false}))
	require.Len(t, u.Channels, 1)
	require.Equal(t, generalID, u.Channels[0].ChannelID)
	require.Equal(t, 1, u.Channels[0].UnreadCount, "bob's deploy plan only")
	require.Equal(t, ts(0), u.Channels[0].LastRead)
}

// TestUnreadsDMs: a DM is found from Slack's unread_count, and the same
// way as a channel if Slack leaves the count out.
func TestUnreadsDMs(t *testing.T) {
	t.Parallel()
	for _, bare := range []bool{false, true} {
		name := "with unread_count"
		if bare {
			name = "without unread_count"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ws := fixture()
			if bare {
				ws.LeaveOutDMCounts()
			}
			e := newEnv(t, envOptions{ws: ws})
			e.waitWarm(t)
			e.emu.ResetCalls()
			u := unreadsResult(t, e.call(t, "conversations_unreads", map[string]any{"channel_types": "dm", "include_messages": false}))
			require.Len(t, u.Channels, 1)
			require.Equal(t, dmBobID, u.Channels[0].ChannelID)
			require.Equal(t, "@bob", u.Channels[0].ChannelName)
			require.Equal(t, 1, u.Channels[0].UnreadCount)
			wantHistory := 0
			if bare {
				wantHistory = 1
			}
			require.Equal(t, wantHistory, e.emu.Calls("conversations.history"))
		})
	}
}

func TestUnreadsBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.waitWarm(t)
	tests := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"channel_types": "public"}, "channel_types"},
		{map[string]any{"max_channels": "lots"}, "max_channels"},
		{map[string]any{"max_messages_per_channel": "many"}, "max_messages_per_channel"},
		{map[string]any{"include_messages": "maybe"}, "include_messages"},
		{map[string]any{"include_muted": "maybe"}, "include_muted"},
	}
	for _, tc := range tests {
		res := e.call(t, "conversations_unreads", tc.args)
		require.True(t, res.IsError, "%v: want isError, got %s", tc.args, text(res))
		require.Contains(t, text(res), tc.want)
	}
	require.Zero(t, e.emu.Calls("users.conversations"), "bad input costs no Slack call")
	res := e.call(t, "conversations_unreads", map[string]any{"include_muted": true})
	require.False(t, res.IsError, text(res))
	require.Contains(t, text(res), "muted channels are always included")
}
