package params

import (
	"fmt"
	"net/url"
	"strings"
)

// ParseTS parses a Slack message timestamp argument named name and returns it
// in Slack's dotted form, "1700000000.123456". It also accepts:
//
//   - the permalink form "p1700000000123456" (the last six digits are the
//     fraction);
//   - a fraction shorter than six digits, which is right-padded with zeros
//     ("1700000000.1" is "1700000000.100000"), because clients that send the
//     timestamp as a JSON number lose trailing zeros.
//
// Surrounding spaces are ignored. Anything else is an error naming name.
func ParseTS(s, name string) (string, error) {
	t := strings.TrimSpace(s)
	if ts, ok := parseTS(t); ok {
		return ts, nil
	}
	if t == "" {
		return "", fmt.Errorf("%q is required: a Slack message timestamp such as 1700000000.123456", name)
	}
	return "", fmt.Errorf("%q must be a Slack message timestamp such as 1700000000.123456 (the ts field of a message, or the p1700000000123456 part of its link); got %s", name, quote(t))
}

// TSArg reads args[key] with ParseTS, refusing an object or a list
// (Scalar). An absent or empty optional timestamp returns "".
func TSArg(args map[string]any, key string, required bool) (string, error) {
	raw, err := Scalar(args, key)
	if err != nil {
		return "", err
	}
	if !required && strings.TrimSpace(raw) == "" {
		return "", nil
	}
	return ParseTS(raw, key)
}

func parseTS(t string) (string, bool) {
	if len(t) > 1 && (t[0] == 'p' || t[0] == 'P') {
		d := t[1:]
		if len(d) < 7 || len(d) > 18 || !isDigits(d) {
			return "", false
		}
		return d[:len(d)-6] + "." + d[len(d)-6:], true
	}
	sec, frac, ok := strings.Cut(t, ".")
	if !ok || len(sec) == 0 || len(sec) > 12 || !isDigits(sec) || len(frac) == 0 || len(frac) > 6 || !isDigits(frac) {
		return "", false
	}
	return sec + "." + frac + strings.Repeat("0", 6-len(frac)), true
}

// MessageURL is a parsed Slack message link.
type MessageURL struct {
	// Host is the lowercased workspace host, e.g. "acme.slack.com".
	Host string
	// ChannelID is the conversation holding the message.
	ChannelID string
	// TS is the message timestamp in dotted form.
	TS string
	// ThreadTS is the parent's timestamp when the link points at a reply in
	// a thread (the thread_ts query parameter), else "".
	ThreadTS string
}

// ParseMessageURL parses a Slack message permalink such as
//
//	https://acme.slack.com/archives/C0123ABCD/p1700000000123456
//	https://acme.slack.com/archives/C0123ABCD/p1700000000123456?thread_ts=1700000000.000100&cid=C0123ABCD
//
// on any host under slack.com or slack-gov.com (including Enterprise Grid
// hosts like acme.enterprise.slack.com). The scheme may be omitted, and
// Slack's own <url> or <url|label> wrapping is removed.
//
// ok is false, with a nil error, when s is not a Slack archives link at all
// (for example a search query, or any text with spaces): the caller should
// treat it as something else. When s is a Slack archives link that does not
// name a message (a channel link, a bad timestamp, a cid that disagrees with
// the path), ok is true and err says what is wrong.
func ParseMessageURL(s string) (MessageURL, bool, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") {
		t, _, _ = strings.Cut(t[1:len(t)-1], "|")
	}
	if t == "" || strings.ContainsFunc(t, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return MessageURL{}, false, nil
	}
	lower := strings.ToLower(t)
	if !strings.Contains(lower, "://") {
		if !strings.Contains(lower, "/archives/") {
			return MessageURL{}, false, nil
		}
		t = "https://" + t
	}
	u, err := url.Parse(t)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return MessageURL{}, false, nil
	}
	host := strings.ToLower(u.Hostname())
	if !isSlackHost(host) || u.Port() != "" {
		return MessageURL{}, false, nil
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) == 0 || segs[0] != "archives" {
		return MessageURL{}, false, nil
	}
	const how = "; pass a message link as copied from Slack (Copy link), such as https://acme.slack.com/archives/C0123456789/p1700000000123456"
	if len(segs) < 2 || !IsConversationID(segs[1]) {
		return MessageURL{}, true, fmt.Errorf("the Slack link has no valid channel ID after /archives/%s", how)
	}
	if len(segs) == 2 {
		return MessageURL{}, true, fmt.Errorf("the Slack link points to a channel, not a message%s", how)
	}
	if len(segs) > 3 {
		return MessageURL{}, true, fmt.Errorf("the Slack link has unexpected parts after the message timestamp%s", how)
	}
	ts, ok := parseTS(segs[2])
	if !ok || (segs[2][0] != 'p' && segs[2][0] != 'P') {
		return MessageURL{}, true, fmt.Errorf("the Slack link's last part is not a message timestamp like p1700000000123456%s", how)
	}
	m := MessageURL{Host: host, ChannelID: segs[1], TS: ts}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return MessageURL{}, true, fmt.Errorf("the Slack link's query string is malformed%s", how)
	}
	if v := q.Get("thread_ts"); v != "" {
		tts, ok := parseTS(strings.TrimSpace(v))
		if !ok {
			return MessageURL{}, true, fmt.Errorf("the Slack link's thread_ts is not a message timestamp like 1700000000.123456%s", how)
		}
		m.ThreadTS = tts
	}
	if cid := q.Get("cid"); cid != "" && cid != m.ChannelID {
		return MessageURL{}, true, fmt.Errorf("the Slack link names two different channels (%s in the path, cid=%s)%s", m.ChannelID, quote(cid), how)
	}
	return m, true, nil
}

func isSlackHost(h string) bool {
	for _, d := range []string{"slack.com", "slack-gov.com"} {
		if h == d || (strings.HasSuffix(h, "."+d) && len(h) > len(d)+1) {
			return true
		}
	}
	return false
}
