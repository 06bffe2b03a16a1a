package mrkdwn

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// recordingResolver knows every ID and records what it was asked.
type recordingResolver struct{ users, channels map[string]bool }

func (r recordingResolver) UserName(id string) (string, bool) {
	r.users[id] = true
	return "user-" + strings.ToLower(id), true
}

func (r recordingResolver) ChannelName(id string) (string, bool) {
	r.channels[id] = true
	return "chan-" + strings.ToLower(id), true
}

func (r recordingResolver) UserGroupHandle(id string) (string, bool) { return "grp", true }

var renderSeeds = []string{
	"hi <@U123> in <#C123|general> <!here>",
	"<!subteam^S123|@team> <!subteam^S1> <!date^1392734382^{date}|fallback> <!date^99999999999999999999^x>",
	"<https://x.com|Example> <https://x.com> <mailto:a@b.com|a@b.com> <http://e.com|e.com>",
	"&lt;@U1&gt; &amp;lt; &amp; & &gt",
	"a < b > c <<@U1> <@U1 <> <|> <!> <#> <@|x>",
	"```code <https://x.com> &lt;T&gt;``` `x` :tada: *b* _i_ ~s~",
	"Vec<T> <a &amp; b> <x:>",
	"<@U1|&lt;@U2&gt;>",
	"\xff<@U\xff>",
}

func FuzzRender(f *testing.F) {
	for _, s := range renderSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec := recordingResolver{users: map[string]bool{}, channels: map[string]bool{}}
		out := Render(s, rec)
		_ = Render(s, nil)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Render(%q) produced invalid UTF-8 %q", s, out)
		}
		if !strings.ContainsAny(s, "<&") && out != s {
			t.Fatalf("Render changed text without markup: %q -> %q", s, out)
		}
		if !strings.Contains(s, "&") && strings.Count(out, "<") > strings.Count(s, "<") {
			t.Fatalf("Render(%q) = %q invented a '<'", s, out)
		}
		// Every ID Render resolved is one Mentions reports.
		users, channels := Mentions(s)
		for id := range rec.users {
			if !contains(users, id) {
				t.Fatalf("Render resolved user %q that Mentions(%q) = %q missed", id, s, users)
			}
		}
		for id := range rec.channels {
			if !contains(channels, id) {
				t.Fatalf("Render resolved channel %q that Mentions(%q) = %q missed", id, s, channels)
			}
		}
	})
}

// FuzzRenderMention embeds one well-formed mention in arbitrary text free of
// markup characters: the mention must be expanded, leaving no raw "<@", and
// the surrounding text must be unchanged.
func FuzzRenderMention(f *testing.F) {
	f.Add("hello ", "U123", "", " bye", true)
	f.Add("", "W0ABC", "bob", "", false)
	f.Add("x", "U1", "@al ice", "y", true)
	f.Fuzz(func(t *testing.T, prefix, id, label, suffix string, useResolver bool) {
		clean := func(s string) string {
			return strings.Map(func(r rune) rune {
				if r == '<' || r == '>' || r == '&' || r == '|' {
					return -1
				}
				return r
			}, s)
		}
		prefix, label, suffix = clean(prefix), clean(label), clean(suffix)
		id = "U" + strings.Map(func(r rune) rune {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToUpper(id))
		if len(id) < 2 {
			id += "1"
		}
		mention := "<@" + id + ">"
		if label != "" {
			mention = "<@" + id + "|" + label + ">"
		}
		var r Resolver
		if useResolver {
			r = recordingResolver{users: map[string]bool{}, channels: map[string]bool{}}
		}
		out := Render(prefix+mention+suffix, r)
		if strings.Contains(out, "<@") {
			t.Fatalf("Render(%q) = %q keeps a raw <@", prefix+mention+suffix, out)
		}
		if !strings.HasPrefix(out, prefix+"@") || !strings.HasSuffix(out, suffix) {
			t.Fatalf("Render(%q) = %q changed the surrounding text", prefix+mention+suffix, out)
		}
		users, _ := Mentions(prefix + mention + suffix)
		if len(users) != 1 || users[0] != id {
			t.Fatalf("Mentions(%q) = %q, want [%q]", prefix+mention+suffix, users, id)
		}
	})
}

func FuzzMentions(f *testing.F) {
	for _, s := range renderSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		users, channels := Mentions(s)
		seen := map[string]bool{}
		for _, id := range append(append([]string{}, users...), channels...) {
			if seen[id] {
				t.Fatalf("Mentions(%q) repeats %q", s, id)
			}
			seen[id] = true
			if !strings.Contains(s, id) {
				t.Fatalf("Mentions(%q) invented %q", s, id)
			}
		}
		for _, id := range users {
			if !isUserID(id) {
				t.Fatalf("Mentions(%q): %q is not a user ID", s, id)
			}
		}
		for _, id := range channels {
			if !isChannelID(id) {
				t.Fatalf("Mentions(%q): %q is not a channel ID", s, id)
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
