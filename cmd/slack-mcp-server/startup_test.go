package main

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 8: a network failure at start was reported as "token was rejected
// by Slack". It now names what failed and exits 1.
func TestRunReportsNetworkFailuresAsSuch(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)

	tests := []struct {
		name, url, want string
	}{
		{"closed loopback port", closed, "connection refused"},
		{"TLS server whose CA we lack", tlsSrv.URL, "not signed by a trusted authority"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stderr := &syncBuffer{}
			code := run(context.Background(), nil, envOf(map[string]string{
				"SLACK_MCP_XOXP_TOKEN": "xoxp-secret-token", "SLACK_MCP_SLACK_URL": tc.url, "SLACK_MCP_LOG_FORMAT": "json",
			}), strings.NewReader(""), io.Discard, stderr)
			require.Equal(t, 1, code)
			logs := stderr.String()
			require.Contains(t, logs, "could not reach Slack at "+tc.url)
			require.Contains(t, logs, tc.want)
			require.NotContains(t, logs, "rejected")
			require.NotContains(t, logs, "xoxp-secret-token")
		})
	}
}
