package slackemu

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func TestGenerateScale(t *testing.T) {
	t.Parallel()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	begin := time.Now()
	w := Generate(GenerateOptions{Users: 50_000, Channels: 5_000, Seed: 1})
	elapsed := time.Since(begin)
	runtime.ReadMemStats(&after)
	t.Logf("generated 50k users + 5k channels in %s, %d MiB allocated", elapsed, (after.TotalAlloc-before.TotalAlloc)>>20)
	budget := 2 * time.Second
	if raceEnabled {
		budget *= 5 // the race detector slows allocation-heavy code down
	}
	require.Less(t, elapsed, budget)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(200<<20))
	require.Len(t, w.users, 50_001)
	require.Len(t, w.channels, 5_000)

	srv := start(t, w, Options{})
	c := client(srv, GenUserToken)
	p := c.GetUsersPaginated(slack.GetUsersOptionLimit(1000))
	for page := range 3 {
		var err error
		p, err = p.Next(t.Context())
		require.NoError(t, err)
		require.Len(t, p.Users, 1000)
		require.Equal(t, genID("U", page*1000), p.Users[0].ID)
	}
	// Jump to the last page with a cursor, as a resumed walk would.
	_, body := rawCall(t, srv, "users.list", http.Header{"Authorization": {"Bearer " + GenUserToken}},
		url.Values{"limit": {"1000"}, "cursor": {encodeCursor("user", genID("U", 49_500))}})
	require.Len(t, body["members"], 501)
	require.Empty(t, body["response_metadata"].(map[string]any)["next_cursor"])

	members, _, err := c.GetUsersInConversation(&slack.GetUsersInConversationParameters{ChannelID: genID("C", 0), Limit: 1000})
	require.NoError(t, err)
	require.Len(t, members, 1000)
	require.True(t, slices.IsSorted(members))
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	o := GenerateOptions{Team: Team{ID: "T0G", Name: "G", Domain: "g"}, Users: 200, Channels: 40, MessagesPerChannel: 30, Seed: 7}
	a, b := Generate(o), Generate(o)
	require.Equal(t, a.users, b.users)
	for i := range a.channels {
		require.Equal(t, a.channels[i].Channel, b.channels[i].Channel)
		require.Equal(t, a.Messages(a.channels[i].ID), b.Messages(b.channels[i].ID))
	}
	c := Generate(GenerateOptions{Users: 200, Channels: 40, MessagesPerChannel: 30, Seed: 8})
	require.NotEqual(t, a.users[5].Name, c.users[5].Name)

	srv := start(t, a, Options{})
	res, err := client(srv, GenUserToken).GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: genID("C", 0), Limit: 10})
	require.NoError(t, err)
	require.Len(t, res.Messages, 10)
	require.True(t, res.HasMore)
	_, err = client(srv, GenBotToken).AuthTest()
	require.NoError(t, err)
	sr, err := client(srv, GenUserToken).SearchMessages("deploy", slack.NewSearchParameters())
	require.NoError(t, err)
	require.Positive(t, sr.Total)
}

func TestSandbox(t *testing.T) {
	t.Parallel()
	w := Sandbox()
	srv := start(t, w, Options{})
	c := client(srv, SandboxUserToken)

	res, err := c.AuthTest()
	require.NoError(t, err)
	require.Equal(t, "Sandbox Co", res.Team)
	require.Equal(t, SandboxTeamID, res.TeamID)
	require.Equal(t, SandboxYou, res.UserID)
	bot, err := client(srv, SandboxBotToken).AuthTest()
	require.NoError(t, err)
	require.Equal(t, SandboxBotID, bot.BotID)

	total := 0
	oldest := time.Now().UnixMicro()
	for _, ch := range w.channels {
		for _, m := range w.Messages(ch.ID) {
			total++
			ts, _ := parseTS(m.TS)
			oldest = min(oldest, ts)
		}
	}
	require.GreaterOrEqual(t, total, 100)
	require.Greater(t, oldest, time.Now().AddDate(0, 0, -31).UnixMicro())

	users, err := c.GetUsers()
	require.NoError(t, err)
	var deleted, bots int
	for _, u := range users {
		if u.Deleted {
			deleted++
		}
		if u.IsBot {
			bots++
		}
	}
	require.Equal(t, 1, deleted)
	require.Equal(t, 1, bots)
	require.GreaterOrEqual(t, len(users), 10)

	chs, _, err := c.GetConversations(&slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel", "im", "mpim"}, Limit: 100})
	require.NoError(t, err)
	ids := channelIDs(chs)
	require.Contains(t, ids, SandboxLeadership)
	require.NotContains(t, ids, SandboxSecret)
	require.NotContains(t, ids, SandboxOthersDM)
	require.Contains(t, ids, SandboxArchived)
	require.Contains(t, ids, SandboxGroupDM)

	sr, err := c.SearchMessages("sandbox in:#general", slack.NewSearchParameters())
	require.NoError(t, err)
	require.Positive(t, sr.Total)
	sr, err = c.SearchMessages("nightingale", slack.NewSearchParameters())
	require.NoError(t, err)
	require.Zero(t, sr.Total, "secret-project must stay invisible")

	info, err := c.GetConversationInfo(&slack.GetConversationInfoInput{ChannelID: SandboxGeneral})
	require.NoError(t, err)
	require.Zero(t, info.UnreadCount, "channels carry last_read only")
	require.Greater(t, info.LastRead, "0000000000.000000", "you have read #general up to a week ago")

	f, _, _, err := c.GetFileInfo(SandboxLogoFile, 0, 0)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, c.GetFile(f.URLPrivateDownload, &buf))
	_, err = png.Decode(&buf)
	require.NoError(t, err)

	groups, err := c.GetUserGroups(slack.GetUserGroupsOptionIncludeUsers(true))
	require.NoError(t, err)
	require.Len(t, groups, 2)

	_, _, err = client(srv, SandboxBotToken).PostMessage(SandboxRandom, slack.MsgOptionText("hello from the bot", false))
	require.NoError(t, err, "chat:write.public lets the bot post in public channels")
	_, err = client(srv, SandboxBotToken).SearchMessages("x", slack.NewSearchParameters())
	requireSlackErr(t, err, "not_allowed_token_type")
}
