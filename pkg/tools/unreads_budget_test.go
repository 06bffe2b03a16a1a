package tools

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// readWorkspace has n conversations (DMs when dms, else channels) with one
// message each from bob, all read but those listed in unread.
func readWorkspace(n int, dms bool, unread ...int) *slackemu.Workspace {
	ws := slackemu.NewWorkspace(testTeam)
	ws.AddUser(slackemu.User{ID: testMeID, Name: "alice"})
	for i := range n {
		peer := fmt.Sprintf("U0PEER%03d", i)
		ws.AddUser(slackemu.User{ID: peer, Name: fmt.Sprintf("peer%d", i)})
		c := slackemu.Channel{ID: fmt.Sprintf("C0CH%04d", i), Name: fmt.Sprintf("ch-%d", i), Members: []string{testMeID, peer}}
		if dms {
			c = slackemu.Channel{ID: fmt.Sprintf("D0DM%04d", i), IsIM: true, User: peer, Members: []string{testMeID, peer}}
		}
		ws.AddChannel(c)
		ts := ws.AddMessage(c.ID, slackemu.Message{User: peer, Text: "news"})
		isUnread := false
		for _, u := range unread {
			isUnread = isUnread || u == i
		}
		if !isUnread {
			ws.SetLastRead(c.ID, testMeID, ts)
		}
	}
	return ws
}

func TestUnreadsCallBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		ws          *slackemu.Workspace
		wantScanned int
		wantHistory int
		wantCut     bool
		want        []string
	}{
		{
			// Channels cost two calls each: the budget covers 50 of 80, so
			// the unread 80th is out of reach and the note says so.
			name: "channels", ws: readWorkspace(80, false, 3, 79),
			wantScanned: unreadsCallBudget / 2, wantHistory: unreadsCallBudget / 2, wantCut: true,
			want: []string{"C0CH0003"},
		},
		{
			// A read DM costs one call (Slack counts its unread messages and
			// names its latest), so about twice as many fit: 98 DMs, the
			// unread one with its messages, make 99 calls, and the last
			// call left cannot cover a conversation's worst case of two.
			name: "dms", ws: readWorkspace(120, true, 5),
			wantScanned: 98, wantHistory: 1, wantCut: true,
			want: []string{"D0DM0005"},
		},
		{
			name: "small workspace", ws: readWorkspace(10, false, 9),
			wantScanned: 10, wantHistory: 10,
			want: []string{"C0CH0009"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, tc.ws, testMeID)
			res, err := env.call(t, conversationsUnreads(), Args{"include_messages": true})
			require.NoError(t, err)
			u := unreadsOf(t, res)
			require.Equal(t, tc.want, unreadChannelIDs(u))
			require.Equal(t, tc.wantScanned, u.Scanned)
			require.Equal(t, tc.wantScanned, env.Srv.Calls("conversations.info"))
			require.Equal(t, tc.wantHistory, env.Srv.Calls("conversations.history"))
			require.LessOrEqual(t, env.Srv.Calls("conversations.info")+env.Srv.Calls("conversations.history"), unreadsCallBudget)
			require.Equal(t, 1+u.Scanned+tc.wantHistory, u.SlackCalls, "users.conversations, info, history")
			require.Equal(t, tc.wantCut, u.BudgetCut)
			require.Contains(t, u.Note, fmt.Sprintf("scanned %d of %d conversations with %d Slack calls", u.Scanned, u.Total, u.SlackCalls))
			if tc.wantCut {
				require.Contains(t, u.Note, fmt.Sprintf("the %d lower-priority conversations were not checked", u.Total-u.Scanned))
			} else {
				require.NotContains(t, u.Note, "budget")
			}
		})
	}
}

