package slackemu

import "strings"

// escapeText stores posted text the way Slack is observed to: the three
// control characters that are not part of markup become entities.
//
// docs.slack.dev "Formatting text for app surfaces" (Escaping text) asks
// senders to write &, < and > as &amp;, &lt; and &gt; unless they mean
// markup, and says that only those three are decoded; it does not say what
// Slack stores when a sender does not. We assume what clients of the Web
// API report: conversations.history returns such text escaped, markup
// (<@U1>, <#C1|x>, <!here>, <https://…|label>) and entities already
// written are kept. A reader that decodes exactly once shows the same text
// under either reading.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		switch s[i] {
		case '&':
			if ent := entityAt(s[i:]); ent != "" {
				b.WriteString(ent)
				i += len(ent)
				continue
			}
			b.WriteString("&amp;")
		case '<':
			if end := strings.IndexByte(s[i+1:], '>'); end >= 0 && isMarkup(s[i+1:i+1+end]) {
				b.WriteString(s[i : i+2+end])
				i += 2 + end
				continue
			}
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(s[i])
		}
		i++
	}
	return b.String()
}

// entityAt returns the entity Slack decodes at the start of s, or "".
func entityAt(s string) string {
	for _, e := range []string{"&amp;", "&lt;", "&gt;"} {
		if strings.HasPrefix(s, e) {
			return e
		}
	}
	return ""
}

// isMarkup reports whether the inside of <…> is Slack markup: a mention,
// a special command or a link with a URL scheme.
func isMarkup(inner string) bool {
	if inner == "" || strings.ContainsAny(inner, "<\n") {
		return false
	}
	switch inner[0] {
	case '@', '#', '!':
		return len(inner) > 1
	}
	target, _, _ := strings.Cut(inner, "|")
	scheme, rest, ok := strings.Cut(target, ":")
	if !ok || scheme == "" || rest == "" || strings.ContainsAny(target, " \t") {
		return false
	}
	for i, r := range scheme {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}
