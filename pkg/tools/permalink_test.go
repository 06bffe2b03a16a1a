package tools

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

func TestPermalink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, channel, ts, thread, want string
	}{
		// The two example responses of docs.slack.dev chat.getPermalink.
		{"top level (Slack's example)", "https://ghostbusters.slack.com/", "C1H9RESGA", "1358546515.000008", "",
			"https://ghostbusters.slack.com/archives/C1H9RESGA/p1358546515000008"},
		{"reply (Slack's example)", "https://ghostbusters.slack.com/", "C1H9RESGL", "1358546517.000023", "1358546515.000008",
			"https://ghostbusters.slack.com/archives/C1H9RESGL/p1358546517000023?thread_ts=1358546515.000008&cid=C1H9RESGL"},
		{"thread parent has no thread_ts", "https://acme.slack.com/", "C0123ABCD", "1700000000.000100", "1700000000.000100",
			"https://acme.slack.com/archives/C0123ABCD/p1700000000000100"},
		{"GovSlack", "https://agency.slack-gov.com/", "C0123ABCD", "1700000000.000100", "",
			"https://agency.slack-gov.com/archives/C0123ABCD/p1700000000000100"},
		{"GovSlack Grid reply", "https://agency.enterprise.slack-gov.com/", "G0123ABCD", "1700000060.000200", "1700000000.000100",
			"https://agency.enterprise.slack-gov.com/archives/G0123ABCD/p1700000060000200?thread_ts=1700000000.000100&cid=G0123ABCD"},
		{"URL without a slash", "https://acme.slack.com", "D0123ABCD", "1700000000.000100", "",
			"https://acme.slack.com/archives/D0123ABCD/p1700000000000100"},
		{"no workspace URL", "", "C0123ABCD", "1700000000.000100", "", ""},
		{"no channel", "https://acme.slack.com/", "", "1700000000.000100", "", ""},
		{"not a channel ID", "https://acme.slack.com/", "general", "1700000000.000100", "", ""},
		{"bad ts", "https://acme.slack.com/", "C0123ABCD", "yesterday", "", ""},
		{"bad thread_ts is left out", "https://acme.slack.com/", "C0123ABCD", "1700000000.000100", "x",
			"https://acme.slack.com/archives/C0123ABCD/p1700000000000100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, permalink(tc.base, tc.channel, tc.ts, tc.thread))
		})
	}
}

// Every link we build parses back, as a Slack link, to the message it names.
func FuzzPermalinkRoundTrip(f *testing.F) {
	f.Add("acme", "C0123ABCD", "1700000000.000100", "")
	f.Add("agency.enterprise", "G0123ABCD", "1700000060.000200", "1700000000.000100")
	f.Fuzz(func(t *testing.T, sub, channel, ts, thread string) {
		base := "https://" + sub + ".slack.com/"
		link := permalink(base, channel, ts, thread)
		if link == "" {
			return
		}
		require.True(t, strings.HasPrefix(link, base+"archives/"+channel+"/p"))
		u, ok, err := params.ParseMessageURL(link)
		if !ok || err != nil {
			// Only a host that is no Slack host (odd sub) may fail to parse.
			require.NotEqual(t, "acme", sub, link)
			return
		}
		want, _ := params.ParseTS(ts, "ts")
		require.Equal(t, channel, u.ChannelID)
		require.Equal(t, want, u.TS)
		if parent, err := params.ParseTS(thread, "thread_ts"); err == nil && parent != want {
			require.Equal(t, parent, u.ThreadTS)
		} else {
			require.Empty(t, u.ThreadTS)
		}
	})
}

func TestWithCursor(t *testing.T) {
	t.Parallel()
	rows := []Channel{{ID: "C1"}, {ID: "C2"}}
	tests := []struct {
		name string
		rows []Channel
		next string
		want string
	}{
		{"cursor on the last row only", rows, "abc", "ID,Name,Topic,Purpose,MemberCount,Cursor,Type\nC1,,,,0,,\nC2,,,,0,abc,\nnext_cursor: abc\n"},
		{"no cursor", rows, "", "ID,Name,Topic,Purpose,MemberCount,Cursor,Type\nC1,,,,0,,\nC2,,,,0,,\n"},
		{"no rows", nil, "abc", "ID,Name,Topic,Purpose,MemberCount,Cursor,Type\nnext_cursor: abc\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := pageResult(tc.rows, tc.next)
			require.Equal(t, tc.want, resultText(res))
			page := res.StructuredContent.(Page[Channel])
			require.Equal(t, tc.next, page.NextCursor)
			for _, r := range page.Items {
				require.Empty(t, r.Cursor, "structuredContent carries next_cursor, not a per-row cursor")
			}
		})
	}
	require.Empty(t, rows[1].Cursor, "the caller's rows are left alone")
	// A row type without a Cursor column is unchanged.
	require.Equal(t, []User{{UserID: "U1"}}, withCursor([]User{{UserID: "U1"}}, "abc"))
}
