package e2e

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// rows parses a tool's CSV text into maps keyed by column, skipping note
// and cursor lines.
func rows(t *testing.T, body string) []map[string]string {
	t.Helper()
	var lines []string
	for _, l := range strings.SplitAfter(body, "\n") {
		if !strings.HasPrefix(l, "note: ") && !strings.HasPrefix(l, "next_cursor: ") {
			lines = append(lines, l)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines, ""))).ReadAll()
	require.NoError(t, err, body)
	require.NotEmpty(t, recs)
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, col := range recs[0] {
			m[col] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func sandboxEnv(t *testing.T) *env {
	e := newEnv(t, envOptions{ws: slackemu.Sandbox(), token: slackemu.SandboxUserToken, now: time.Now})
	e.waitWarm(t)
	return e
}

// The first natural call on the sandbox returns messages, and the odd
// shapes of real Slack read sensibly.
func TestSandboxFirstCallAndRealShapes(t *testing.T) {
	t.Parallel()
	e := sandboxEnv(t)
	texts := func(res []map[string]string) string {
		var b strings.Builder
		for _, r := range res {
			b.WriteString(r["UserName"] + "|" + r["RealName"] + "|" + r["Text"] + "|" + r["Reactions"] + "\n")
		}
		return b.String()
	}
	history := func(channel string, activity bool) string {
		res := e.call(t, "conversations_history", map[string]any{"channel_id": channel, "include_activity_messages": activity})
		require.False(t, res.IsError, text(res))
		got := rows(t, text(res))
		require.NotEmpty(t, got, "default window on %s: %s", channel, text(res))
		return texts(got)
	}

	general := history("#general", false)
	for _, want := range []string{
		"omar|Omar Haddad|@here sandbox news: the coffee machine on 3 is fixed & the fridge is clean. Anything > 1 week old is gone <3|coffee:3",
		"maya|Maya Chen|Heads up @engineers: stand-up moves to 10:30 today.|",
		"wren|Wren Ito|Hi all, I'm Wren, new on the SRE side :wave::skin-tone-2: happy to be here!|+1::skin-tone-2:2|wave:1",
	} {
		require.Contains(t, general, want)
	}
	require.NotContains(t, general, "has joined the channel", "join notices are hidden by default")
	require.Contains(t, history("#general", true), "wren|Wren Ito|@wren has joined the channel|")

	eng := history("#engineering", false)
	require.Contains(t, eng, "deploybot|Deploy Bot|Deploy finished: api v2.15.0\n*api v2.15.0* is live in production & healthy :white_check_mark:\n*Duration*: 4m 02s | *Commits*: 7\nRequested by @maya|",
		"a blocks-only message shows the text of its blocks")
	require.NotContains(t, eng, "set the channel topic")
	require.Contains(t, history("#engineering", true), "devon|Devon Okafor|@devon set the channel topic: Release train: Thursdays. Freeze from Wednesday noon|")

	shared := history("#ext-partner-inc", false)
	require.Contains(t, shared, "kim.park|Kim Park|Any news on webhook retries? :pray::skin-tone-4:|eyes:1", "an external user's name comes from users.info")
	require.Contains(t, history(slackemu.SandboxDMSlackbot, false), "slackbot|Slackbot|Reminder: submit your Q3 self-review.|")

	res := e.call(t, "conversations_replies", map[string]any{"channel_id": "#ext-partner-inc", "thread_ts": e.ws.Messages(slackemu.SandboxConnect)[1].TS})
	require.False(t, res.IsError, text(res))
	require.Contains(t, texts(rows(t, text(res))), "sam|Sam Rivera|Thanks @kim.park! We'll review it by Friday.|")
}

func TestEmptyWindowSaysWhereTheNewestIs(t *testing.T) {
	t.Parallel()
	ws := fixture()
	ws.AddChannel(slackemu.Channel{ID: "C0QUIET001", Name: "quiet", Members: []string{meID}})
	ws.AddChannel(slackemu.Channel{ID: "C0JOINS001", Name: "joins", Members: []string{meID}})
	ws.AddMessage("C0JOINS001", slackemu.Message{TS: ts(10*86400 - 3600), User: meID, Subtype: "channel_join", Text: "<@" + meID + "|me> has joined the channel"})
	e := newEnv(t, envOptions{ws: ws, now: func() time.Time { return time.Unix(fixtureNow+10*86400, 0) }})
	cases := []struct {
		name  string
		args  map[string]any
		note  string
		calls int
	}{
		{"default window", map[string]any{"channel_id": "#general"}, "note: no messages in the last 1d; the newest is from 2025-11-22, use limit=10d to reach it\n", 2},
		{"7d", map[string]any{"channel_id": "#general", "limit": "7d"}, "note: no messages in the last 7d; the newest is from 2025-11-22, use limit=10d to reach it\n", 2},
		{"empty channel", map[string]any{"channel_id": "#quiet", "limit": "2w"}, "note: no messages in the last 2w; this conversation has no messages you can see\n", 2},
		{"only notices", map[string]any{"channel_id": "#joins"}, "note: the last 1d holds only join/leave/topic notices (1); include_activity_messages=true shows them\n", 1},
		{"window reaching it", map[string]any{"channel_id": "#general", "limit": "10d"}, "", 1},
		{"count", map[string]any{"channel_id": "#general", "limit": "2"}, "", 1},
	}
	for _, c := range cases {
		before := e.emu.Calls("conversations.history")
		res := e.call(t, "conversations_history", c.args)
		require.False(t, res.IsError, text(res))
		require.Equal(t, c.calls, e.emu.Calls("conversations.history")-before, c.name)
		if c.note == "" {
			// A count may still say that notices were left out of the page.
			require.NotContains(t, text(res), "note: no messages", c.name)
			require.NotContains(t, text(res), "holds only", c.name)
			require.NotEmpty(t, rows(t, text(res)), c.name)
			continue
		}
		require.True(t, strings.HasSuffix(text(res), c.note), "%s: %s", c.name, text(res))
		require.Empty(t, rows(t, text(res)), c.name)
	}
	res := e.call(t, "conversations_history", map[string]any{"channel_id": "#general", "limit": "-3d"})
	require.True(t, res.IsError, "a negative window is refused: %s", text(res))
}

// Text with &, < and > survives posting, reading and searching: Slack
// stores it escaped and we unescape exactly once.
func TestEscapedTextRoundTrips(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: map[tools.Gate]bool{tools.GateAddMessage: true}})
	for _, ct := range []string{"text/plain", "text/markdown"} {
		body := "roundtrip " + strings.ReplaceAll(ct, "/", "-") + ": a < b && c > d"
		res := e.call(t, "conversations_add_message", map[string]any{"channel_id": generalID, "payload": body, "content_type": ct})
		require.False(t, res.IsError, text(res))
		msgs := e.ws.Messages(generalID)
		require.Equal(t, strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(body), msgs[len(msgs)-1].Text, "stored as Slack stores it")

		res = e.call(t, "conversations_history", map[string]any{"channel_id": generalID, "limit": "1"})
		require.False(t, res.IsError, text(res))
		require.Equal(t, body, rows(t, text(res))[0]["Text"])
		res = e.call(t, "conversations_search_messages", map[string]any{"search_query": strings.ReplaceAll(ct, "/", "-")})
		require.False(t, res.IsError, text(res))
		require.Equal(t, body, rows(t, text(res))[0]["Text"])
	}
}

