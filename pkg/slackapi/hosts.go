package slackapi

import (
	"net/url"
	"strings"
)

// slackDomains are the domains (and their subdomains) that may receive a
// token over https.
func isSlackDomain(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range [...]string{"slack.com", "slack-edge.com", "slack-gov.com", "slack-files.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// sameOrigin reports whether u has the scheme and host[:port] of ref.
func sameOrigin(u, ref *url.URL) bool {
	return ref != nil && strings.EqualFold(u.Scheme, ref.Scheme) && strings.EqualFold(u.Host, ref.Host)
}

// mayReceiveToken reports whether a request to u may carry the token (as a
// Bearer header or the session cookie): https Slack domains, or the exact
// origin of BaseURL or of the client's validated API URL.
func (f *Factory) mayReceiveToken(u *url.URL, api *url.URL) bool {
	if u == nil || u.User != nil {
		return false
	}
	if strings.EqualFold(u.Scheme, "https") && isSlackDomain(u.Hostname()) {
		return true
	}
	return sameOrigin(u, f.base) || sameOrigin(u, api)
}
