package slackapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"syscall"

	"github.com/slack-go/slack"
)

// Rejected reports whether Slack itself answered with an error envelope
// (invalid_auth, token_revoked, ...): only then was a token rejected.
// Anything else at start (DNS, TLS, proxy, timeout, an answer that is not
// Slack's) is a failure to reach Slack, described by Unreachable.
func Rejected(err error) bool {
	_, ok := slackError(err)
	return ok
}

// Unreachable says what failed when a request never got Slack's answer, in
// words an operator can act on; "" when err is not such a failure. The
// description never includes a URL's query or a token.
func Unreachable(err error) string {
	if err == nil || Rejected(err) {
		return ""
	}
	var (
		dns      *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		op       *net.OpError
		status   slack.StatusCodeError
		syntax   *json.SyntaxError
		netErr   net.Error
	)
	switch {
	case errors.As(err, &op) && op.Op == "proxyconnect":
		return "could not connect to the proxy (SLACK_MCP_PROXY): " + causeOf(op.Err)
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "DNS lookup failed: host " + dns.Name + " not found"
		}
		return "DNS lookup of " + dns.Name + " failed: " + dns.Err
	case errors.As(err, &unknown), errors.As(err, &verify):
		return "TLS failed: the server's certificate is not signed by a trusted authority (a TLS-inspecting proxy needs its CA in SLACK_MCP_SERVER_CA)"
	case errors.As(err, &hostname):
		return "TLS failed: the server's certificate is not valid for " + hostname.Host
	case errors.As(err, &invalid):
		return "TLS failed: the server's certificate is invalid (" + invalid.Error() + ")"
	case errors.As(err, &record):
		return "TLS failed: the server did not answer with TLS (is it plain http?)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: nothing listens at that address"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timed out waiting for Slack"
	case errors.As(err, &status):
		return "the server answered HTTP " + status.Status + " instead of Slack's API (check SLACK_MCP_SLACK_URL and any proxy)"
	case errors.As(err, &syntax):
		return "the server's answer is not Slack's JSON (a captive portal or proxy page?)"
	case errors.As(err, &op):
		return "network error: " + causeOf(op)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return "request failed: " + causeOf(ue.Err)
	}
	return ""
}

// causeOf is err's text with tokens redacted.
func causeOf(err error) string {
	if err == nil {
		return "unknown error"
	}
	return redactTokens(err.Error())
}
