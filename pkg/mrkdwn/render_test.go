package mrkdwn

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fakeResolver is a fixed directory; it records the IDs it was asked about.
type fakeResolver struct {
	users, channels, groups map[string]string
}

func (f fakeResolver) UserName(id string) (string, bool)        { n, ok := f.users[id]; return n, ok }
func (f fakeResolver) ChannelName(id string) (string, bool)     { n, ok := f.channels[id]; return n, ok }
func (f fakeResolver) UserGroupHandle(id string) (string, bool) { n, ok := f.groups[id]; return n, ok }

func testResolver() fakeResolver {
	return fakeResolver{
		users:    map[string]string{"U123": "alice", "W999": "@bob", "U0EMPTY1": ""},
		channels: map[string]string{"C123": "general", "G777": "#secret"},
		groups:   map[string]string{"S123": "eng", "S456": "@ops"},
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		// users
		{"user via resolver", "hi <@U123>!", "hi @alice!"},
		{"enterprise user, resolver gives @", "<@W999>", "@bob"},
		{"unknown user", "<@U404>", "@U404"},
		{"resolver returns empty name", "<@U0EMPTY1>", "@U0EMPTY1"},
		{"labelled user", "<@U404|carol>", "@carol"},
		{"labelled user wins over resolver", "<@U123|ally>", "@ally"},
		{"empty label falls back", "<@U123|>", "@alice"},
		{"bot user", "<@B01>", "@B01"},
		{"malformed user id stays literal", "<@u123>", "<@u123>"},
		{"empty user id stays literal", "<@>", "<@>"},
		// channels
		{"labelled channel", "see <#C999|random>", "see #random"},
		{"channel via resolver", "<#C123>", "#general"},
		{"channel empty label", "<#C123|>", "#general"},
		{"private channel resolver with #", "<#G777>", "#secret"},
		{"unknown channel", "<#C404>", "#C404"},
		{"dm channel", "<#D404>", "#D404"},
		// specials
		{"here", "<!here> look", "@here look"},
		{"here with label", "<!here|here>", "@here"},
		{"channel", "<!channel>", "@channel"},
		{"everyone", "<!everyone|@everyone>", "@everyone"},
		{"legacy group", "<!group>", "@channel"},
		{"subteam label", "<!subteam^S999|@team>", "@team"},
		{"subteam label without @", "<!subteam^S999|team>", "@team"},
		{"subteam resolver", "<!subteam^S123>", "@eng"},
		{"subteam resolver with @", "<!subteam^S456>", "@ops"},
		{"subteam unknown", "<!subteam^S404>", "@S404"},
		{"subteam bad id", "<!subteam^x>", "<!subteam^x>"},
		{"date fallback", "<!date^1392734382^{date_short}|Feb 18, 2014>", "Feb 18, 2014"},
		{"date fallback with link", "<!date^1392734382^{date_short}^https://x.com|Feb 18 &amp; later>", "Feb 18 & later"},
		{"date without fallback", "<!date^1392734382^{date}>", "2014-02-18 14:39 UTC"},
		{"date garbage", "<!date^soon^{date}>", "<!date^soon^{date}>"},
		{"unknown special with label", "<!foo|bar>", "bar"},
		{"unknown special", "<!foo>", "<!foo>"},
		// links
		{"labelled link", "<https://x.com|Example>", "Example (https://x.com)"},
		{"bare link", "<https://x.com>", "https://x.com"},
		{"label equals url", "<https://x.com|https://x.com>", "https://x.com"},
		{"auto-link without scheme", "<http://example.com|example.com>", "http://example.com"},
		{"auto-link trailing slash", "<https://example.com/|example.com>", "https://example.com/"},
		{"auto-link www", "<https://www.example.com|example.com>", "https://www.example.com"},
		{"link entities", "<https://x.com/?a=1&amp;b=2|Q &amp; A>", "Q & A (https://x.com/?a=1&b=2)"},
		{"mailto", "<mailto:a@b.com|a@b.com>", "a@b.com"},
		{"mailto bare", "<mailto:a@b.com>", "a@b.com"},
		{"mailto named", "<mailto:a@b.com|Alice>", "Alice (mailto:a@b.com)"},
		{"tel", "<tel:+15551234|+15551234>", "+15551234"},
		{"slack scheme", "<slack://open|Open Slack>", "Open Slack (slack://open)"},
		{"parentheses and punctuation kept", "(see <https://x.com|docs>!)", "(see docs (https://x.com)!)"},
		// entities and literals
		{"entities", "a &amp; b &lt; c &gt; d", "a & b < c > d"},
		{"escaped mention stays literal", "&lt;@U123&gt;", "<@U123>"},
		{"double escape decodes once", "&amp;lt;", "&lt;"},
		{"escaped comparison", "a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"},
		{"skin-tone emoji kept", ":+1::skin-tone-2: ok", ":+1::skin-tone-2: ok"},
		{"other entities untouched", "&quot;hi&quot; &nbsp; &", "&quot;hi&quot; &nbsp; &"},
		{"unterminated", "a < b", "a < b"},
		{"unterminated mention", "<@U123", "<@U123"},
		{"lt before a mention", "<<@U123>", "<@alice"},
		{"not markup", "Vec<T> and Map<K,V>", "Vec<T> and Map<K,V>"},
		{"not markup with entity", "<a &amp; b>", "<a & b>"},
		{"empty brackets", "<>", "<>"},
		{"stray gt", "x > y", "x > y"},
		{"quote line", "&gt; quoted *bold* _it_ ~gone~", "> quoted *bold* _it_ ~gone~"},
		{"emoji and punctuation kept", "Shipped! :tada: (v1.2) \"yes\" 'ok' #1 @2", "Shipped! :tada: (v1.2) \"yes\" 'ok' #1 @2"},
		{"inline code kept, markup expanded", "run `curl <https://x.com>` now", "run `curl https://x.com` now"},
		{"code fence kept", "```\nif a &lt; b &amp;&amp; c {\n  ping(<@U123>)\n}\n```", "```\nif a < b && c {\n  ping(@alice)\n}\n```"},
		{"multiline link label", "<https://x.com|line1\nline2>", "line1\nline2 (https://x.com)"},
		{"no markup fast path", "plain text", "plain text"},
		{"empty", "", ""},
	}
	r := testResolver()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, Render(tc.in, r))
		})
	}
}

