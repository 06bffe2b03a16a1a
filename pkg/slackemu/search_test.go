package slackemu

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func utcTS(day string, hour int) string {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		panic(err)
	}
	return formatTS(d.Add(time.Duration(hour) * time.Hour).UnixMicro())
}

func searchFixture() *Workspace {
	w := fixture()
	parent := w.AddMessage(cGeneral, Message{TS: utcTS("2024-03-10", 12), User: uBob, Text: "Deploy the API today"})
	w.AddReply(cGeneral, parent, Message{TS: utcTS("2024-03-10", 13), User: uAlice, Text: "api looks good"})
	w.AddMessage(cGeneral, Message{TS: utcTS("2024-03-11", 9), User: uAlice, Text: "deploy finished, see <https://ci.example.com|CI>"})
	w.AddMessage(cGeneral, Message{TS: utcTS("2024-05-01", 9), User: uAlice, Text: "Quarterly roadmap review with <@" + uBob + ">"})
	w.AddMessage(cPrivate, Message{TS: utcTS("2024-04-02", 9), User: uBob, Text: "secret deploy plan"})
	w.AddMessage(cHidden, Message{TS: utcTS("2024-03-10", 10), User: uBob, Text: "hidden deploy"})
	w.AddMessage(dAliceB, Message{TS: utcTS("2024-03-12", 9), User: uBob, Text: "lunch tomorrow?"})
	w.AddMessage(dBobC, Message{TS: utcTS("2024-03-12", 10), User: uBob, Text: "deploy gossip"})
	w.AddMessage(gTrio, Message{TS: utcTS("2025-01-05", 9), User: uCarol, Text: "trio deploy chat"})
	return w
}

func matchTexts(ms []slack.SearchMessage) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	slices.Sort(out)
	return out
}

func TestSearchMessagesQueries(t *testing.T) {
	t.Parallel()
	srv := start(t, searchFixture(), Options{})
	var (
		mA       = "Deploy the API today"
		reply    = "api looks good"
		finished = "deploy finished, see <https://ci.example.com|CI>"
		roadmap  = "Quarterly roadmap review with <@" + uBob + ">"
		secret   = "secret deploy plan"
		lunch    = "lunch tomorrow?"
		trio     = "trio deploy chat"
	)
	tests := []struct {
		query string
		want  []string
	}{
		{"deploy", []string{mA, finished, secret, trio}},
		{"DEPLOY api", []string{mA}},
		{`"deploy the api"`, []string{mA}},
		{`"the deploy"`, nil},
		{"deploy in:#general", []string{mA, finished}},
		{"deploy in:general", []string{mA, finished}},
		{"in:<#" + cPrivate + "|private>", []string{secret}},
		{"in:" + cPrivate, []string{secret}},
		{"in:#general in:#private deploy", []string{mA, finished, secret}},
		{"in:@bob", []string{lunch}},
		{"in:<@" + uBob + ">", []string{lunch}},
		{"in:#hidden", nil},
		{"in:#nonexistent deploy", nil},
		{"from:@alice", []string{reply, finished, roadmap}},
		{"from:me", []string{reply, finished, roadmap}},
		{"from:<@" + uBob + "> deploy", []string{mA, secret}},
		{"from:" + uBob + " deploy", []string{mA, secret}},
		{"from:@nobody", nil},
		{"with:@bob", []string{mA, reply, lunch, trio}},
		{"before:2024-03-11", []string{mA, reply}},
		{"after:2024-03-11", []string{roadmap, secret, lunch, trio}},
		{"on:2024-03-10", []string{mA, reply}},
		{"during:2024-03", []string{mA, reply, finished, lunch}},
		{"during:2025", []string{trio}},
		{"during:2024-03-11", []string{finished}},
		{"is:thread", []string{mA, reply}},
		{"has:link", []string{finished}},
		{"deploy -secret", []string{mA, finished, trio}},
		{"bob", []string{roadmap}},
		{"dep*", []string{mA, finished, secret, trio}},
		{"nothingmatches", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			p := slack.NewSearchParameters()
			p.Count = 100
			res, err := client(srv, tokAlice).SearchMessages(tc.query, p)
			require.NoError(t, err)
			want := append([]string{}, tc.want...)
			slices.Sort(want)
			require.Equal(t, want, append([]string{}, matchTexts(res.Matches)...))
			require.Equal(t, len(tc.want), res.Total)
		})
	}
}

