package transport

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A DELETE ends a Streamable HTTP session: later requests with its ID get
// 404 whatever their method, as the MCP specification says (issue 8).
// Another caller cannot end it, and the caller's other sessions are
// unaffected.
func TestDeleteEndsTheSession(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: fakeAuth})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	open := func() string {
		resp := post(t, ts.URL+"/mcp", "alice", "", initBody)
		require.Equal(t, 200, resp.StatusCode)
		return resp.Header.Get("Mcp-Session-Id")
	}
	do := func(who, method, session string) int { return sessionCall(t, ts.URL, who, method, session) }
	ended, other := open(), open()
	require.NotEqual(t, 200, do("mallory", http.MethodDelete, ended), "only the owner ends a session")
	require.Equal(t, 200, do("alice", http.MethodPost, ended))
	require.Equal(t, 200, do("alice", http.MethodDelete, ended))
	tests := []struct {
		name, method, session string
		want                  int
	}{
		{"POST to the ended session", http.MethodPost, ended, 404},
		{"GET stream of the ended session", http.MethodGet, ended, 404},
		{"DELETE it again", http.MethodDelete, ended, 404},
		{"the caller's other session still works", http.MethodPost, other, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, do("alice", tc.method, tc.session))
		})
	}
}

func TestEndedSessionsAreBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newEndedSessions(func() time.Time { return now })
	b := newSessionBinder(nil, e, zerolog.Nop())
	b.now = func() time.Time { return now }
	ended := func(id string) bool {
		yes, err := b.isEnded(context.Background(), id)
		require.NoError(t, err)
		return yes
	}
	require.NoError(t, e.EndSession(context.Background(), sessionHash("a"), now))
	e.end(sessionHash("a"))
	assert.True(t, ended("a"))
	assert.False(t, ended("b"))
	now = now.Add(endedSessionTTL)
	assert.False(t, ended("a"), "forgotten after the TTL")
	e.end("b") // prunes a
	assert.Len(t, e.at, 1)
	assert.Len(t, e.order, 1)
}
