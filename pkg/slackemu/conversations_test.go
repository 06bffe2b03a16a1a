package slackemu

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func channelIDs(chs []slack.Channel) []string {
	ids := make([]string, len(chs))
	for i, c := range chs {
		ids[i] = c.ID
	}
	slices.Sort(ids)
	return ids
}

func TestUsersList(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})

	// Paginate two at a time with slack-go's paginator.
	p := client(srv, tokAlice).GetUsersPaginated(slack.GetUsersOptionLimit(2))
	var all []slack.User
	pages := 0
	for {
		var err error
		p, err = p.Next(t.Context())
		if p.Done(err) {
			break
		}
		require.NoError(t, err)
		pages++
		all = append(all, p.Users...)
	}
	require.Equal(t, 2, pages)
	require.Len(t, all, 4)
	require.Equal(t, "alice@example.com", all[0].Profile.Email)
	require.True(t, all[2].Deleted)
	require.True(t, all[3].IsBot)
	require.Equal(t, bBot, all[3].Profile.BotID)
	require.Equal(t, 2, srv.Calls("users.list"))

	// Without users:read.email there is no email.
	w := fixture()
	w.AddToken("xoxp-noemail", Token{UserID: uAlice, Scopes: []string{"users:read"}})
	srv2 := start(t, w, Options{})
	users, err := client(srv2, "xoxp-noemail").GetUsers()
	require.NoError(t, err)
	require.Len(t, users, 4)
	require.Empty(t, users[0].Profile.Email)
	require.Equal(t, "Ali", users[0].Profile.DisplayName)

	// Bad cursors.
	for _, cur := range []string{"garbage!", encodeCursor("user", "U0NOBODY"), encodeCursor("team", uBob)} {
		_, body := rawCall(t, srv, "users.list", http.Header{"Authorization": {"Bearer " + tokAlice}}, url.Values{"cursor": {cur}, "limit": {"1"}})
		require.Equal(t, "invalid_cursor", body["error"], cur)
	}
	_, body := rawCall(t, srv, "users.list", http.Header{"Authorization": {"Bearer " + tokAlice}}, url.Values{"limit": {"1"}})
	md := body["response_metadata"].(map[string]any)
	require.Equal(t, encodeCursor("user", uBob), md["next_cursor"])
}

func TestUsersListLimitRequired(t *testing.T) {
	t.Parallel()
	w := Generate(GenerateOptions{Users: 1500, Channels: 1})
	srv := start(t, w, Options{})
	_, body := rawCall(t, srv, "users.list", http.Header{"Authorization": {"Bearer " + GenUserToken}}, nil)
	require.Equal(t, "limit_required", body["error"])
	_, body = rawCall(t, srv, "users.list", http.Header{"Authorization": {"Bearer " + GenUserToken}}, url.Values{"limit": {"5000"}})
	require.Len(t, body["members"], 1000) // clamped
}

func TestUsersInfoAndLookup(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	c := client(srv, tokAlice)
	u, err := c.GetUserInfo(uBob)
	require.NoError(t, err)
	require.Equal(t, "bob", u.Name)
	require.Equal(t, "Bob Boyd", u.RealName)
	require.Equal(t, "America/Los_Angeles", u.TZ)
	_, err = c.GetUserInfo("U0NOBODY")
	requireSlackErr(t, err, "user_not_found")

	u, err = c.GetUserByEmail("BOB@example.com")
	require.NoError(t, err)
	require.Equal(t, uBob, u.ID)
	_, err = c.GetUserByEmail("nobody@example.com")
	requireSlackErr(t, err, "users_not_found")
	_, err = client(srv, tokReader).GetUserByEmail("bob@example.com")
	requireSlackErr(t, err, "missing_scope")
}

