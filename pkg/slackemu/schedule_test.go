package slackemu

import (
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScheduleMessage(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	now := time.Now()
	w.AddToken("xoxp-bob", Token{UserID: uBob, Kind: UserToken, Scopes: AllUserScopes()})
	srv := start(t, w, Options{Now: func() time.Time { return now }})
	alice := client(srv, tokAlice)
	at := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	hi := slack.MsgOptionText("hi", false)

	for _, tc := range []struct {
		name, token, channel, postAt string
		opts                         []slack.MsgOption
		want                         string
	}{
		{"in the past", tokAlice, cGeneral, at(-time.Minute), []slack.MsgOption{hi}, "time_in_past"},
		{"now", tokAlice, cGeneral, at(0), []slack.MsgOption{hi}, "time_in_past"},
		{"past 120 days", tokAlice, cGeneral, at(121 * 24 * time.Hour), []slack.MsgOption{hi}, "time_too_far"},
		{"not a time", tokAlice, cGeneral, "tomorrow", []slack.MsgOption{hi}, "invalid_time"},
		{"no text", tokAlice, cGeneral, at(time.Hour), []slack.MsgOption{slack.MsgOptionText(" ", false)}, "no_text"},
		{"not a member", tokAlice, cLonely, at(time.Hour), []slack.MsgOption{hi}, "not_in_channel"},
		{"invisible", tokAlice, cHidden, at(time.Hour), []slack.MsgOption{hi}, "channel_not_found"},
		{"archived", tokAlice, cOld, at(time.Hour), []slack.MsgOption{hi}, "is_archived"},
		{"no scope", tokReader, cGeneral, at(time.Hour), []slack.MsgOption{hi}, "missing_scope"},
		{"bad thread", tokAlice, cGeneral, at(time.Hour), []slack.MsgOption{hi, slack.MsgOptionTS("1.000001")}, "invalid_thread_ts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := client(srv, tc.token).ScheduleMessage(tc.channel, tc.postAt, tc.opts...)
			requireSlackErr(t, err, tc.want)
		})
	}

	ch, later, err := alice.ScheduleMessage(cGeneral, at(48*time.Hour), slack.MsgOptionText("later", false))
	require.NoError(t, err)
	assert.Equal(t, cGeneral, ch)
	assert.Regexp(t, `^Q[A-Z0-9]{8,}$`, later, "the OpenAPI schema's ID pattern")
	_, soon, err := alice.ScheduleMessage(cPrivate, at(time.Hour), slack.MsgOptionMarkdownText("**soon**"))
	require.NoError(t, err)
	_, bobs, err := client(srv, "xoxp-bob").ScheduleMessage(cGeneral, at(time.Hour), hi)
	require.NoError(t, err)

	list, next, err := alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{})
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, list, 2, "only alice's own, not bob's %s", bobs)
	assert.Equal(t, soon, list[0].ID, "soonest first")
	assert.Equal(t, cPrivate, list[0].Channel)
	assert.Equal(t, "**soon**", list[0].Text)
	assert.Equal(t, later, list[1].ID)

	page, next, err := alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.NotEmpty(t, next)
	page, next, err = alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{Limit: 1, Cursor: next})
	require.NoError(t, err)
	assert.Equal(t, later, page[0].ID)
	assert.Empty(t, next)
	only, _, err := alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{Channel: cGeneral})
	require.NoError(t, err)
	require.Len(t, only, 1)
	_, _, err = alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{Channel: cHidden})
	requireSlackErr(t, err, "invalid_channel")
	_, _, err = alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{Oldest: at(2 * time.Hour), Latest: at(time.Hour)})
	requireSlackErr(t, err, "invalid_arguments")

	del := func(token, channel, id string) error {
		_, err := client(srv, token).DeleteScheduledMessage(&slack.DeleteScheduledMessageParameters{Channel: channel, ScheduledMessageID: id})
		return err
	}
	requireSlackErr(t, del(tokAlice, cGeneral, bobs), "invalid_scheduled_message_id")
	requireSlackErr(t, del(tokAlice, cPrivate, later), "invalid_scheduled_message_id")
	requireSlackErr(t, del(tokAlice, "C0NOPE", later), "channel_not_found")
	require.NoError(t, del(tokAlice, cGeneral, later))
	requireSlackErr(t, del(tokAlice, cGeneral, later), "invalid_scheduled_message_id")

	now = now.Add(time.Hour - 30*time.Second)
	requireSlackErr(t, del(tokAlice, cPrivate, soon), "invalid_scheduled_message_id")
	now = now.Add(time.Minute)
	list, _, err = alice.GetScheduledMessages(&slack.GetScheduledMessagesParameters{})
	require.NoError(t, err)
	assert.Empty(t, list, "a sent message is no longer pending")
}

func TestScheduleBurstLimit(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	now := time.Now()
	srv := start(t, w, Options{Now: func() time.Time { return now }})
	alice := client(srv, tokAlice)
	postAt := strconv.FormatInt(now.Add(time.Hour).Unix(), 10)
	for i := 0; i < 30; i++ {
		_, _, err := alice.ScheduleMessage(cGeneral, postAt, slack.MsgOptionText("spam", false))
		require.NoError(t, err)
	}
	_, _, err := alice.ScheduleMessage(cGeneral, postAt, slack.MsgOptionText("spam", false))
	requireSlackErr(t, err, "restricted_too_many")
	_, _, err = alice.ScheduleMessage(cPrivate, postAt, slack.MsgOptionText("elsewhere", false))
	require.NoError(t, err, "the limit is per channel")
	_, _, err = alice.ScheduleMessage(cGeneral, strconv.FormatInt(now.Add(2*time.Hour).Unix(), 10), slack.MsgOptionText("later", false))
	require.NoError(t, err, "the limit is per 5 minutes")
}
