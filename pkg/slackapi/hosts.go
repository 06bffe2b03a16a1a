package slackapi

import (
	"errors"
	"fmt"
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
// origin of BaseURL or of the client's validated API URL, or an http(s)
// URL on one of Options.TrustedHosts.
func (f *Factory) mayReceiveToken(u *url.URL, api *url.URL) bool {
	if u == nil || u.User != nil {
		return false
	}
	if strings.EqualFold(u.Scheme, "https") && isSlackDomain(u.Hostname()) {
		return true
	}
	if f.trusted[strings.ToLower(u.Host)] && oneOf(u.Scheme, "http", "https") {
		return true
	}
	return sameOrigin(u, f.base) || sameOrigin(u, api)
}

// parseTrustedHosts checks that every entry is a bare host[:port].
func parseTrustedHosts(hosts []string) (map[string]bool, error) {
	if len(hosts) == 0 {
		return nil, nil
	}
	out := make(map[string]bool, len(hosts))
	var errs []error
	for _, h := range hosts {
		u, err := url.Parse("http://" + h)
		if h == "" || err != nil || u.Host != h || u.Hostname() == "" {
			errs = append(errs, fmt.Errorf("slackapi: TrustedHosts: want host[:port] without scheme or path, got %q", h))
			continue
		}
		out[strings.ToLower(h)] = true
	}
	return out, errors.Join(errs...)
}