// Date filters are days in the searching user's time zone, "today"
// included, for users far from UTC on either side.
func TestSearchDatesInUserZone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, tz, now string
		args          map[string]any
		want          []string
	}{
		// Messages at 10:30Z (one), 11:30Z (two), 07:30Z (three), 08:30Z
		// (four) on 2025-11-22. Auckland is UTC+13: its 23rd starts at
		// 11:00Z, so two is on the 23rd and the others on the 22nd.
		{"auckland today", "Pacific/Auckland", "2025-11-22T12:30:00Z", map[string]any{"filter_date_on": "today"}, []string{"nightowl two"}},
		{"auckland yesterday", "Pacific/Auckland", "2025-11-22T12:30:00Z", map[string]any{"filter_date_on": "yesterday"}, []string{"nightowl one", "nightowl three", "nightowl four"}},
		{"auckland date", "Pacific/Auckland", "2025-11-22T12:30:00Z", map[string]any{"filter_date_on": "2025-11-23"}, []string{"nightowl two"}},
		// Los Angeles is UTC-8: its 22nd starts at 08:00Z, so three is on
		// the 21st and the others on the 22nd.
		{"la today", "America/Los_Angeles", "2025-11-22T07:50:00Z", map[string]any{"filter_date_on": "today"}, []string{"nightowl three"}},
		{"la after yesterday", "America/Los_Angeles", "2025-11-22T06:00:00Z", map[string]any{"filter_date_after": "yesterday"}, []string{"nightowl one", "nightowl two", "nightowl three", "nightowl four"}},
		{"la before", "America/Los_Angeles", "2025-11-22T09:00:00Z", map[string]any{"filter_date_before": "2025-11-22"}, []string{"nightowl three"}},
		{"la during this week", "America/Los_Angeles", "2025-11-22T09:00:00Z", map[string]any{"filter_date_during": "this week"}, []string{"nightowl one", "nightowl two", "nightowl three", "nightowl four"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ws := fixture()
			ws.AddUser(slackemu.User{ID: meID, Name: "me", RealName: "Me Myself", DisplayName: "me", Email: "me@test.co", TZ: c.tz})
			for i, s := range []string{"2025-11-22T10:30:00Z", "2025-11-22T11:30:00Z", "2025-11-22T07:30:00Z", "2025-11-22T08:30:00Z"} {
				d, err := time.Parse(time.RFC3339, s)
				require.NoError(t, err)
				ws.AddMessage(generalID, slackemu.Message{TS: fmt.Sprintf("%d.000100", d.Unix()), User: aliceID, Text: []string{"nightowl one", "nightowl two", "nightowl three", "nightowl four"}[i]})
			}
			now, err := time.Parse(time.RFC3339, c.now)
			require.NoError(t, err)
			e := newEnv(t, envOptions{ws: ws, now: func() time.Time { return now }})
			args := map[string]any{"search_query": "nightowl"}
			for k, v := range c.args {
				args[k] = v
			}
			res := e.call(t, "conversations_search_messages", args)
			require.False(t, res.IsError, text(res))
			var got []string
			for _, r := range rows(t, text(res)) {
				got = append(got, r["Text"])
			}
			require.ElementsMatch(t, c.want, got, text(res))
		})
	}
}
