package slackemu

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func TestChatPostMessage(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(3)
	srv := start(t, w, Options{})
	tests := []struct {
		name    string
		token   string
		channel string
		opts    []slack.MsgOption
		want    string
	}{
		{"text", tokAlice, cGeneral, []slack.MsgOption{slack.MsgOptionText("hello", false)}, ""},
		{"by name", tokAlice, "#general", []slack.MsgOption{slack.MsgOptionText("hello", false)}, ""},
		{"blocks only", tokAlice, cPrivate, []slack.MsgOption{slack.MsgOptionBlocks(slack.NewDividerBlock())}, ""},
		{"no text", tokAlice, cGeneral, []slack.MsgOption{slack.MsgOptionText("  ", false)}, "no_text"},
		{"too long", tokAlice, cGeneral, []slack.MsgOption{slack.MsgOptionText(strings.Repeat("é", maxMessageChars+1), false)}, "msg_too_long"},
		{"max length", tokAlice, cGeneral, []slack.MsgOption{slack.MsgOptionText(strings.Repeat("é", maxMessageChars), false)}, ""},
		{"not a member", tokAlice, cLonely, []slack.MsgOption{slack.MsgOptionText("hi", false)}, "not_in_channel"},
		{"invisible", tokAlice, cHidden, []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found"},
		{"unknown", tokAlice, "C0NOPE", []slack.MsgOption{slack.MsgOptionText("hi", false)}, "channel_not_found"},
		{"archived", tokAlice, cOld, []slack.MsgOption{slack.MsgOptionText("hi", false)}, "is_archived"},
		{"no scope", tokReader, cGeneral, []slack.MsgOption{slack.MsgOptionText("hi", false)}, "missing_scope"},
		{"bad thread", tokAlice, cGeneral, []slack.MsgOption{slack.MsgOptionText("hi", false), slack.MsgOptionTS("1.000000")}, "invalid_thread_ts"},
		{"reply", tokAlice, cGeneral, []slack.MsgOption{slack.MsgOptionText("in thread", false), slack.MsgOptionTS(ts[0])}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ch, postedTS, err := client(srv, tc.token).PostMessage(tc.channel, tc.opts...)
			if tc.want != "" {
				requireSlackErr(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.NotEmpty(t, postedTS)
			require.True(t, strings.HasPrefix(ch, "C"))
		})
	}
}

func TestChatPostMessageStoresWhatWasSent(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(3)
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)
	_, posted, err := c.PostMessage(cGeneral,
		slack.MsgOptionText("see <https://example.com|this>", false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*hi*", false, false), nil, nil)),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionTS(ts[1]),
		slack.MsgOptionBroadcast(),
	)
	require.NoError(t, err)
	var got *Message
	for _, m := range w.Messages(cGeneral) {
		if m.TS == posted {
			got = &m
		}
	}
	require.NotNil(t, got)
	require.Equal(t, uAlice, got.User)
	require.Equal(t, ts[1], got.ThreadTS)
	require.Equal(t, "thread_broadcast", got.Subtype)
	require.Equal(t, "false", got.Params["unfurl_links"])
	require.Contains(t, string(got.Blocks), `"*hi*"`)

	// A broadcast reply shows in the thread and in the channel.
	hist, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, posted, hist.Messages[0].Timestamp)
	replies, _, _, err := c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: ts[1]})
	require.NoError(t, err)
	require.Len(t, replies, 2)

	// Posting as the bot records the bot ID.
	_, botTS, err := client(srv, tokBot).PostMessage(cGeneral, slack.MsgOptionText("beep", false))
	require.NoError(t, err)
	hist, err = c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, botTS, hist.Messages[0].Timestamp)
	require.Equal(t, bBot, hist.Messages[0].BotID)
	require.Greater(t, botTS, posted)
}

