package params

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var dottedTS = regexp.MustCompile(`^[0-9]{1,12}\.[0-9]{6}$`)

func FuzzIntCount(f *testing.F) {
	for _, s := range []string{"", "0", "12", " 12 ", "-1", "abc", "1.5", "12.0", "1e3", "inf", "NaN", "0x10", "99999999999999999999", "+7", "1_000"} {
		f.Add(s, 20, 100)
	}
	f.Fuzz(func(t *testing.T, s string, def, max int) {
		n, present, err := Int(map[string]any{"k": s}, "k")
		if strings.TrimSpace(s) == "" && (present || err != nil) {
			t.Fatalf("Int(%q): blank must be absent, got present=%v err=%v", s, present, err)
		}
		if want, aerr := strconv.Atoi(strings.TrimSpace(s)); aerr == nil && (err != nil || n != want) {
			t.Fatalf("Int(%q) = %d, %v; want %d", s, n, err, want)
		}
		if err != nil && !strings.Contains(err.Error(), `"k"`) {
			t.Fatalf("Int error does not name the key: %v", err)
		}
		c, err := Count(s, def, max, "limit")
		if err != nil {
			if !strings.Contains(err.Error(), `"limit"`) {
				t.Fatalf("Count error does not name the argument: %v", err)
			}
			return
		}
		if c < 0 && c != def {
			t.Fatalf("Count(%q) = %d is negative", s, c)
		}
		if max > 0 && c > max && c != def {
			t.Fatalf("Count(%q, max %d) = %d", s, max, c)
		}
	})
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"", "0", "50", "5000", "-1", "1d", "7d", "90d", "2w", "1m", "12h", "1y", "7 days", "0d", "-1d", "1.5d", "99999999999999999999h", "1000000y", "abc"} {
		f.Add(s, int64(1710498600))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(unix%(1<<40), 0).UTC()
		l, err := ParseLimit(s, 50, 1000, now)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "limit ") && !strings.HasPrefix(err.Error(), `"limit"`) {
				t.Fatalf("error does not name the limit: %v", err)
			}
			return
		}
		if l.Count < 1 || l.Count > 1000 {
			t.Fatalf("ParseLimit(%q).Count = %d", s, l.Count)
		}
		if l.IsWindow() != (l.Window != "") {
			t.Fatalf("ParseLimit(%q) = %+v: Since and Window disagree", s, l)
		}
		if l.IsWindow() {
			epoch := time.Unix(0, 0)
			if l.Since.After(now) || (l.Since.Before(epoch) && !now.Before(epoch)) {
				t.Fatalf("ParseLimit(%q) at %s: Since %s out of range", s, now, l.Since)
			}
		}
	})
}

func FuzzCursor(f *testing.F) {
	f.Add("channels_list", "C0123", "", "dXNlcjpVMDYxTkZUVDI=")
	f.Add("conversations_search_messages", "", "q", "djF8Y2hhbm5lbHN8eA")
	f.Add("", "|||", "|", "!!!")
	f.Add("conversations_history", "\x00\xff", "", "bmV4dF90czoxNzAwMDAwMDAwMTIzNDU2")
	f.Fuzz(func(t *testing.T, tool, channel, filter, arbitrary string) {
		scope := CursorScope{Tool: tool, Channel: channel, Filter: filter}
		payload := arbitrary
		if len(tool)+len(channel)+len(payload) < 2500 {
			got, err := scope.Decode(scope.Encode(payload))
			if tool != "" && (err != nil || got != payload) {
				t.Fatalf("round trip of (%+v, %q) = %q, %v", scope, payload, got, err)
			}
		}
		if p, err := scope.Decode(arbitrary); err == nil && strings.TrimSpace(arbitrary) != "" {
			if scope.Encode(p) != strings.TrimSpace(arbitrary) {
				t.Fatalf("Decode accepted non-canonical %q", arbitrary)
			}
		} else if err != nil && strings.Contains(err.Error(), arbitrary) && len(arbitrary) > 8 {
			t.Fatalf("Decode echoed the cursor: %v", err)
		}
		if c, err := SlackCursor(arbitrary); err == nil && c != strings.TrimSpace(arbitrary) {
			t.Fatalf("SlackCursor(%q) = %q", arbitrary, c)
		}
	})
}