func TestConversationsList(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	all := []string{"public_channel", "private_channel", "im", "mpim"}
	tests := []struct {
		name    string
		token   string
		types   []string
		exclArc bool
		want    []string
		wantErr string
	}{
		{"default is public", tokAlice, nil, false, []string{cGeneral, cLonely, cOld}, ""},
		{"exclude archived", tokAlice, nil, true, []string{cGeneral, cLonely}, ""},
		{"private only mine", tokAlice, []string{"private_channel"}, false, []string{cPrivate}, ""},
		{"all types", tokAlice, all, false, []string{cGeneral, cLonely, cOld, cPrivate, dAliceB, gTrio}, ""},
		{"bob sees hidden", "xoxp-bob", []string{"private_channel", "im"}, false, []string{cHidden, cPrivate, dAliceB, dBobC}, ""},
		{"bad type", tokAlice, []string{"nope"}, false, nil, "invalid_types"},
		{"missing scope", tokReader, nil, false, nil, "missing_scope"},
	}
	srv.ws.AddToken("xoxp-bob", Token{UserID: uBob, Scopes: AllUserScopes()})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chs, next, err := client(srv, tc.token).GetConversations(&slack.GetConversationsParameters{Types: tc.types, ExcludeArchived: tc.exclArc})
			if tc.wantErr != "" {
				requireSlackErr(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Empty(t, next)
			slices.Sort(tc.want)
			require.Equal(t, tc.want, channelIDs(chs))
		})
	}
}

func TestConversationsListShapeAndPagination(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	c := client(srv, tokAlice)
	var got []slack.Channel
	cursor := ""
	for i := 0; ; i++ {
		require.Less(t, i, 10)
		chs, next, err := c.GetConversations(&slack.GetConversationsParameters{
			Types: []string{"public_channel", "private_channel", "im", "mpim"}, Limit: 2, Cursor: cursor})
		require.NoError(t, err)
		require.LessOrEqual(t, len(chs), 2)
		got = append(got, chs...)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Len(t, got, 6)
	byID := map[string]slack.Channel{}
	for _, ch := range got {
		byID[ch.ID] = ch
	}
	gen := byID[cGeneral]
	require.Equal(t, "general", gen.Name)
	require.True(t, gen.IsChannel)
	require.True(t, gen.IsMember)
	require.True(t, gen.IsGeneral)
	require.Equal(t, "hi", gen.Topic.Value)
	require.Equal(t, 3, gen.NumMembers)
	require.False(t, byID[cLonely].IsMember)
	require.True(t, byID[cPrivate].IsPrivate)
	im := byID[dAliceB]
	require.True(t, im.IsIM)
	require.Equal(t, uBob, im.User)
	mp := byID[gTrio]
	require.True(t, mp.IsMpIM)
	require.Equal(t, "mpdm-alice--bob--carol-1", mp.Name)
}

func TestUsersConversations(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	c := client(srv, tokAlice)
	chs, _, err := c.GetConversationsForUser(&slack.GetConversationsForUserParameters{Types: []string{"public_channel", "private_channel"}})
	require.NoError(t, err)
	require.Equal(t, []string{cGeneral, cOld, cPrivate}, channelIDs(chs))

	// Bob's private channels are only listed where alice shares membership.
	chs, _, err = c.GetConversationsForUser(&slack.GetConversationsForUserParameters{UserID: uBob, Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true})
	require.NoError(t, err)
	require.Equal(t, []string{cGeneral, cLonely, cPrivate}, channelIDs(chs))

	_, _, err = c.GetConversationsForUser(&slack.GetConversationsForUserParameters{UserID: "U0NOBODY"})
	requireSlackErr(t, err, "user_not_found")
}

func TestConversationsInfoAndMark(t *testing.T) {
	t.Parallel()
	w := fixture()
	ts1 := w.AddMessage(cGeneral, Message{User: uBob, Text: "one"})
	w.AddMessage(cGeneral, Message{User: uAlice, Text: "two"})
	w.AddMessage(cGeneral, Message{User: uBob, Text: "three"})
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)

	ch, err := c.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: cGeneral, IncludeNumMembers: true})
	require.NoError(t, err)
	require.Equal(t, 3, ch.NumMembers)
	require.Equal(t, "0000000000.000000", ch.LastRead)

	require.NoError(t, c.MarkConversation(cGeneral, ts1))
	ch, err = c.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: cGeneral})
	require.NoError(t, err)
	require.Equal(t, ts1, ch.LastRead)
	require.Zero(t, ch.NumMembers)
	require.Equal(t, ts1, w.LastRead(cGeneral, uAlice))

	im, err := c.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: dAliceB})
	require.NoError(t, err)
	require.True(t, im.IsIM)
	require.Equal(t, uBob, im.User)

	for _, id := range []string{cHidden, dBobC, "C0NOPE"} {
		_, err = c.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: id})
		requireSlackErr(t, err, "channel_not_found")
	}
	requireSlackErr(t, c.MarkConversation(cLonely, ts1), "not_in_channel")
	requireSlackErr(t, c.MarkConversation(cGeneral, "bad"), "invalid_timestamp")
}

