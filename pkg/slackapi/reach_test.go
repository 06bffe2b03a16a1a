package slackapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// closedPort is a loopback address nothing listens at.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// Issue 8: a network failure at start was reported as "token was rejected
// by Slack". Connect's error now says what failed, and only Slack's own
// error envelope counts as a rejection.
func TestUnreachableSaysWhatFailed(t *testing.T) {
	t.Parallel()
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<html>sign in to the wifi</html>"))
	}))
	t.Cleanup(html.Close)
	rejecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":false,"error":"invalid_auth"}`))
	}))
	t.Cleanup(rejecting.Close)

	tests := []struct {
		name     string
		o        Options
		want     string // in Unreachable's text; "" for a rejection
		rejected bool
	}{
		{name: "closed port", o: Options{BaseURL: "http://" + closedPort(t)}, want: "connection refused"},
		{name: "TLS server without its CA", o: Options{BaseURL: tlsSrv.URL}, want: "not signed by a trusted authority"},
		{name: "https to a plain http server", o: Options{BaseURL: "https://" + plain.Listener.Addr().String()}, want: "HTTP response to HTTPS client"},
		{name: "proxy not listening", o: Options{BaseURL: plain.URL, ProxyURL: "http://" + closedPort(t)}, want: "could not connect to the proxy"},
		{name: "not Slack's API", o: Options{BaseURL: plain.URL}, want: "HTTP 404"},
		{name: "captive portal page", o: Options{BaseURL: html.URL}, want: "not Slack's JSON"},
		{name: "Slack rejects the token", o: Options{BaseURL: rejecting.URL}, rejected: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := NewFactory(tc.o)
			require.NoError(t, err)
			_, err = f.Connect(context.Background(), Credentials{Token: "xoxp-secret-1"})
			require.Error(t, err)
			require.Equal(t, tc.rejected, Rejected(err), "%v", err)
			got := Unreachable(err)
			if tc.rejected {
				require.Empty(t, got)
				return
			}
			require.Contains(t, got, tc.want, "%v", err)
			require.NotContains(t, got, "xoxp-secret")
		})
	}
}

func TestUnreachableClassifiesWrappedErrors(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error {
		return fmt.Errorf("slackapi: auth.test: %w", &url.Error{Op: "Post", URL: "https://slack.com/api/auth.test", Err: err})
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"DNS name not found", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Name: "slack.example", Err: "no such host", IsNotFound: true}}), "host slack.example not found"},
		{"DNS server failing", wrap(&net.OpError{Op: "dial", Err: &net.DNSError{Name: "slack.com", Err: "server misbehaving"}}), "DNS lookup of slack.com failed"},
		{"deadline", wrap(context.DeadlineExceeded), "timed out"},
		{"other network error", wrap(&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}), "network error"},
		{"a Slack error is not a network failure", fmt.Errorf("x: %w", slack.SlackErrorResponse{Err: "invalid_auth"}), ""},
		{"nil", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Unreachable(tc.err)
			if tc.want == "" {
				require.Empty(t, got)
				return
			}
			require.Contains(t, got, tc.want)
		})
	}
}
