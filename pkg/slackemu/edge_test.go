package slackemu

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func TestEscapeText(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"},
		{"already &amp; &lt;escaped&gt;", "already &amp; &lt;escaped&gt;"},
		{"hi <@U123> in <#C1|general> <!here> <!subteam^S1|@eng>", "hi <@U123> in <#C1|general> <!here> <!subteam^S1|@eng>"},
		{"see <https://x.com/a?b=1&c=2|docs> & more", "see <https://x.com/a?b=1&c=2|docs> &amp; more"},
		{"Vec<T> and <>", "Vec&lt;T&gt; and &lt;&gt;"},
		{"<not a link>", "&lt;not a link&gt;"},
		{"x <<@U1>", "x &lt;<@U1>"},
		{"&#39; &quot;", "&amp;#39; &amp;quot;"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, escapeText(c.in), c.in)
	}
}

func FuzzEscapeText(f *testing.F) {
	for _, s := range []string{"a < b && c > d", "<@U1|x> &amp;", "<https://x|y>", "<<>>&&", "&lt;&gt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := escapeText(s)
		require.Equal(t, once, escapeText(once), "escaping stored text again changes nothing")
		if !strings.ContainsAny(s, "<>") {
			require.NotContains(t, once, "<")
		}
	})
}

// Slack answers posted text escaped; the sandbox and builders hold text in
// that stored form already.
func TestPostMessageEscapes(t *testing.T) {
	t.Parallel()
	w := fixture()
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)
	_, ts, err := c.PostMessage(cGeneral, slack.MsgOptionText("a < b && c > d, ask <@"+uBob+">", false))
	require.NoError(t, err)
	res, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, ts, res.Messages[0].Timestamp)
	require.Equal(t, "a &lt; b &amp;&amp; c &gt; d, ask <@"+uBob+">", res.Messages[0].Text)
	sr, err := c.SearchMessages("ask", slack.NewSearchParameters())
	require.NoError(t, err)
	require.Equal(t, 1, sr.Total)
	require.Equal(t, res.Messages[0].Text, sr.Matches[0].Text)
}

// Dates in search modifiers are days in the searching user's time zone.
func TestSearchDatesInUserZone(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddUser(User{ID: "U0KIWI001", Name: "kiwi", RealName: "Kiri Wi", TZ: "Pacific/Auckland"})
	w.AddUser(User{ID: "U0ANGEL01", Name: "angel", RealName: "Angel Es", TZ: "America/Los_Angeles"})
	w.AddChannel(Channel{ID: "C0NIGHT01", Name: "night", Members: []string{"U0KIWI001", "U0ANGEL01"}})
	w.AddToken("xoxp-kiwi", Token{UserID: "U0KIWI001", Kind: UserToken, Scopes: AllUserScopes()})
	w.AddToken("xoxp-angel", Token{UserID: "U0ANGEL01", Kind: UserToken, Scopes: AllUserScopes()})
	at := func(s string) string {
		d, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return formatTS(d.UnixMicro())
	}
	// 2025-11-22 in Auckland (UTC+13) is 2025-11-21T11:00Z .. 2025-11-22T11:00Z;
	// in Los Angeles (UTC-8) 2025-11-22T08:00Z .. 2025-11-23T08:00Z.
	w.AddMessage("C0NIGHT01", Message{TS: at("2025-11-21T10:30:00Z"), User: "U0KIWI001", Text: "midnight one"})   // NZ 21st 23:30, LA 21st
	w.AddMessage("C0NIGHT01", Message{TS: at("2025-11-21T11:30:00Z"), User: "U0KIWI001", Text: "midnight two"})   // NZ 22nd 00:30, LA 21st
	w.AddMessage("C0NIGHT01", Message{TS: at("2025-11-22T07:30:00Z"), User: "U0ANGEL01", Text: "midnight three"}) // NZ 22nd, LA 21st 23:30
	w.AddMessage("C0NIGHT01", Message{TS: at("2025-11-22T08:30:00Z"), User: "U0ANGEL01", Text: "midnight four"})  // NZ 22nd, LA 22nd 00:30
	srv := start(t, w, Options{})
	cases := []struct {
		token, query string
		want         []string
	}{
		{"xoxp-kiwi", "midnight on:2025-11-22", []string{"midnight four", "midnight three", "midnight two"}},
		{"xoxp-kiwi", "midnight before:2025-11-22", []string{"midnight one"}},
		{"xoxp-angel", "midnight on:2025-11-22", []string{"midnight four"}},
		{"xoxp-angel", "midnight after:2025-11-20 before:2025-11-22", []string{"midnight three", "midnight two", "midnight one"}},
		{"xoxp-angel", "midnight during:2025-11", []string{"midnight four", "midnight three", "midnight two", "midnight one"}},
	}
	for _, c := range cases {
		sr, err := client(srv, c.token).SearchMessages(c.query, slack.NewSearchParameters())
		require.NoError(t, err)
		require.ElementsMatch(t, c.want, matchTexts(sr.Matches), c.token+" "+c.query)
	}
}

func TestSandboxEdges(t *testing.T) {
	t.Parallel()
	w := Sandbox()
	srv := start(t, w, Options{})
	c := client(srv, SandboxUserToken)

	res, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: SandboxGeneral,
		Oldest: formatTS(time.Now().Add(-24 * time.Hour).UnixMicro())})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(res.Messages), 3, "the newest #general messages are hours old")
	var join, edited, here bool
	for _, m := range res.Messages {
		join = join || m.SubType == "channel_join" && m.User == SandboxWren
		edited = edited || m.Edited != nil && m.Edited.User == SandboxMaya && strings.Contains(m.Text, "<!subteam^"+SandboxEngineers+"|@engineers>")
		here = here || strings.HasPrefix(m.Text, "<!here>") && strings.Contains(m.Text, "&amp;")
	}
	require.True(t, join && edited && here, "join notice, edited message, <!here> with escaped text")

	eng, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: SandboxEngineering, Limit: 1})
	require.NoError(t, err)
	require.Empty(t, eng.Messages[0].Text, "blocks-only")
	require.Len(t, eng.Messages[0].Blocks.BlockSet, 3)

	kim, err := c.GetUserInfo(SandboxPartnerKim)
	require.NoError(t, err)
	require.Equal(t, SandboxPartnerTeam, kim.TeamID)
	users, err := c.GetUsers()
	require.NoError(t, err)
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	require.NotContains(t, ids, SandboxPartnerKim, "users.list holds the workspace's own users")
	require.Contains(t, ids, SandboxSlackbot)
	require.Contains(t, ids, SandboxWren)

	info, err := c.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: SandboxConnect})
	require.NoError(t, err)
	require.True(t, info.IsExtShared)
	shared, err := c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: SandboxConnect, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, SandboxPartnerTeam, shared.Messages[0].Team)
	require.Contains(t, shared.Messages[0].Text, ":skin-tone-4:")
}