func TestRenderNilResolver(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"<@U123>", "@U123"},
		{"<@U123|alice>", "@alice"},
		{"<#C123>", "#C123"},
		{"<#C123|general>", "#general"},
		{"<!subteam^S123>", "@S123"},
		{"<!here>", "@here"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, Render(tc.in, nil))
		})
	}
}

func TestMentions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		in              string
		users, channels []string
	}{
		{"none", "hello", nil, nil},
		{"mixed in order, unique", "<@U2> <#C9|x> <@U1|a> <@U2> <#C1> <#C9>", []string{"U2", "U1"}, []string{"C9", "C1"}},
		{"enterprise and bot ids", "<@W1> <@B2>", []string{"W1", "B2"}, nil},
		{"escaped not counted", "&lt;@U1&gt; <@u1> <@>", nil, nil},
		{"groups and specials ignored", "<!subteam^S1> <!here> <https://x.com|@U1>", nil, nil},
		{"unterminated ignored", "<@U1 <@U2>", []string{"U2"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users, channels := Mentions(tc.in)
			assert.Equal(t, tc.users, users)
			assert.Equal(t, tc.channels, channels)
		})
	}
}

func TestRenderLinearTime(t *testing.T) {
	t.Parallel()
	// Each of these would be quadratic for a scanner that looks for '>' from
	// every '<'; 1 MB of it must still be instant.
	for _, s := range []string{
		strings.Repeat("<", 1<<20),
		strings.Repeat("<@U1", 1<<18),
		strings.Repeat("&", 1<<20),
		strings.Repeat("<@U1>", 1<<18),
	} {
		out := Render(s, testResolver())
		assert.NotEmpty(t, out)
	}
}
