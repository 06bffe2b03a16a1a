package slackapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

var errNotSlackHost = errors.New("slackapi: refusing to send the token to a host that is not Slack's")

const maxRedirects = 10

// Download fetches a Slack-hosted file (url_private / url_private_download)
// with the token. The token (Bearer header, and the session cookie for xoxc
// tokens) goes only to https Slack hosts (*.slack.com, *.slack-edge.com,
// *.slack-gov.com, slack-files.com) and to the origins of BaseURL and the
// workspace URL; other URLs are refused. Redirects are followed, and a hop
// to another host gets the credentials only if that host qualifies too. At
// most maxBytes are read: a larger file yields ErrTooLarge. A non-200 answer
// yields an error carrying the status (slack.StatusCodeError); an HTML
// sign-in page instead of the file yields ErrLoginPage.
func (c *Client) Download(ctx context.Context, fileURL string, maxBytes int64) (data []byte, contentType string, err error) {
	if maxBytes <= 0 {
		return nil, "", errors.New("slackapi: download: maxBytes must be positive")
	}
	u, err := url.Parse(fileURL)
	if err != nil || !u.IsAbs() {
		return nil, "", errors.New("slackapi: download: not an absolute URL")
	}
	if !c.f.mayReceiveToken(u, c.apiURL) {
		return nil, "", fmt.Errorf("%w (%s)", errNotSlackHost, u.Hostname())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", fmt.Errorf("slackapi: download: %w", err)
	}
	c.authorize(req)

	hc := *c.f.http
	hc.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return errors.New("slackapi: download: too many redirects")
		}
		if c.f.mayReceiveToken(r.URL, c.apiURL) {
			c.authorize(r)
		} else {
			r.Header.Del("Authorization")
			r.Header.Del("Cookie")
		}
		return nil
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("slackapi: download: %w", scrubURLError(err))
	}
	defer func() { _ = resp.Body.Close() }()

	c.f.log.Debug().Ctx(ctx).Str("host", resp.Request.URL.Hostname()).Int("status", resp.StatusCode).
		Int64("length", resp.ContentLength).Str("token", c.creds.Fingerprint()).Msg("slack download")
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("slackapi: download: %w", statusError(resp))
	}
	if resp.ContentLength > maxBytes {
		return nil, "", ErrTooLarge
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("slackapi: download: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, "", ErrTooLarge
	}
	contentType = resp.Header.Get("Content-Type")
	if isLoginPage(contentType, data) {
		return nil, "", ErrLoginPage
	}
	return data, contentType, nil
}

// authorize puts the client's credentials on a request to a Slack host.
func (c *Client) authorize(r *http.Request) {
	r.Header.Set("Authorization", "Bearer "+c.creds.Token)
	if c.f.userAgent != "" {
		r.Header.Set("User-Agent", c.f.userAgent)
	}
	if c.Identity.Kind == SessionToken {
		if v := cookieValue(c.creds.Cookie); v != "" {
			r.Header.Del("Cookie")
			addSessionCookie(r.Header, v)
		}
	}
}

// isLoginPage recognises the HTML sign-in page Slack serves in place of a
// file when the credentials may not read it. Uploaded HTML files that are
// not sign-in pages are returned as they are.
func isLoginPage(contentType string, data []byte) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "text/html" {
		return false
	}
	head := bytes.ToLower(data[:min(len(data), 64<<10)])
	if !bytes.Contains(head, []byte("<html")) && !bytes.Contains(head, []byte("<!doctype html")) {
		return false
	}
	for _, marker := range [][]byte{[]byte("sign in"), []byte("signin"), []byte("log in"), []byte("login")} {
		if bytes.Contains(head, marker) {
			return true
		}
	}
	return false
}
