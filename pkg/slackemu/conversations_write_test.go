package slackemu

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConversationsCreate(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)
	for _, tc := range []struct {
		name, channel, token, want string
		private                    bool
	}{
		{name: "empty", channel: "", token: tokAlice, want: "invalid_name_required"},
		{name: "too long", channel: strings.Repeat("a", 81), token: tokAlice, want: "invalid_name_maxlength"},
		{name: "capitals", channel: "Launch", token: tokAlice, want: "invalid_name_specials"},
		{name: "spaces", channel: "the launch", token: tokAlice, want: "invalid_name_specials"},
		{name: "taken", channel: "general", token: tokAlice, want: "name_taken"},
		{name: "taken by an archived channel", channel: "old", token: tokAlice, want: "name_taken"},
		{name: "no scope", channel: "launch", token: tokReader, want: "missing_scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client(srv, tc.token).CreateConversation(slack.CreateConversationParams{ChannelName: tc.channel, IsPrivate: tc.private})
			requireSlackErr(t, err, tc.want)
		})
	}
	ch, err := alice.CreateConversation(slack.CreateConversationParams{ChannelName: "launch-2025", IsPrivate: true})
	require.NoError(t, err)
	assert.Equal(t, "launch-2025", ch.Name)
	assert.True(t, ch.IsPrivate)
	assert.True(t, strings.HasPrefix(ch.ID, "G") || strings.HasPrefix(ch.ID, "C"))
	info, err := alice.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: ch.ID})
	require.NoError(t, err)
	assert.Equal(t, "launch-2025", info.Name)
	_, err = alice.CreateConversation(slack.CreateConversationParams{ChannelName: "launch-2025"})
	requireSlackErr(t, err, "name_taken")

	w.SetChannelCreationRestricted(true)
	_, err = alice.CreateConversation(slack.CreateConversationParams{ChannelName: "not-allowed"})
	requireSlackErr(t, err, "restricted_action")
}

func TestConversationsInvite(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)
	ch, err := alice.CreateConversation(slack.CreateConversationParams{ChannelName: "crew"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name, channel, users, want string
	}{
		{"nobody", ch.ID, " ", "no_user"},
		{"unknown user", ch.ID, "U0NOBODY", "user_not_found"},
		{"self", ch.ID, uAlice, "cant_invite_self"},
		{"not a member", cLonely, uBob, "not_in_channel"},
		{"invisible", cHidden, uBob, "channel_not_found"},
		{"archived", cOld, uBob, "is_archived"},
		{"a DM", dAliceB, uBob, "cant_invite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alice.InviteUsersToConversation(tc.channel, strings.Split(tc.users, ",")...)
			requireSlackErr(t, err, tc.want)
		})
	}
	got, err := alice.InviteUsersToConversation(ch.ID, uBob)
	require.NoError(t, err)
	assert.Equal(t, ch.ID, got.ID)
	members, _, err := alice.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: ch.ID})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{uAlice, uBob}, members)
	_, err = alice.InviteUsersToConversation(ch.ID, uBob)
	requireSlackErr(t, err, "already_in_channel")
}

func TestConversationsSetTopicAndPurpose(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)
	ch, err := alice.SetTopicOfConversation(cGeneral, "launch week")
	require.NoError(t, err)
	assert.Equal(t, "launch week", ch.Topic.Value)
	ch, err = alice.SetPurposeOfConversation(cGeneral, "everything launch")
	require.NoError(t, err)
	assert.Equal(t, "everything launch", ch.Purpose.Value)
	hist, err := alice.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, "channel_purpose", hist.Messages[0].SubType)
	assert.Equal(t, "channel_topic", hist.Messages[1].SubType)
	for _, tc := range []struct{ name, channel, topic, want string }{
		{"too long", cGeneral, strings.Repeat("x", 251), "too_long"},
		{"not a member", cLonely, "x", "not_in_channel"},
		{"archived", cOld, "x", "is_archived"},
		{"a DM", dAliceB, "x", "method_not_supported_for_channel_type"},
		{"invisible", cHidden, "x", "channel_not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := alice.SetTopicOfConversation(tc.channel, tc.topic)
			requireSlackErr(t, err, tc.want)
		})
	}
}
