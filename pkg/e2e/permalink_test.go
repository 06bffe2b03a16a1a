package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// routeTo sends every request, whatever its host, to the emulator: a
// workspace URL on a real Slack host (GovSlack here) still reaches it.
type routeTo struct{ target *url.URL }

func (r routeTo) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.target.Scheme, r.target.Host, ""
	return http.DefaultTransport.RoundTrip(req)
}

func routeAllTo(emuURL string) *http.Client {
	u, _ := url.Parse(emuURL)
	return &http.Client{Transport: routeTo{target: u}}
}

func messagesOf(t *testing.T, res *mcp.CallToolResult) []tools.Message {
	t.Helper()
	require.False(t, res.IsError, text(res))
	var page tools.Page[tools.Message]
	raw, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &page))
	return page.Items
}

// History and replies fill Permalink from the workspace URL auth.test
// gave, in the format of chat.getPermalink, without calling it once per
// message (issue 8).
func TestPermalinksBuiltLocally(t *testing.T) {
	t.Parallel()
	top := func(base, ts string) string {
		return base + "archives/" + generalID + "/p" + strings.Replace(ts, ".", "", 1)
	}
	reply := func(base, ts, parent string) string {
		return top(base, ts) + "?thread_ts=" + parent + "&cid=" + generalID
	}
	for _, tc := range []struct {
		name string
		opts envOptions
		base func(e *env) string
	}{
		{"emulator host", envOptions{}, func(e *env) string { return e.emu.URL + "/" }},
		{"GovSlack", envOptions{emu: slackemu.Options{WorkspaceURL: "https://testco.slack-gov.com/"}, httpClient: routeAllTo},
			func(*env) string { return "https://testco.slack-gov.com/" }},
		{"GovSlack Enterprise Grid", envOptions{emu: slackemu.Options{WorkspaceURL: "https://acme.enterprise.slack-gov.com"}, httpClient: routeAllTo},
			func(*env) string { return "https://acme.enterprise.slack-gov.com/" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.opts)
			e.waitWarm(t)
			base := tc.base(e)
			e.emu.ResetCalls()

			hist := e.call(t, "conversations_history", map[string]any{"channel_id": generalID, "limit": "50"})
			links := map[string]string{}
			for _, m := range messagesOf(t, hist) {
				links[m.MsgID] = m.Permalink
			}
			require.Equal(t, top(base, ts(0)), links[ts(0)])
			require.Equal(t, top(base, ts(60)), links[ts(60)], "a thread parent links without thread_ts")
			require.Contains(t, text(hist), ","+top(base, ts(180))+",", "the CSV carries the Permalink column")

			rep := e.call(t, "conversations_replies", map[string]any{"channel_id": generalID, "thread_ts": ts(60)})
			got := messagesOf(t, rep)
			require.Len(t, got, 2)
			require.Equal(t, top(base, ts(60)), got[0].Permalink)
			require.Equal(t, reply(base, ts(120), ts(60)), got[1].Permalink)
			require.Contains(t, text(rep), reply(base, ts(120), ts(60)))

			require.Zero(t, e.emu.Calls("chat.getPermalink"), "no chat.getPermalink call per message")
			require.Equal(t, 2, e.emu.Calls("conversations.history")+e.emu.Calls("conversations.replies"))

			// The links are what Slack itself answers for these messages.
			api := slack.New(userToken, slack.OptionAPIURL(e.emu.URL+"/api/"))
			for _, m := range append(messagesOf(t, hist), got...) {
				want, err := api.GetPermalinkContext(context.Background(), &slack.PermalinkParameters{Channel: generalID, Ts: m.MsgID})
				require.NoError(t, err)
				require.Equal(t, want, m.Permalink, m.MsgID)
			}
		})
	}
}

// Search keeps the permalink Slack gave each match, even where it
// differs from one built from auth.test's URL.
func TestSearchKeepsSlacksPermalink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{
		emu:        slackemu.Options{WorkspaceURL: "https://testco.slack.com/"},
		httpClient: routeAllTo,
		beforeStart: func(e *env) {
			e.ws.SetTokenURL(userToken, "https://testco.enterprise.slack.com/")
		},
	})
	e.waitWarm(t)
	res := e.call(t, "conversations_search_messages", map[string]any{"search_query": "LGTM"})
	got := messagesOf(t, res)
	require.Len(t, got, 1)
	require.Equal(t, "https://testco.slack.com/archives/"+generalID+"/p"+strings.Replace(ts(120), ".", "", 1)+
		"?thread_ts="+ts(60)+"&cid="+generalID, got[0].Permalink)
	require.Zero(t, e.emu.Calls("chat.getPermalink"))
}