func TestConversationsMembers(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	c := client(srv, tokAlice)
	members, next, err := c.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: cGeneral, Limit: 2})
	require.NoError(t, err)
	require.Equal(t, []string{uAlice, uBob}, members)
	members, next, err = c.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: cGeneral, Limit: 2, Cursor: next})
	require.NoError(t, err)
	require.Equal(t, []string{uBot}, members)
	require.Empty(t, next)
	_, _, err = c.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: cHidden})
	requireSlackErr(t, err, "channel_not_found")
}

// historyFixture adds n messages (text "m0".."m<n-1>", one second apart)
// to #general; m2 has a thread with two replies.
func historyFixture(n int) (*Workspace, []string) {
	w := fixture()
	var ts []string
	for i := range n {
		ts = append(ts, w.AddMessage(cGeneral, Message{TS: fmt.Sprintf("%d.000100", 1700000000+i), User: uBob, Text: fmt.Sprintf("m%d", i)}))
	}
	if n > 2 {
		w.AddReply(cGeneral, ts[2], Message{TS: "1700000100.000001", User: uAlice, Text: "r1"})
		w.AddReply(cGeneral, ts[2], Message{TS: "1700000101.000001", User: uBot, BotID: bBot, Text: "r2"})
	}
	return w, ts
}

func texts(msgs []slack.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Text
	}
	return out
}

func TestConversationsHistory(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(6)
	srv := start(t, w, Options{})
	tests := []struct {
		name    string
		p       slack.GetConversationHistoryParameters
		want    []string
		hasMore bool
	}{
		{"all newest first", slack.GetConversationHistoryParameters{}, []string{"m5", "m4", "m3", "m2", "m1", "m0"}, false},
		{"limit", slack.GetConversationHistoryParameters{Limit: 2}, []string{"m5", "m4"}, true},
		{"oldest exclusive", slack.GetConversationHistoryParameters{Oldest: ts[3]}, []string{"m5", "m4"}, false},
		{"oldest inclusive", slack.GetConversationHistoryParameters{Oldest: ts[3], Inclusive: true}, []string{"m5", "m4", "m3"}, false},
		{"latest exclusive", slack.GetConversationHistoryParameters{Latest: ts[2]}, []string{"m1", "m0"}, false},
		{"window", slack.GetConversationHistoryParameters{Oldest: ts[1], Latest: ts[4], Inclusive: true, Limit: 2}, []string{"m4", "m3"}, true},
		{"empty window", slack.GetConversationHistoryParameters{Oldest: ts[5]}, []string{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := tc.p
			p.ChannelID = cGeneral
			res, err := client(srv, tokAlice).GetConversationHistory(&p)
			require.NoError(t, err)
			require.Equal(t, tc.want, texts(res.Messages))
			require.Equal(t, tc.hasMore, res.HasMore)
			require.Equal(t, tc.hasMore, res.ResponseMetaData.NextCursor != "")
		})
	}
}

