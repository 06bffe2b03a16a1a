package oauthserver

import (
	"errors"
	"net/url"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
)

const (
	maxRedirectURIs   = 20
	maxRedirectURILen = 2048
)

// blockedSchemes can never be redirect targets: they run code, read
// local files or are not navigations an OAuth client can receive.
var blockedSchemes = map[string]bool{
	"javascript": true, "data": true, "file": true, "vbscript": true, "about": true,
	"blob": true, "filesystem": true, "ftp": true, "ws": true, "wss": true,
	"mailto": true, "tel": true, "sms": true, "chrome": true, "view-source": true,
}

// checkRedirectURI applies our registration policy to one redirect URI:
//   - https with a host;
//   - http only for loopback hosts (localhost, 127.0.0.0/8, [::1]), any port;
//   - private-use schemes (cursor://, vscode://, claude://,
//     com.example.app:/cb, RFC 8252 §7.1), matched exactly at authorize
//     time, PKCE being the safeguard; dangerous schemes are refused;
//   - never a fragment, user info, whitespace or control characters.
func checkRedirectURI(raw string) (*url.URL, error) {
	if raw == "" || len(raw) > maxRedirectURILen {
		return nil, errors.New("redirect URI is empty or too long")
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= 0x20 || c >= 0x7f || c == '\\' {
			return nil, errors.New("redirect URI contains whitespace, control, non-ASCII or backslash characters")
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return nil, errors.New("redirect URI is not an absolute URI")
	}
	if strings.Contains(raw, "#") || u.Fragment != "" {
		return nil, errors.New("redirect URI must not contain a fragment")
	}
	if u.User != nil {
		return nil, errors.New("redirect URI must not contain user info")
	}
	scheme := u.Scheme // url.Parse lowercases it
	switch {
	case scheme == "https":
		if u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
			return nil, errors.New("https redirect URI needs a host")
		}
	case scheme == "http":
		if u.Opaque != "" || !loopback.IsHost(u.Hostname()) {
			return nil, errors.New("http redirect URIs are allowed only for loopback hosts (localhost, 127.0.0.1, [::1]); use https")
		}
	case blockedSchemes[scheme]:
		return nil, errors.New("redirect URI scheme " + scheme + " is not allowed")
	default:
		// Private-use scheme: must be a real scheme name, and not
		// smuggle a web origin the browser would treat as one.
		if len(scheme) < 2 {
			return nil, errors.New("redirect URI scheme is too short (a Windows drive letter?)")
		}
	}
	return u, nil
}

// matchRedirect reports whether requested may be used with a client that
// registered registered: an exact string match, or, for loopback http
// redirects (RFC 8252 §7.3), the same host, path and query on any port.
func matchRedirect(registered, requested string) bool {
	if registered == requested {
		return true
	}
	ru, err := url.Parse(registered)
	if err != nil || ru.Scheme != "http" || !loopback.IsHost(ru.Hostname()) {
		return false
	}
	qu, err := checkRedirectURI(requested)
	if err != nil || qu.Scheme != "http" {
		return false
	}
	if !strings.HasPrefix(requested, "http://") || !strings.HasPrefix(registered, "http://") {
		return false // "HTTP://" spellings are not exact
	}
	if ru.Hostname() != qu.Hostname() || ru.RawQuery != qu.RawQuery || ru.User != nil || ru.Fragment != "" {
		return false
	}
	if strings.HasSuffix(qu.Host, ":") {
		return false // an empty port is not a port
	}
	rp, qp := ru.EscapedPath(), qu.EscapedPath()
	if rp == "" {
		rp = "/"
	}
	if qp == "" {
		qp = "/"
	}
	return rp == qp && ru.ForceQuery == qu.ForceQuery
}

// allowedRedirect finds requested among the client's registered URIs.
func allowedRedirect(registered []string, requested string) bool {
	for _, r := range registered {
		if matchRedirect(r, requested) {
			return true
		}
	}
	return false
}

// onlyLoopback reports whether every registered redirect is loopback
// http (the consent page warns: any local program could be the client).
func onlyLoopback(registered []string) bool {
	if len(registered) == 0 {
		return false
	}
	for _, r := range registered {
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "http" || !loopback.IsHost(u.Hostname()) {
			return false
		}
	}
	return true
}

// redirectHost is what the consent pages show most prominently as the
// destination: the host of an http(s) redirect, or the whole URI of any
// other scheme. For microsoft-edge:https://evil.example/cb the scheme
// alone would hide where the code really goes (the program registered
// for the scheme gets the rest).
func redirectHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || !isWebScheme(u.Scheme) || u.Host == "" {
		return raw
	}
	return u.Host
}

func isWebScheme(scheme string) bool { return scheme == "http" || scheme == "https" }

// formActionSource is the CSP source expression that lets the consent
// form's redirect chain end at redirectURI: Chromium checks form-action
// on every redirect after a form POST, so 'self' alone blocks the 303 of
// Deny and, when Slack approves without a page, the redirect from our
// callback to the client. Paths are not matched after redirects (CSP3),
// so the expression is the origin, or "scheme:" for a private-use
// scheme. ok is false when no expression can be written safely (a host
// with characters CSP's grammar lacks): the page then keeps the stricter
// policy.
func formActionSource(redirectURI string) (string, bool) {
	u, err := url.Parse(redirectURI)
	if err != nil || !cspToken(u.Scheme, "+.-") {
		return "", false
	}
	if !isWebScheme(u.Scheme) {
		return u.Scheme + ":", true
	}
	host, port := u.Hostname(), u.Port()
	if strings.Contains(host, ":") {
		// An IPv6 literal: CSP's host-source grammar has none, so the
		// scheme is the narrowest expression that matches ([::1] only,
		// since http is loopback-only for clients).
		if u.Scheme != "http" || !loopback.IsHost(host) {
			return "", false
		}
		return "http:", true
	}
	if host == "" || !cspToken(host, ".-") || (port != "" && !cspToken(port, "")) {
		return "", false
	}
	src := u.Scheme + "://" + host
	if port != "" {
		src += ":" + port
	}
	return src, true
}

// cspToken reports whether s is non-empty and made only of ASCII letters,
// digits and the extra characters: nothing that could end a directive
// or a source list in a header.
func cspToken(s, extra string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// withParams appends query parameters to a redirect URI that already
// passed checkRedirectURI, keeping its own query.
func withParams(target string, params url.Values) string {
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
		if strings.HasSuffix(target, "?") || strings.HasSuffix(target, "&") {
			sep = ""
		}
	}
	return target + sep + params.Encode()
}
