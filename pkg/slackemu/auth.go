package slackemu

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// How a call proves who it is: a Bearer token, a token parameter, or a
// browser-session token with its d cookie, as slack.com accepts them.

func (c *call) authenticate() error {
	tok := ""
	if h := c.r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			tok = strings.TrimSpace(rest)
		}
	}
	if tok == "" {
		tok = c.p.Get("token")
	}
	if tok == "" {
		return fail("not_authed")
	}
	c.w.mu.RLock()
	t, ok := c.w.tokens[tok]
	_, revoked := c.w.revoked[tok]
	var deleted bool
	if ok {
		if u := c.w.userByID(t.UserID); u != nil {
			deleted = u.Deleted
		}
	}
	c.w.mu.RUnlock()
	if !ok {
		if revoked {
			return fail("token_revoked")
		}
		return fail("invalid_auth")
	}
	if t.Kind == SessionToken && !cookieMatches(c.r, t.Cookie) {
		return fail("invalid_auth")
	}
	if expired(t, c.s.opts.Now()) {
		return fail("token_expired")
	}
	if deleted {
		return fail("account_inactive")
	}
	c.tokenStr, c.token = tok, t
	return nil
}

// bearerToken reports whether the request carries a valid token (Bearer header,
// plus the d cookie for session tokens).
func (s *Server) bearerToken(r *http.Request) (Token, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return Token{}, false
	}
	s.ws.mu.RLock()
	t, ok := s.ws.tokens[strings.TrimSpace(tok)]
	s.ws.mu.RUnlock()
	if !ok || (t.Kind == SessionToken && !cookieMatches(r, t.Cookie)) || expired(t, s.opts.Now()) {
		return Token{}, false
	}
	return t, true
}

// expired reports whether t has an expiry and now has reached it.
func expired(t Token, now time.Time) bool {
	return !t.Expires.IsZero() && !now.Before(t.Expires)
}

func cookieMatches(r *http.Request, want string) bool {
	if want == "" {
		return true
	}
	ck, err := r.Cookie("d")
	if err != nil {
		return false
	}
	return unescapeCookie(ck.Value) == unescapeCookie(want)
}

// unescapeCookie decodes the percent-encoding xoxd cookies usually carry.
func unescapeCookie(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
