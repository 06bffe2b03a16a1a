package transport

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 8: a DELETE ended nothing; the session ID kept working. Now every
// later request with it gets 404, as the MCP specification says, and the
// caller's other sessions are untouched.
func TestDeletedStreamableSessionAnswers404(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: fakeAuth})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	open := func() string {
		resp := post(t, ts.URL+"/mcp", "alice", "", initBody)
		require.Equal(t, 200, resp.StatusCode)
		return resp.Header.Get("Mcp-Session-Id")
	}
	ended, other := open(), open()
	do := func(method, session string) int {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel() // a GET that opened a stream is not read
		var body *strings.Reader
		if method == "POST" {
			body = strings.NewReader(listBody)
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequestWithContext(ctx, method, ts.URL+"/mcp", body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer alice")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", session)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, 200, do("DELETE", ended))
	tests := []struct {
		name, method, session string
		want                  int
	}{
		{"POST to the ended session", "POST", ended, 404},
		{"GET stream of the ended session", "GET", ended, 404},
		{"DELETE it again", "DELETE", ended, 404},
		{"the caller's other session still works", "POST", other, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, do(tc.method, tc.session))
		})
	}
}

func TestEndedSessionsAreBounded(t *testing.T) {
	t.Parallel()
	var e endedSessions
	for i := range 2*maxEnded + 1 {
		e.add(fmt.Sprint(i))
	}
	require.False(t, e.has("0"), "the oldest generation is forgotten")
	require.True(t, e.has(fmt.Sprint(maxEnded)), "the previous generation is remembered")
	require.True(t, e.has(fmt.Sprint(2*maxEnded)))
	require.LessOrEqual(t, len(e.cur)+len(e.prev), 2*maxEnded)
}