func TestConversationsHistoryPagesAndShape(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(5)
	w.AddFile(File{ID: "F1", Name: "a.txt", Mimetype: "text/plain", Filetype: "text", User: uBob, Content: []byte("hello"), Channels: []string{cGeneral}})
	w.AddMessage(cGeneral, Message{TS: "1700000200.000000", User: uBot, BotID: bBot, Username: "Robot", Text: "deployed",
		Files: []string{"F1"}, Attachments: []Attachment{{Title: "v1", Text: "notes", Footer: "ci"}},
		Reactions: []Reaction{{Name: "rocket", Users: []string{uAlice, uBob}}}})
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)

	var got []string
	cursor := ""
	for {
		res, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: 2, Cursor: cursor})
		require.NoError(t, err)
		got = append(got, texts(res.Messages)...)
		if !res.HasMore {
			break
		}
		cursor = res.ResponseMetaData.NextCursor
	}
	require.Equal(t, []string{"deployed", "m4", "m3", "m2", "m1", "m0"}, got)

	res, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: 4})
	require.NoError(t, err)
	bot := res.Messages[0]
	require.Equal(t, bBot, bot.BotID)
	require.Equal(t, "Robot", bot.Username)
	require.NotNil(t, bot.BotProfile)
	require.Equal(t, "Robot", bot.BotProfile.Name)
	require.Len(t, bot.Files, 1)
	require.Equal(t, "a.txt", bot.Files[0].Name)
	require.Equal(t, srv.URL+"/files-pri/"+tTeam+"-F1/a.txt", bot.Files[0].URLPrivate)
	require.Equal(t, 5, bot.Files[0].Size)
	require.Len(t, bot.Attachments, 1)
	require.Equal(t, "v1", bot.Attachments[0].Title)
	require.Equal(t, "ci", bot.Attachments[0].Footer)
	require.Equal(t, []slack.ItemReaction{{Name: "rocket", Count: 2, Users: []string{uAlice, uBob}}}, bot.Reactions)

	parent := res.Messages[3]
	require.Equal(t, "m2", parent.Text)
	require.Equal(t, ts[2], parent.ThreadTimestamp)
	require.Equal(t, 2, parent.ReplyCount)
	require.Equal(t, []string{uAlice, uBot}, parent.ReplyUsers)
	require.Equal(t, "1700000101.000001", parent.LatestReply)

	// Cursor errors, limit clamping and time-stamp errors.
	hdr := http.Header{"Authorization": {"Bearer " + tokAlice}}
	_, body := rawCall(t, srv, "conversations.history", hdr, url.Values{"channel": {cGeneral}, "cursor": {encodeCursor("user", "x")}})
	require.Equal(t, "invalid_cursor", body["error"])
	_, body = rawCall(t, srv, "conversations.history", hdr, url.Values{"channel": {cGeneral}, "limit": {"5000"}})
	require.Equal(t, true, body["ok"])
	_, body = rawCall(t, srv, "conversations.history", hdr, url.Values{"channel": {cGeneral}, "limit": {"-3"}})
	require.Equal(t, "invalid_limit", body["error"])
	_, body = rawCall(t, srv, "conversations.history", hdr, url.Values{"channel": {cGeneral}, "oldest": {"yesterday"}})
	require.Equal(t, "invalid_ts_oldest", body["error"])
	_, body = rawCall(t, srv, "conversations.history", hdr, url.Values{"channel": {cGeneral}, "limit": {"1"}})
	md := body["response_metadata"].(map[string]any)
	require.Equal(t, encodeCursor("next_ts", "1700000004000100"), md["next_cursor"])
}

func TestConversationsHistoryVisibility(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	tests := []struct {
		name, token, channel, want string
	}{
		{"public non-member user token", tokAlice, cLonely, ""},
		{"private member", tokAlice, cPrivate, ""},
		{"private non-member", tokAlice, cHidden, "channel_not_found"},
		{"others' IM", tokAlice, dBobC, "channel_not_found"},
		{"unknown", tokAlice, "C0NOPE", "channel_not_found"},
		{"archived readable", tokAlice, cOld, ""},
		{"bot in channel", tokBot, cGeneral, ""},
		{"bot not in public channel", tokBot, cLonely, "not_in_channel"},
		{"session token", "", cGeneral, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hdr http.Header
			if tc.token == "" {
				hdr = http.Header{"Authorization": {"Bearer " + tokSession}, "Cookie": {"d=" + cookieD}}
			} else {
				hdr = http.Header{"Authorization": {"Bearer " + tc.token}}
			}
			_, body := rawCall(t, srv, "conversations.history", hdr, url.Values{"channel": {tc.channel}})
			if tc.want == "" {
				require.Equal(t, true, body["ok"], body)
				return
			}
			require.Equal(t, tc.want, body["error"])
		})
	}
}

