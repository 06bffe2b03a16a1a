package slackemu

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// infoRaw answers conversations.info as JSON, to see which keys Slack's
// answer carries (slack-go reads an absent count as 0).
func infoRaw(t *testing.T, srv *Server, token, channelID string) map[string]any {
	t.Helper()
	_, m := rawCall(t, srv, "conversations.info", http.Header{"Authorization": {"Bearer " + token}}, url.Values{"channel": {channelID}})
	require.Equal(t, true, m["ok"], m)
	return m["channel"].(map[string]any)
}

// TestReadStateByConversationType: unread counts only for IMs, last_read
// for every conversation the caller is a member of, never-read shown as
// Slack's zero ts.
func TestReadStateByConversationType(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddMessage(cGeneral, Message{User: uBob, Text: "news"})
	w.AddMessage(cPrivate, Message{User: uBob, Text: "secret news"})
	w.AddMessage(gTrio, Message{User: uBob, Text: "group news"})
	w.AddMessage(dAliceB, Message{User: uBob, Text: "dm one"})
	w.AddMessage(dAliceB, Message{User: uAlice, Text: "my reply"})
	w.AddMessage(dAliceB, Message{User: uBob, Text: "dm two"})
	srv := start(t, w, Options{})

	tests := []struct {
		name       string
		channel    string
		wantCounts bool
		wantRead   bool
	}{
		{name: "public channel", channel: cGeneral, wantRead: true},
		{name: "private channel", channel: cPrivate, wantRead: true},
		{name: "group DM", channel: gTrio, wantRead: true},
		{name: "DM", channel: dAliceB, wantRead: true, wantCounts: true},
		{name: "public channel, not a member", channel: cLonely},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ch := infoRaw(t, srv, tokAlice, tc.channel)
			_, hasCount := ch["unread_count"]
			_, hasDisplay := ch["unread_count_display"]
			require.Equal(t, tc.wantCounts, hasCount, "unread_count")
			require.Equal(t, tc.wantCounts, hasDisplay, "unread_count_display")
			if tc.wantRead {
				require.Equal(t, "0000000000.000000", ch["last_read"], "never read")
			} else {
				require.NotContains(t, ch, "last_read")
			}
			if tc.wantCounts {
				require.EqualValues(t, 3, ch["unread_count"])
				require.EqualValues(t, 2, ch["unread_count_display"], "own messages are not shown as unread")
				require.Equal(t, "dm two", ch["latest"].(map[string]any)["text"])
			}
		})
	}
}

// TestMarkMovesOnlyTheCallersCursor: conversations.mark moves the caller's
// last_read, another member's stays; an IM's counts follow.
func TestMarkMovesOnlyTheCallersCursor(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddToken("xoxp-bob", Token{UserID: uBob, Kind: UserToken, Scopes: AllUserScopes()})
	ts1 := w.AddMessage(cGeneral, Message{User: uBob, Text: "one"})
	w.AddMessage(cGeneral, Message{User: uBob, Text: "two"})
	d1 := w.AddMessage(dAliceB, Message{User: uBob, Text: "dm one"})
	d2 := w.AddMessage(dAliceB, Message{User: uBob, Text: "dm two"})
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)

	require.NoError(t, alice.MarkConversation(cGeneral, ts1))
	require.Equal(t, ts1, infoRaw(t, srv, tokAlice, cGeneral)["last_read"])
	require.Equal(t, "0000000000.000000", infoRaw(t, srv, "xoxp-bob", cGeneral)["last_read"], "per user")

	require.NoError(t, alice.MarkConversation(dAliceB, d1))
	im := infoRaw(t, srv, tokAlice, dAliceB)
	require.EqualValues(t, 1, im["unread_count_display"])
	require.NoError(t, alice.MarkConversation(dAliceB, d2))
	im = infoRaw(t, srv, tokAlice, dAliceB)
	require.EqualValues(t, 0, im["unread_count"])
	require.EqualValues(t, 0, im["unread_count_display"])
	require.Equal(t, d2, im["last_read"])
	require.EqualValues(t, 2, infoRaw(t, srv, "xoxp-bob", dAliceB)["unread_count"], "bob's cursor did not move")

	// Backwards is allowed (Slack's "mark unread").
	require.NoError(t, alice.MarkConversation(dAliceB, d1))
	require.EqualValues(t, 1, infoRaw(t, srv, tokAlice, dAliceB)["unread_count"])
}

func TestMarkValidates(t *testing.T) {
	t.Parallel()
	w := fixture()
	ts1 := w.AddMessage(cGeneral, Message{User: uBob, Text: "one"})
	srv := start(t, w, Options{})
	tests := []struct {
		name, token, channel, ts, want string
	}{
		{"public channel, not a member", tokAlice, cLonely, ts1, "not_in_channel"},
		{"private channel, not a member", tokAlice, cHidden, ts1, "channel_not_found"},
		{"unknown channel", tokAlice, "C0NOPE", ts1, "channel_not_found"},
		{"no channel", tokAlice, "", ts1, "channel_not_found"},
		{"no ts", tokAlice, cGeneral, "", "invalid_timestamp"},
		{"not a ts", tokAlice, cGeneral, "yesterday", "invalid_timestamp"},
		{"seven fraction digits", tokAlice, cGeneral, "1700000000.1234567", "invalid_timestamp"},
		{"negative", tokAlice, cGeneral, "-1.000000", "invalid_timestamp"},
		{"read-only token", tokReader, cGeneral, ts1, "missing_scope"},
	}
	t.Cleanup(func() { // after the parallel subtests, before the server closes
		require.Empty(t, w.LastRead(cGeneral, uAlice), "no failed call moved the cursor")
		ch, err := client(srv, tokAlice).GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: cGeneral})
		require.NoError(t, err)
		require.Equal(t, "0000000000.000000", ch.LastRead)
	})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireSlackErr(t, client(srv, tc.token).MarkConversation(tc.channel, tc.ts), tc.want)
		})
	}
}

func TestLeaveOutDMCounts(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddMessage(dAliceB, Message{User: uBob, Text: "dm one"})
	w.LeaveOutDMCounts()
	ch := infoRaw(t, start(t, w, Options{}), tokAlice, dAliceB)
	require.Equal(t, "0000000000.000000", ch["last_read"])
	for _, k := range []string{"unread_count", "unread_count_display", "latest"} {
		require.NotContains(t, ch, k)
	}
}
