package tools

import (
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

type names map[string]string

func (n names) UserName(id string) (string, bool)        { v, ok := n[id]; return v, ok }
func (n names) ChannelName(id string) (string, bool)     { v, ok := n[id]; return v, ok }
func (n names) UserGroupHandle(id string) (string, bool) { v, ok := n[id]; return v, ok }

func TestBlocksText(t *testing.T) {
	t.Parallel()
	r := names{"U1": "maya", "W2": "wren", "C1": "general", "S1": "@engineers"}
	cases := []struct{ name, blocks, want string }{
		{"header and mrkdwn section", `[{"type":"header","text":{"type":"plain_text","text":"Deploy <ok> & done"}},
			{"type":"section","text":{"type":"mrkdwn","text":"*v2* is live &amp; healthy, ping <@U1>"}}]`,
			"Deploy <ok> & done\n*v2* is live & healthy, ping @maya"},
		{"section fields", `[{"type":"section","fields":[{"type":"mrkdwn","text":"*Env*\nprod"},{"type":"plain_text","text":"7 commits"}]}]`,
			"*Env*: prod | 7 commits"},
		{"context", `[{"type":"context","elements":[{"type":"image","image_url":"https://x/i.png","alt_text":"i"},{"type":"mrkdwn","text":"by <@W2>"}]}]`,
			"by @wren"},
		{"rich text section", `[{"type":"rich_text","elements":[{"type":"rich_text_section","elements":[
			{"type":"broadcast","range":"here"},{"type":"text","text":" a < b && c > d, "},{"type":"user","user_id":"U1"},
			{"type":"text","text":" in "},{"type":"channel","channel_id":"C1"},{"type":"text","text":" "},{"type":"usergroup","usergroup_id":"S1"},
			{"type":"text","text":" "},{"type":"emoji","name":"+1","skin_tone":2},{"type":"text","text":" "},
			{"type":"link","url":"https://x.com","text":"docs"},{"type":"text","text":" "},{"type":"user","user_id":"U404"}]}]}]`,
			"@here a < b && c > d, @maya in #general @engineers :+1::skin-tone-2: docs (https://x.com) @U404"},
		{"rich text list, quote, code", `[{"type":"rich_text","elements":[
			{"type":"rich_text_list","style":"ordered","indent":0,"elements":[
				{"type":"rich_text_section","elements":[{"type":"text","text":"one"}]},
				{"type":"rich_text_section","elements":[{"type":"text","text":"two"}]}]},
			{"type":"rich_text_quote","elements":[{"type":"text","text":"quoted"}]},
			{"type":"rich_text_preformatted","elements":[{"type":"text","text":"go test ./..."}]}]}]`,
			"1. one\n2. two\n> quoted\n```go test ./...```"},
		{"nothing readable", `[{"type":"divider"},{"type":"image","image_url":"https://x/i.png","alt_text":"i"}]`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var m slack.Message
			require.NoError(t, json.Unmarshal([]byte(`{"type":"message","text":"","blocks":`+c.blocks+`}`), &m))
			require.Equal(t, c.want, blocksText(m.Blocks, r))
		})
	}
}
