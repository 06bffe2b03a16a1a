package slackemu

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChatUpdateAndDelete(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(3) // messages by bob
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)
	_, mine, err := alice.PostMessage(cGeneral, slack.MsgOptionText("tpyo", false))
	require.NoError(t, err)
	_, botMsg, err := client(srv, tokBot).PostMessage(cGeneral, slack.MsgOptionText("beep", false))
	require.NoError(t, err)

	for _, tc := range []struct {
		name, channel, ts, text, want string
		c                             *slack.Client
	}{
		{name: "someone else's message", channel: cGeneral, ts: ts[0], text: "x", want: "cant_update_message", c: alice},
		{name: "a bot cannot edit a person's message", channel: cGeneral, ts: mine, text: "x", want: "cant_update_message", c: client(srv, tokBot)},
		{name: "a person cannot edit the bot's", channel: cGeneral, ts: botMsg, text: "x", want: "cant_update_message", c: alice},
		{name: "no such message", channel: cGeneral, ts: "1.000001", text: "x", want: "message_not_found", c: alice},
		{name: "no such channel", channel: "C0NOPE", ts: mine, text: "x", want: "channel_not_found", c: alice},
		{name: "no text", channel: cGeneral, ts: mine, text: "  ", want: "no_text", c: alice},
		{name: "no scope", channel: cGeneral, ts: mine, text: "x", want: "missing_scope", c: client(srv, tokReader)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := tc.c.UpdateMessage(tc.channel, tc.ts, slack.MsgOptionText(tc.text, false))
			requireSlackErr(t, err, tc.want)
		})
	}

	ch, updatedTS, text, err := alice.UpdateMessage(cGeneral, mine, slack.MsgOptionText("typo", false))
	require.NoError(t, err)
	assert.Equal(t, cGeneral, ch)
	assert.Equal(t, mine, updatedTS, "the message keeps its ts")
	assert.Equal(t, "typo", text)
	hist, err := alice.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Latest: mine, Inclusive: true, Limit: 1})
	require.NoError(t, err)
	require.Len(t, hist.Messages, 1)
	assert.Equal(t, "typo", hist.Messages[0].Text)
	require.NotNil(t, hist.Messages[0].Edited)

	_, _, err = alice.DeleteMessage(cGeneral, ts[0])
	requireSlackErr(t, err, "cant_delete_message")
	_, delTS, err := alice.DeleteMessage(cGeneral, mine)
	require.NoError(t, err)
	assert.Equal(t, mine, delTS)
	_, _, err = alice.DeleteMessage(cGeneral, mine)
	requireSlackErr(t, err, "message_not_found")
	hist, err = alice.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Latest: mine, Inclusive: true, Limit: 1})
	require.NoError(t, err)
	for _, m := range hist.Messages {
		assert.NotEqual(t, mine, m.Timestamp, "the deleted message is gone")
	}
}

func TestChatEditWindowAndComplianceExports(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	now := time.Now()
	srv := start(t, w, Options{Now: func() time.Time { return now }})
	alice := client(srv, tokAlice)
	_, mine, err := alice.PostMessage(cGeneral, slack.MsgOptionText("hello", false))
	require.NoError(t, err)
	w.SetEditWindow(time.Minute)
	now = now.Add(2 * time.Minute)
	_, _, _, err = alice.UpdateMessage(cGeneral, mine, slack.MsgOptionText("edited", false))
	requireSlackErr(t, err, "edit_window_closed")

	w.SetComplianceExports(true)
	_, _, err = alice.DeleteMessage(cGeneral, mine)
	requireSlackErr(t, err, "compliance_exports_prevent_deletion")
}