// FuzzJSONArgs feeds JSON values, as an MCP client sends them, to the
// single-value readers (CountArg, LimitArg, TSArg, Scalar): no panic,
// errors name the argument, results stay in range, objects and lists are
// refused.
func FuzzJSONArgs(f *testing.F) {
	for _, s := range []string{`0`, `5`, `"5"`, `" 7 "`, `{}`, `{"n":5}`, `[]`, `[5]`, `null`, `true`, `1e3`, `-1`, `1000`, `"1d"`, `"abc"`, `1.5`, `"1700000000.123456"`, `1700000000.5`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, js string) {
		var v any
		if json.Unmarshal([]byte(js), &v) != nil {
			return
		}
		args := map[string]any{"limit": v}
		n, err := CountArg(args, "limit", 20, 100)
		if err != nil {
			if !strings.Contains(err.Error(), "limit") {
				t.Fatalf("CountArg(%s) error does not name the argument: %v", js, err)
			}
		} else if n < 1 || n > 100 {
			t.Fatalf("CountArg(%s) = %d, out of 1..100", js, n)
		}
		switch v.(type) {
		case map[string]any, []any:
			if err == nil {
				t.Fatalf("CountArg accepted %s", js)
			}
		}
		l, err := LimitArg(args, "limit", 20, 100, time.Unix(1_700_000_000, 0))
		if err == nil && (l.Count < 1 || l.Count > 100) {
			t.Fatalf("LimitArg(%s).Count = %d", js, l.Count)
		}
		ts, err := TSArg(args, "limit", false)
		if err == nil && ts != "" && !dottedTS.MatchString(ts) {
			t.Fatalf("TSArg(%s) = %q", js, ts)
		}
		if _, err := Scalar(args, "limit"); err != nil && !strings.Contains(err.Error(), `"limit"`) {
			t.Fatalf("Scalar(%s) error does not name the argument: %v", js, err)
		}
	})
}

func FuzzParseChannelRef(f *testing.F) {
	for _, s := range []string{"", "#", "@", "C0123456789", "#general", "general", "@John Smith", "U0123ABCD", "<#C0123|general>", "<#>", "#my channel", "DEV", "##x", "\x00", "#日本語"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseChannelRef(s)
		if err != nil {
			return
		}
		if r.Value == "" {
			t.Fatalf("ParseChannelRef(%q) = %+v with empty value", s, r)
		}
		var again string
		switch r.Kind {
		case RefID:
			if !IsConversationID(r.Value) {
				t.Fatalf("ParseChannelRef(%q) = %+v: not an ID", s, r)
			}
			again = r.Value
		case RefName:
			if r.Value != strings.ToLower(r.Value) || strings.ContainsAny(r.Value, " #@") {
				t.Fatalf("ParseChannelRef(%q) = %+v: bad name", s, r)
			}
			again = "#" + r.Value
		case RefUser:
			again = "@" + r.Value
		default:
			t.Fatalf("ParseChannelRef(%q): kind %v", s, r.Kind)
		}
		r2, err := ParseChannelRef(again)
		if err != nil || r2 != r {
			t.Fatalf("re-parsing %q (from %q) = %+v, %v; want %+v", again, s, r2, err, r)
		}
	})
}

func FuzzParseTS(f *testing.F) {
	for _, s := range []string{"1700000000.123456", "p1700000000123456", "1700000000.1", "", "p", ".", "1.", "abc", "p123456", "P99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := ParseTS(s, "ts")
		if err != nil {
			if !strings.Contains(err.Error(), `"ts"`) {
				t.Fatalf("error does not name the argument: %v", err)
			}
			return
		}
		if !dottedTS.MatchString(ts) {
			t.Fatalf("ParseTS(%q) = %q", s, ts)
		}
		if again, err := ParseTS(ts, "ts"); err != nil || again != ts {
			t.Fatalf("ParseTS not idempotent on %q: %q, %v", ts, again, err)
		}
	})
}

