package slackoauth

import (
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

var errReturnURL = errors.New("slackoauth: return_url must be a relative path on this server or an allowed origin")

// checkReturnURL accepts "" (none), a path on this server ("/done?x=1")
// or an absolute http(s) URL whose origin is in allowed (normalized
// "scheme://host[:port]"). It refuses anything a browser could resolve to
// another origin: "//evil.com", "/\evil.com", "https:evil", "javascript:",
// control characters and whitespace (browsers strip tabs and newlines, so
// "/\t/evil.com" becomes "//evil.com"), backslashes anywhere, user info.
func checkReturnURL(raw string, allowed map[string]bool) (string, error) {
	if raw == "" {
		return "", nil
	}
	if len(raw) > maxMetadataBytes || !utf8.ValidString(raw) {
		return "", errReturnURL
	}
	for _, c := range raw {
		if c <= 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' {
			return "", errReturnURL
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.User != nil || u.Opaque != "" {
		return "", errReturnURL
	}
	if strings.HasPrefix(raw, "/") {
		// A path on this server: no scheme, no authority.
		if strings.HasPrefix(raw, "//") || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
			return "", errReturnURL
		}
		return raw, nil
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasPrefix(raw, u.Scheme+"://") {
		return "", errReturnURL
	}
	if u.Hostname() == "" || strings.Contains(u.Host, "%") {
		return "", errReturnURL
	}
	if !allowed[u.Scheme+"://"+strings.ToLower(u.Host)] {
		return "", errReturnURL
	}
	return raw, nil
}

// withQuery returns target with the given query parameters set; target
// was accepted by checkReturnURL.
func withQuery(target string, kv ...string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "/"
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}
