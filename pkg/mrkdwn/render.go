package mrkdwn

import (
	"strconv"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Resolver looks up names for the IDs in mentions. Each method returns false
// when the ID is unknown; Render then shows the ID itself.
type Resolver interface {
	// UserName returns a display name for a user ID (U… or W…).
	UserName(id string) (string, bool)
	// ChannelName returns a channel's name, without '#'.
	ChannelName(id string) (string, bool)
	// UserGroupHandle returns a user group's handle, with or without '@'.
	UserGroupHandle(id string) (string, bool)
}

// Render converts Slack mrkdwn text to readable plain text; the package
// documentation lists the rules. r may be nil, in which case mentions
// without a label show their IDs.
func Render(text string, r Resolver) string {
	if !strings.ContainsAny(text, "<&") {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	scan(text, func(lit string) {
		writeDecoded(&b, lit)
	}, func(inner string) {
		if !renderToken(&b, inner, r) {
			b.WriteByte('<')
			writeDecoded(&b, inner)
			b.WriteByte('>')
		}
	})
	return b.String()
}

// Mentions returns the user IDs and channel IDs mentioned in text, each list
// unique and in order of first appearance, so that a caller can resolve them
// in one batch before calling Render. IDs from labelled mentions
// (<@U1|name>, <#C1|general>) are included even though Render does not need
// to resolve them. Either list is nil when there are none.
func Mentions(text string) (userIDs, channelIDs []string) {
	if !strings.Contains(text, "<") {
		return nil, nil
	}
	scan(text, func(string) {}, func(inner string) {
		switch {
		case strings.HasPrefix(inner, "@"):
			if id, _, ok := splitRef(inner[1:], isUserID); ok {
				userIDs = appendUnique(userIDs, id)
			}
		case strings.HasPrefix(inner, "#"):
			if id, _, ok := splitRef(inner[1:], isChannelID); ok {
				channelIDs = appendUnique(channelIDs, id)
			}
		}
	})
	return userIDs, channelIDs
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// scan splits text into literal runs and the insides of <…> tokens. A token
// ends at the first '>'; a '<' met first means the earlier '<' was literal.
// Every byte is examined at most twice, so scan is linear.
func scan(text string, lit func(string), token func(string)) {
	for len(text) > 0 {
		i := strings.IndexByte(text, '<')
		if i < 0 {
			lit(text)
			return
		}
		if i > 0 {
			lit(text[:i])
		}
		text = text[i:]
		j := strings.IndexAny(text[1:], "<>")
		if j < 0 || text[1+j] == '<' {
			lit("<")
			text = text[1:]
			continue
		}
		token(text[1 : 1+j])
		text = text[2+j:]
	}
}

// writeDecoded writes s with &amp;, &lt; and &gt; decoded in one pass, so
// "&amp;lt;" becomes "&lt;" and not "<".
func writeDecoded(b *strings.Builder, s string) {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "&amp;"):
			b.WriteByte('&')
			s = s[5:]
		case strings.HasPrefix(s, "&lt;"):
			b.WriteByte('<')
			s = s[4:]
		case strings.HasPrefix(s, "&gt;"):
			b.WriteByte('>')
			s = s[4:]
		default:
			b.WriteByte('&')
			s = s[1:]
		}
	}
}

func decoded(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	writeDecoded(&b, s)
	return b.String()
}

// renderToken writes the rendering of the markup inside <…> and reports
// whether inner was markup at all.
func renderToken(b *strings.Builder, inner string, r Resolver) bool {
	if inner == "" {
		return false
	}
	switch inner[0] {
	case '@':
		id, label, ok := splitRef(inner[1:], isUserID)
		if !ok {
			return false
		}
		name := strings.TrimPrefix(label, "@")
		if name == "" && r != nil {
			if n, found := r.UserName(id); found {
				name = strings.TrimPrefix(n, "@")
			}
		}
		if name == "" {
			name = id
		}
		b.WriteByte('@')
		b.WriteString(name)
		return true
	case '#':
		id, label, ok := splitRef(inner[1:], isChannelID)
		if !ok {
			return false
		}
		name := strings.TrimPrefix(label, "#")
		if name == "" && r != nil {
			if n, found := r.ChannelName(id); found {
				name = strings.TrimPrefix(n, "#")
			}
		}
		if name == "" {
			name = id
		}
		b.WriteByte('#')
		b.WriteString(name)
		return true
	case '!':
		return renderSpecial(b, inner[1:], r)
	}
	return renderLink(b, inner)
}