func TestSearchMessagesShapeAndPaging(t *testing.T) {
	t.Parallel()
	srv := start(t, searchFixture(), Options{WorkspaceURL: "https://fixture.slack.com/"})
	c := client(srv, tokAlice)

	p := slack.NewSearchParameters()
	p.Sort, p.SortDirection, p.Count = "timestamp", "asc", 3
	res, err := c.SearchMessages("deploy", p)
	require.NoError(t, err)
	require.Equal(t, 4, res.Total)
	require.Equal(t, slack.Paging{Count: 3, Total: 4, Page: 1, Pages: 2}, res.Paging)
	require.Equal(t, slack.Pagination{TotalCount: 4, Page: 1, PerPage: 3, PageCount: 2, First: 1, Last: 3}, res.Pagination)
	require.Equal(t, "Deploy the API today", res.Matches[0].Text)
	require.Equal(t, "secret deploy plan", res.Matches[2].Text)
	first := res.Matches[0]
	require.Equal(t, "message", first.Type)
	require.Equal(t, uBob, first.User)
	require.Equal(t, "bob", first.Username)
	require.Equal(t, cGeneral, first.Channel.ID)
	require.Equal(t, "general", first.Channel.Name)
	require.False(t, first.Channel.IsPrivate)
	require.Equal(t, "https://fixture.slack.com/archives/"+cGeneral+"/p"+"1710072000000000", first.Permalink)
	require.True(t, res.Matches[2].Channel.IsPrivate)

	p.Page = 2
	res, err = c.SearchMessages("deploy", p)
	require.NoError(t, err)
	require.Len(t, res.Matches, 1)
	require.Equal(t, "trio deploy chat", res.Matches[0].Text)
	require.True(t, res.Matches[0].Channel.IsMPIM)
	require.Equal(t, 4, res.Pagination.First)
	require.Equal(t, 4, res.Pagination.Last)

	// Replies link to their thread.
	res, err = c.SearchMessages("looks good", slack.NewSearchParameters())
	require.NoError(t, err)
	require.Len(t, res.Matches, 1)
	require.Contains(t, res.Matches[0].Permalink, "?thread_ts=1710072000.000000&cid="+cGeneral)

	// IM matches are named after the other party.
	res, err = c.SearchMessages("lunch", slack.NewSearchParameters())
	require.NoError(t, err)
	require.Equal(t, uBob, res.Matches[0].Channel.Name)

	// Default sort is by score, newest first among equals; desc by default.
	p = slack.NewSearchParameters()
	p.Sort = "timestamp"
	res, err = c.SearchMessages("deploy", p)
	require.NoError(t, err)
	require.Equal(t, "trio deploy chat", res.Matches[0].Text)

	_, err = client(srv, tokBot).SearchMessages("deploy", slack.NewSearchParameters())
	requireSlackErr(t, err, "not_allowed_token_type")

	_, body := rawCall(t, srv, "search.messages", http.Header{"Authorization": {"Bearer " + tokAlice}}, url.Values{"query": {""}})
	require.Equal(t, "no_query", body["error"])
	_, body = rawCall(t, srv, "search.messages", http.Header{"Authorization": {"Bearer " + tokAlice}}, url.Values{"query": {"deploy"}, "count": {"500"}})
	require.Equal(t, true, body["ok"])
	require.EqualValues(t, 100, body["messages"].(map[string]any)["pagination"].(map[string]any)["per_page"])
}

func TestParseSearchDate(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 6, 15, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in         string
		during     bool
		start, end string
		ok         bool
	}{
		{"2024-03-10", false, "2024-03-10", "2024-03-11", true},
		{"today", false, "2024-06-15", "2024-06-16", true},
		{"yesterday", false, "2024-06-14", "2024-06-15", true},
		{"2024-03", false, "", "", false},
		{"2024-03", true, "2024-03-01", "2024-04-01", true},
		{"2023", true, "2023-01-01", "2024-01-01", true},
		{"march", true, "2024-03-01", "2024-04-01", true},
		{"December", true, "2023-12-01", "2024-01-01", true},
		{"soon", true, "", "", false},
	}
	for _, tc := range tests {
		s, e, ok := parseSearchDate(tc.in, tc.during, now)
		require.Equal(t, tc.ok, ok, tc.in)
		if ok {
			require.Equal(t, tc.start, s.Format("2006-01-02"), tc.in)
			require.Equal(t, tc.end, e.Format("2006-01-02"), tc.in)
		}
	}
}
