package mrkdwn_test

import (
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/mrkdwn"
)

type directory map[string]string

func (d directory) UserName(id string) (string, bool)        { n, ok := d[id]; return n, ok }
func (d directory) ChannelName(id string) (string, bool)     { n, ok := d[id]; return n, ok }
func (d directory) UserGroupHandle(id string) (string, bool) { n, ok := d[id]; return n, ok }

func ExampleRender() {
	text := "<!here> <@U061NFTT2> shipped it :tada: &amp; wrote <https://example.com/notes|the notes> in <#C024BE91L>"
	users, channels := mrkdwn.Mentions(text)
	fmt.Println(users, channels)
	fmt.Println(mrkdwn.Render(text, directory{"U061NFTT2": "alice", "C024BE91L": "releases"}))
	// Output:
	// [U061NFTT2] [C024BE91L]
	// @here @alice shipped it :tada: & wrote the notes (https://example.com/notes) in #releases
}
