package transport

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sessionCall sends an MCP request to base with session, as who; it
// returns the status.
func sessionCall(t *testing.T, base, who, method, session string) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // a GET that opened a stream is not read
	body := ""
	if method == http.MethodPost {
		body = listBody
	}
	req, err := http.NewRequestWithContext(ctx, method, base+"/mcp", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+who)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", session)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// Replicas given the same session secret and one record of ended sessions
// serve each other's sessions: opened on A, used on B, ended on B,
// refused on A. A replica with another secret knows none of them.
func TestSessionsAcrossReplicas(t *testing.T) {
	t.Parallel()
	ended := newEndedSessions(nil) // stands for the shared store
	replica := func(secret string) string {
		h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: fakeAuth, SessionSecret: []byte(secret), EndedSessions: ended})
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		return ts.URL
	}
	a, b, stranger := replica("shared"), replica("shared"), replica("another")

	resp := post(t, a+"/mcp", "alice", "", initBody)
	require.Equal(t, 200, resp.StatusCode)
	session := resp.Header.Get("Mcp-Session-Id")
	require.Equal(t, 200, sessionCall(t, b, "alice", http.MethodPost, session), "opened on A, continued on B")
	require.Equal(t, 404, sessionCall(t, b, "mallory", http.MethodPost, session), "still bound to its owner")
	require.Equal(t, 404, sessionCall(t, stranger, "alice", http.MethodPost, session), "another secret, another deployment")

	require.Equal(t, 200, sessionCall(t, b, "alice", http.MethodDelete, session))
	require.Equal(t, 404, sessionCall(t, a, "alice", http.MethodPost, session), "ended on B, refused on A")
}

// failingEnded is a store of ended sessions that is down.
type failingEnded struct{}

func (failingEnded) EndSession(context.Context, string, time.Time) error {
	return errors.New("database unreachable")
}

func (failingEnded) SessionEndedAt(context.Context, string) (time.Time, bool, error) {
	return time.Time{}, false, errors.New("database unreachable")
}

// When the record of ended sessions cannot be read, a request naming a
// session is refused (an ended session must not come back) with a JSON
// 503 the client can retry; the server keeps running.
func TestSessionsWhenTheStoreIsDown(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: fakeAuth, SessionSecret: []byte("s"), EndedSessions: failingEnded{}})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	resp := post(t, ts.URL+"/mcp", "alice", "", initBody)
	require.Equal(t, 200, resp.StatusCode, "opening a session needs no record")
	session := resp.Header.Get("Mcp-Session-Id")
	require.Equal(t, http.StatusServiceUnavailable, sessionCall(t, ts.URL, "alice", http.MethodPost, session))
	require.Equal(t, 200, post(t, ts.URL+"/mcp", "alice", "", initBody).StatusCode, "and the server still serves")
}