// TestUnreadsDMWithoutCounts: if Slack leaves a DM's counts out, the DM
// is checked like a channel.
func TestUnreadsDMWithoutCounts(t *testing.T) {
	t.Parallel()
	ws := readWorkspace(3, true, 1)
	ws.LeaveOutDMCounts()
	env := newTestEnv(t, ws, testMeID)
	res, err := env.call(t, conversationsUnreads(), Args{"include_messages": false})
	require.NoError(t, err)
	u := unreadsOf(t, res)
	require.Equal(t, []string{"D0DM0001"}, unreadChannelIDs(u))
	require.Equal(t, 1, u.Channels[0].UnreadCount)
	require.Equal(t, 3, env.Srv.Calls("conversations.history"), "no count and no latest: every DM is looked at")
}

func TestUnreadsIncludeMuted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args Args
		want string
	}{
		{Args{}, ""},
		{Args{"include_muted": nil}, ""},
		{Args{"include_muted": true}, "muted channels are always included"},
		{Args{"include_muted": "false"}, "include_muted=false could not be honoured"},
	}
	env := newTestEnv(t, unreadsWorkspace(), testMeID)
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.args), func(t *testing.T) {
			res, err := env.call(t, conversationsUnreads(), tc.args)
			require.NoError(t, err)
			note := unreadsOf(t, res).Note
			if tc.want == "" {
				require.NotContains(t, note, "muted")
				return
			}
			require.Contains(t, note, tc.want)
			require.Contains(t, resultText(res), tc.want)
		})
	}
}

func TestTSAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"1700000000.000100", "0000000000.000000", true},
		{"0000000000.000000", "1700000000.000100", false},
		{"1700000000.000100", "1700000000.000100", false},
		{"1700000000.000101", "1700000000.000100", true},
		{"1700000000.1", "1700000000.000100", true},
		{"1700000001.000000", "1700000000.999999", true},
		{"999999999.000000", "1000000000.000000", false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, tsAfter(tc.a, tc.b), "%s after %s", tc.a, tc.b)
	}
}

// FuzzParseUnreadsArgs: any argument value is either accepted or refused
// with an input error naming the argument, never a panic.
func FuzzParseUnreadsArgs(f *testing.F) {
	for _, s := range []string{"", "true", "7", "all", "dm", "-1", "1e3", "partner", "perhaps"} {
		f.Add("max_channels", s)
		f.Add("include_muted", s)
		f.Add("channel_types", s)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		_, err := parseUnreadsArgs(Args{key: value})
		if err == nil {
			return
		}
		var ie *InputError
		require.ErrorAs(t, err, &ie)
		require.True(t, strings.Contains(ie.Msg, key) || key == "channel_types", ie.Msg)
	})
}

// TestUnreadsHistoryRateLimited: when Slack refuses conversations.history
// (a non-Marketplace app gets one a minute), the DMs Slack counted are
// still reported, with a note saying the scan stopped.
func TestUnreadsHistoryRateLimited(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, unreadsWorkspace(), testMeID)
	env.Srv.FailNext("conversations.history", 1000, time.Minute)
	res, err := env.call(t, conversationsUnreads(), Args{"include_messages": false})
	require.NoError(t, err)
	u := unreadsOf(t, res)
	require.Equal(t, []string{"D0BOB1"}, unreadChannelIDs(u))
	require.Equal(t, 1, u.Scanned)
	require.Contains(t, u.Note, "Slack rate limited the scan after 1 conversation;")
	require.Contains(t, resultText(res), "note: Slack rate limited")
}

// TestUnreadsVanishingConversation: a conversation whose history Slack
// no longer serves is skipped, except a DM Slack counted, which is listed
// without messages.
func TestUnreadsVanishingConversation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, unreadsWorkspace(), testMeID)
	env.Srv.FailNextWith("conversations.history", "channel_not_found", 1000)
	res, err := env.call(t, conversationsUnreads(), Args{"channel_types": "dm"})
	require.NoError(t, err)
	u := unreadsOf(t, res)
	require.Equal(t, []string{"D0BOB1"}, unreadChannelIDs(u))
	require.Equal(t, 1, u.Channels[0].UnreadCount)
	require.Empty(t, u.Messages)

	res, err = env.call(t, conversationsUnreads(), Args{"channel_types": "internal"})
	require.NoError(t, err)
	require.Empty(t, unreadsOf(t, res).Channels)
}
