package slackapi

import (
	"net/url"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// TokenKind is the kind of Slack token, read from its prefix.
type TokenKind int

// Token kinds. The zero value means an unknown prefix.
const (
	// UserToken is an xoxp- token (or a rotating xoxe.xoxp- one).
	UserToken TokenKind = iota + 1
	// BotToken is an xoxb- token (or a rotating xoxe.xoxb- one).
	BotToken
	// SessionToken is a browser session xoxc- token; it needs the xoxd "d" cookie.
	SessionToken
)

// String names the kind for logs and messages.
func (k TokenKind) String() string {
	switch k {
	case UserToken:
		return "user"
	case BotToken:
		return "bot"
	case SessionToken:
		return "session"
	default:
		return "unknown"
	}
}

// KindOf returns the kind of token from its prefix, or 0 for unknown prefixes.
func KindOf(token string) TokenKind {
	t := strings.TrimSpace(token)
	switch {
	case strings.HasPrefix(t, "xoxp-"), strings.HasPrefix(t, "xoxe.xoxp-"):
		return UserToken
	case strings.HasPrefix(t, "xoxb-"), strings.HasPrefix(t, "xoxe.xoxb-"):
		return BotToken
	case strings.HasPrefix(t, "xoxc-"):
		return SessionToken
	default:
		return 0
	}
}

// Credentials are what a Client authenticates with.
type Credentials struct {
	// Token is the xoxp-, xoxb- or xoxc- token.
	Token string
	// Cookie is the xoxd value of the "d" cookie that session (xoxc-) tokens
	// need. It may be given raw ("xoxd-a/b+c="), URL-encoded
	// ("xoxd-a%2Fb%2Bc%3D"), with a "d=" prefix, or as a whole Cookie header.
	Cookie string
}

// Fingerprint is a short, stable, non-reversible identifier of the token
// (first 12 hex digits of its SHA-256) for logs and bucket keys. Tokens
// themselves are never logged.
func (c Credentials) Fingerprint() string {
	return tenant.Fingerprint(c.Token)
}

// cookieValue normalises an xoxd cookie into the URL-encoded value Slack
// expects after "d=". It returns "" when there is no cookie.
func cookieValue(raw string) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	// A whole Cookie header ("d=...; d-s=...") or a "d=" prefixed value.
	if strings.Contains(v, ";") || strings.HasPrefix(v, "d=") {
		found := false
		for part := range strings.SplitSeq(v, ";") {
			part = strings.TrimSpace(part)
			if rest, ok := strings.CutPrefix(part, "d="); ok {
				v, found = rest, true
				break
			}
		}
		if !found {
			v = strings.TrimSpace(strings.SplitN(v, ";", 2)[0])
		}
	}
	v = strings.Trim(v, `"`)
	if v == "" {
		return ""
	}
	// Already URL-encoded values (Slack stores it so in the browser) keep
	// their form; raw ones are encoded.
	if strings.Contains(v, "%") {
		if _, err := url.QueryUnescape(v); err == nil {
			return v
		}
	}
	return url.QueryEscape(v)
}
