package params_test

import (
	"fmt"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

func ExampleParseLimit() {
	now := time.Date(2024, 3, 15, 10, 30, 0, 0, time.UTC)
	for _, raw := range []string{"", "150", "7d", "1m"} {
		l, err := params.ParseLimit(raw, 100, 200, now)
		fmt.Println(l.Count, l.Window, l.Since.Format(time.RFC3339), err)
	}
	for _, raw := range []string{"500", "0d"} {
		_, err := params.ParseLimit(raw, 100, 200, now)
		fmt.Println(err)
	}
	// Output:
	// 100  0001-01-01T00:00:00Z <nil>
	// 150  0001-01-01T00:00:00Z <nil>
	// 200 7d 2024-03-08T10:30:00Z <nil>
	// 200 1m 2024-02-15T10:30:00Z <nil>
	// "limit" must be a message count from 1 to 200 or a time window such as 1d or 7d; got "500"
	// limit "0d" is not a positive time window; use a window such as 1d or 7d, or a message count such as 50
}

func ExampleParseChannelRef() {
	for _, s := range []string{"C0123456789", "#General", "@John Smith"} {
		r, _ := params.ParseChannelRef(s)
		fmt.Println(r.Kind, r.Value)
	}
	_, err := params.ParseChannelRef("#")
	fmt.Println(err)
	// Output:
	// id C0123456789
	// name general
	// user John Smith
	// a channel name is needed after '#', for example #general
}

func ExampleParseMessageURL() {
	m, ok, err := params.ParseMessageURL("https://acme.slack.com/archives/C0123456789/p1700000000123456?thread_ts=1700000000.000100&cid=C0123456789")
	fmt.Println(m.ChannelID, m.TS, m.ThreadTS, ok, err)
	_, ok, err = params.ParseMessageURL("deploy failed in:#ops")
	fmt.Println(ok, err)
	// Output:
	// C0123456789 1700000000.123456 1700000000.000100 true <nil>
	// false <nil>
}