func FuzzParseMessageURL(f *testing.F) {
	for _, s := range []string{
		"https://acme.slack.com/archives/C0123456789/p1700000000123456",
		"https://acme.slack.com/archives/C0123456789/p1700000000123456?thread_ts=1700000000.000100&cid=C0123456789",
		"https://acme.enterprise.slack.com/archives/D0123/p1700000000123456",
		"https://x.slack-gov.com/archives/G1/p1700000000123456",
		"acme.slack.com/archives/C1",
		"<https://acme.slack.com/archives/C1/p1700000000123456|x>",
		"deploy in:#ops from:@john",
		"https://slack.com/archives/",
		"http://[::1]/archives/C1/p1",
		"https://acme.slack.com/archives/C1/p1700000000123456?%",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok, err := ParseMessageURL(s)
		if !ok {
			if err != nil || m != (MessageURL{}) {
				t.Fatalf("ParseMessageURL(%q) = %+v, false, %v", s, m, err)
			}
			return
		}
		if err != nil {
			if m != (MessageURL{}) {
				t.Fatalf("ParseMessageURL(%q) returned %+v with error", s, m)
			}
			return
		}
		if !isSlackHost(m.Host) || !IsConversationID(m.ChannelID) || !dottedTS.MatchString(m.TS) || (m.ThreadTS != "" && !dottedTS.MatchString(m.ThreadTS)) {
			t.Fatalf("ParseMessageURL(%q) = %+v", s, m)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-01-15", "2024/01/15", "today", "yesterday", "Jan 15, 2024", "15 January 2024", "2024-01-15T10:00:00Z", "2024-01-15T10:00:00+14:00", "Feb 30", "0000-01-01", "jan 1st", "31 dec 9999"} {
		f.Add(s, int64(1710498600))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(unix%(1<<40), 0).UTC()
		d, err := ParseDate(s, now)
		if err != nil {
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("error is not UTF-8: %q", err.Error())
			}
			return
		}
		if h, m, sec := d.Clock(); h != 0 || m != 0 || sec != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %s is not midnight", s, d)
		}
		if len(SlackDate(d)) != 10 && d.Year() >= 1970 {
			t.Fatalf("SlackDate(%s) = %q", d, SlackDate(d))
		}
	})
}

func FuzzParseDuring(f *testing.F) {
	for _, s := range []string{"2024-01-15", "2024-01", "2024", "january", "Jan 2024", "this week", "last week", "this month", "last month", "today", "yesterday", "2024-13", "1960"} {
		f.Add(s, int64(1710498600))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		now := time.Unix(unix%(1<<40), 0).UTC()
		start, end, err := ParseDuring(s, now)
		if err != nil {
			return
		}
		if !start.Before(end) {
			t.Fatalf("ParseDuring(%q) = [%s, %s)", s, start, end)
		}
		if end.Sub(start) > 367*24*time.Hour {
			t.Fatalf("ParseDuring(%q) spans %s", s, end.Sub(start))
		}
	})
}

func FuzzEmoji(f *testing.F) {
	for _, s := range []string{"thumbsup", ":tada:", "+1::skin-tone-2", ":+1::skin-tone-6:", "👍", "thumbs up", "::", ":", "::skin-tone-2", "a:b", "ありがとう", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Emoji(s)
		if err != nil {
			return
		}
		if e == "" || strings.ContainsAny(e, " \t\n") || strings.HasPrefix(e, ":") || strings.HasSuffix(e, ":") {
			t.Fatalf("Emoji(%q) = %q", s, e)
		}
		if again, err := Emoji(e); err != nil || again != e {
			t.Fatalf("Emoji not idempotent on %q: %q, %v", e, again, err)
		}
		base, _, _ := strings.Cut(e, "::")
		if StandardEmoji(e) != StandardEmoji(base) {
			t.Fatalf("StandardEmoji(%q) depends on the skin tone", e)
		}
	})
}