func TestConversationsReplies(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(4)
	w.AddReply(cGeneral, ts[2], Message{TS: "1700000102.000001", User: uBob, Text: "r3"})
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)

	msgs, hasMore, next, err := c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: ts[2]})
	require.NoError(t, err)
	require.False(t, hasMore)
	require.Empty(t, next)
	require.Equal(t, []string{"m2", "r1", "r2", "r3"}, texts(msgs))
	require.Equal(t, ts[2], msgs[1].ThreadTimestamp)
	require.Equal(t, uBob, msgs[1].ParentUserId)

	// A reply's ts finds the whole thread.
	msgs, _, _, err = c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: "1700000101.000001"})
	require.NoError(t, err)
	require.Equal(t, []string{"m2", "r1", "r2", "r3"}, texts(msgs))

	// Pages each start with the parent.
	msgs, hasMore, next, err = c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: ts[2], Limit: 2})
	require.NoError(t, err)
	require.True(t, hasMore)
	require.Equal(t, []string{"m2", "r1", "r2"}, texts(msgs))
	msgs, hasMore, _, err = c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: ts[2], Limit: 2, Cursor: next})
	require.NoError(t, err)
	require.False(t, hasMore)
	require.Equal(t, []string{"m2", "r3"}, texts(msgs))

	// A message without replies is its own thread.
	msgs, _, _, err = c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: ts[0]})
	require.NoError(t, err)
	require.Equal(t, []string{"m0"}, texts(msgs))

	_, _, _, err = c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: "1600000000.000000"})
	requireSlackErr(t, err, "thread_not_found")
	_, _, _, err = c.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cHidden, Timestamp: ts[0]})
	requireSlackErr(t, err, "channel_not_found")
}

func TestConversationsOpen(t *testing.T) {
	t.Parallel()
	w := fixture()
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)

	ch, noOp, already, err := c.OpenConversation(&slack.OpenConversationParameters{Users: []string{uBob}})
	require.NoError(t, err)
	require.Equal(t, dAliceB, ch.ID)
	require.True(t, noOp)
	require.True(t, already)

	w.AddUser(User{ID: "U0DAN", Name: "dan"})
	ch, noOp, _, err = c.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0DAN"}})
	require.NoError(t, err)
	require.False(t, noOp)
	require.Equal(t, byte('D'), ch.ID[0])
	again, noOp, _, err := c.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0DAN"}, ReturnIM: true})
	require.NoError(t, err)
	require.True(t, noOp)
	require.Equal(t, ch.ID, again.ID)
	require.Equal(t, "U0DAN", again.User)

	ch, noOp, _, err = c.OpenConversation(&slack.OpenConversationParameters{Users: []string{uBob, uCarol}})
	require.NoError(t, err)
	require.True(t, noOp)
	require.Equal(t, gTrio, ch.ID)

	mp, _, _, err := c.OpenConversation(&slack.OpenConversationParameters{Users: []string{uBob, "U0DAN"}, ReturnIM: true})
	require.NoError(t, err)
	require.True(t, mp.IsMpIM)
	got, ok := w.Channel(mp.ID)
	require.True(t, ok)
	require.Equal(t, []string{uAlice, uBob, "U0DAN"}, got.Members)

	_, _, _, err = c.OpenConversation(&slack.OpenConversationParameters{Users: []string{"U0NOBODY"}})
	requireSlackErr(t, err, "user_not_found")
	_, _, _, err = c.OpenConversation(&slack.OpenConversationParameters{})
	requireSlackErr(t, err, "users_list_not_supplied")
}