func TestChatGetPermalink(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(3)
	srv := start(t, w, Options{WorkspaceURL: "https://fixture.slack.com"})
	c := client(srv, tokAlice)
	link, err := c.GetPermalink(&slack.PermalinkParameters{Channel: cGeneral, Ts: ts[0]})
	require.NoError(t, err)
	require.Equal(t, "https://fixture.slack.com/archives/"+cGeneral+"/p1700000000000100", link)
	link, err = c.GetPermalink(&slack.PermalinkParameters{Channel: cGeneral, Ts: "1700000100.000001"})
	require.NoError(t, err)
	require.Equal(t, "https://fixture.slack.com/archives/"+cGeneral+"/p1700000100000001?thread_ts="+ts[2]+"&cid="+cGeneral, link)
	_, err = c.GetPermalink(&slack.PermalinkParameters{Channel: cGeneral, Ts: "1.000000"})
	requireSlackErr(t, err, "message_not_found")
	_, err = c.GetPermalink(&slack.PermalinkParameters{Channel: cHidden, Ts: ts[0]})
	requireSlackErr(t, err, "channel_not_found")
}

func TestReactions(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(2)
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)
	item := slack.NewRefToMessage(cGeneral, ts[0])

	require.NoError(t, c.AddReaction("thumbsup", item))
	require.NoError(t, c.AddReaction(":tada:", item))
	require.NoError(t, c.AddReaction("thumbsup", slack.NewRefToMessage(cGeneral, ts[1])))
	requireSlackErr(t, c.AddReaction("thumbsup", item), "already_reacted")
	require.NoError(t, client(srv, tokBot).AddReaction("thumbsup", item))

	got, err := c.GetReactions(item, slack.NewGetReactionsParameters())
	require.NoError(t, err)
	require.Equal(t, []slack.ItemReaction{
		{Name: "thumbsup", Count: 2, Users: []string{uAlice, uBot}},
		{Name: "tada", Count: 1, Users: []string{uAlice}},
	}, got.Reactions)

	require.NoError(t, c.RemoveReaction("tada", item))
	requireSlackErr(t, c.RemoveReaction("tada", item), "no_reaction")
	requireSlackErr(t, c.RemoveReaction("heart", item), "no_reaction")
	require.Len(t, w.Messages(cGeneral)[0].Reactions, 1)

	tests := []struct {
		name  string
		emoji string
		item  slack.ItemRef
		want  string
	}{
		{"garbage name", "not an emoji!", item, "invalid_name"},
		{"empty name", "", item, "invalid_name"},
		{"skin tone ok", "wave::skin-tone-3", item, ""},
		{"unknown message", "heart", slack.NewRefToMessage(cGeneral, "1.000000"), "message_not_found"},
		{"invisible channel", "heart", slack.NewRefToMessage(cHidden, ts[0]), "channel_not_found"},
		{"no item", "heart", slack.ItemRef{}, "no_item_specified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := c.AddReaction(tc.emoji, tc.item)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			requireSlackErr(t, err, tc.want)
		})
	}
	requireSlackErr(t, client(srv, tokReader).AddReaction("heart", item), "missing_scope")
}

func TestPostMessageMarkdownText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params url.Values
		want   string
	}{
		{"markdown alone", url.Values{"channel": {SandboxGeneral}, "markdown_text": {"**bold**"}}, ""},
		{"markdown with text", url.Values{"channel": {SandboxGeneral}, "markdown_text": {"**bold**"}, "text": {"x"}}, "markdown_text_conflict"},
		{"markdown too long", url.Values{"channel": {SandboxGeneral}, "markdown_text": {strings.Repeat("a", 12001)}}, "msg_too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, Sandbox(), Options{})
			_, body := rawCall(t, srv, "chat.postMessage", http.Header{"Authorization": {"Bearer " + SandboxUserToken}}, tc.params)
			if tc.want == "" {
				require.Equal(t, true, body["ok"], body)
				return
			}
			require.Equal(t, tc.want, body["error"])
		})
	}
}
