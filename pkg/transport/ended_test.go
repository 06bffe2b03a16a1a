package transport

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A DELETE ends a Streamable HTTP session: later requests with its ID get
// 404, as the MCP specification says (issue 8). Another caller cannot end
// it, and a fresh session of the same caller is unaffected.
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
	del := func(who, sid string) int {
		req, err := http.NewRequest(http.MethodDelete, ts.URL+"/mcp", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+who)
		req.Header.Set("Mcp-Session-Id", sid)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	sid, other := open(), open()

	require.NotEqual(t, 200, del("mallory", sid), "only the owner ends a session")
	require.Equal(t, 200, post(t, ts.URL+"/mcp", "alice", sid, listBody).StatusCode)

	require.Equal(t, 200, del("alice", sid))
	assert.Equal(t, http.StatusNotFound, post(t, ts.URL+"/mcp", "alice", sid, listBody).StatusCode)
	assert.Equal(t, 200, post(t, ts.URL+"/mcp", "alice", other, listBody).StatusCode)
}

func TestEndedSessionsAreBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newEndedSessions(func() time.Time { return now })
	e.end("a")
	e.end("a")
	assert.True(t, e.ended("a"))
	assert.False(t, e.ended("b"))
	now = now.Add(endedSessionTTL)
	assert.False(t, e.ended("a"), "forgotten after the TTL")
	e.end("b") // prunes a
	assert.Len(t, e.at, 1)
	assert.Len(t, e.order, 1)
}