// splitRef splits "ID|label" (label optional, possibly empty) and checks the
// ID's shape. The label comes back entity-decoded.
func splitRef(s string, valid func(string) bool) (id, label string, ok bool) {
	id, label, _ = strings.Cut(s, "|")
	if !valid(id) {
		return "", "", false
	}
	return id, decoded(label), true
}

func renderSpecial(b *strings.Builder, s string, r Resolver) bool {
	cmd, label, hasLabel := strings.Cut(s, "|")
	name, arg, _ := strings.Cut(cmd, "^")
	switch name {
	case "here", "channel", "everyone":
		b.WriteByte('@')
		b.WriteString(name)
		return true
	case "group": // legacy @channel for private groups
		b.WriteString("@channel")
		return true
	case "subteam":
		id, _, _ := strings.Cut(arg, "^")
		if !params.IsUsergroupID(id) {
			return false
		}
		handle := strings.TrimPrefix(decoded(label), "@")
		if handle == "" && r != nil {
			if h, found := r.UserGroupHandle(id); found {
				handle = strings.TrimPrefix(h, "@")
			}
		}
		if handle == "" {
			handle = id
		}
		b.WriteByte('@')
		b.WriteString(handle)
		return true
	case "date":
		if hasLabel && label != "" {
			writeDecoded(b, label)
			return true
		}
		ts, _, _ := strings.Cut(arg, "^")
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || sec < -62135596800 || sec > 253402300799 { // years 1..9999
			return false
		}
		b.WriteString(time.Unix(sec, 0).UTC().Format("2006-01-02 15:04 UTC"))
		return true
	}
	if hasLabel && label != "" {
		writeDecoded(b, label)
		return true
	}
	return false
}

func renderLink(b *strings.Builder, inner string) bool {
	rawURL, rawLabel, _ := strings.Cut(inner, "|")
	if !hasScheme(rawURL) {
		return false
	}
	u := decoded(rawURL)
	label := strings.TrimSpace(decoded(rawLabel))
	bare := u
	lower := strings.ToLower(u)
	for _, p := range []string{"mailto:", "tel:", "sms:"} {
		if strings.HasPrefix(lower, p) {
			bare = u[len(p):]
			break
		}
	}
	switch {
	case bare != u && (label == "" || label == bare || label == u):
		b.WriteString(bare) // mailto:a@b.com reads as a@b.com
	case label == "" || sameLink(label, u):
		b.WriteString(u)
	default:
		b.WriteString(label)
		b.WriteString(" (")
		b.WriteString(u)
		b.WriteByte(')')
	}
	return true
}

// sameLink reports whether a link's label merely repeats its URL, as in
// Slack's auto-links: <http://example.com|example.com>.
func sameLink(label, u string) bool {
	if label == u {
		return true
	}
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return false
	}
	return label == rest || label+"/" == rest || label == strings.TrimPrefix(rest, "www.")
}

// hasScheme reports whether s starts with a URL scheme and colon
// ("https:", "mailto:", "slack:").
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for k := 0; k < i; k++ {
		c := s[k]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case k > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\n")
}

// isUserID accepts what a user mention names: a person (params.IsUserID)
// or, in messages of old integrations, a bot (params.IsBotID).
func isUserID(s string) bool { return params.IsUserID(s) || params.IsBotID(s) }

func isChannelID(s string) bool { return params.IsConversationID(s) }
