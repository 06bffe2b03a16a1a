package transport

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// fakeAuth makes the Bearer value itself the caller key.
func fakeAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		next.ServeHTTP(w, r.WithContext(tenant.With(r.Context(), &tenant.Caller{Key: tok})))
	})
}

func post(t *testing.T, url, who, session, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+who)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

const listBody = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`

func TestStreamableSessionsAreBoundToTheirCaller(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: fakeAuth})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	resp := post(t, ts.URL+"/mcp", "alice", "", initBody)
	require.Equal(t, 200, resp.StatusCode)
	sid := resp.Header.Get("Mcp-Session-Id")
	require.True(t, strings.HasPrefix(sid, sessionPrefix), sid)

	require.Equal(t, 200, post(t, ts.URL+"/mcp", "alice", sid, listBody).StatusCode)
	require.NotEqual(t, 200, post(t, ts.URL+"/mcp", "mallory", sid, listBody).StatusCode, "another caller cannot use alice's session")
	require.NotEqual(t, 200, post(t, ts.URL+"/mcp", "alice", sid+"0", listBody).StatusCode, "forged session IDs are refused")
}

func TestSSEMessagesAreBoundToTheStreamOwner(t *testing.T) {
	t.Parallel()
	h, closeSessions := Handler(newServer(t), Options{Transport: SSE, Authenticate: fakeAuth})
	ts := httptest.NewServer(h)
	t.Cleanup(func() { closeSessions(context.Background()); ts.Close() })
	req, err := http.NewRequest("GET", ts.URL+"/sse", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer alice")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var endpoint string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			endpoint = line
			break
		}
	}
	require.Contains(t, endpoint, "sessionId=")
	msgURL := ts.URL + endpoint
	if strings.HasPrefix(endpoint, "http") {
		msgURL = endpoint
	}
	bad := post(t, msgURL, "mallory", "", initBody)
	require.Equal(t, http.StatusNotFound, bad.StatusCode)
	good := post(t, msgURL, "alice", "", initBody)
	require.Less(t, good.StatusCode, 300)
}

// A refreshed token (new key, same Slack identity) keeps its session.
func TestSessionsSurviveTokenRefresh(t *testing.T) {
	t.Parallel()
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			subject, key, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "/")
			next.ServeHTTP(w, r.WithContext(tenant.With(r.Context(), &tenant.Caller{Key: key, Subject: subject})))
		})
	}
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: auth})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	resp := post(t, ts.URL+"/mcp", "T1|U1/token-a", "", initBody)
	require.Equal(t, 200, resp.StatusCode)
	sid := resp.Header.Get("Mcp-Session-Id")
	require.Equal(t, 200, post(t, ts.URL+"/mcp", "T1|U1/token-b", sid, listBody).StatusCode, "same person, refreshed token")
	require.NotEqual(t, 200, post(t, ts.URL+"/mcp", "T1|U2/token-a", sid, listBody).StatusCode, "another person")
}

// Finding 9: a GET stream on another caller's session ID used to open;
// it now gets exactly what a POST with that ID gets.
func TestStreamableGETIsBoundToTheSessionOwner(t *testing.T) {
	t.Parallel()
	h, _ := Handler(newServer(t), Options{Transport: HTTP, Authenticate: fakeAuth})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	resp := post(t, ts.URL+"/mcp", "alice", "", initBody)
	require.Equal(t, 200, resp.StatusCode)
	sid := resp.Header.Get("Mcp-Session-Id")

	get := func(who, session string) (int, string, string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+"/mcp", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+who)
		req.Header.Set("Accept", "text/event-stream")
		req.Header.Set("Mcp-Session-Id", session)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		if resp.StatusCode != 404 {
			return resp.StatusCode, resp.Header.Get("Content-Type"), "" // an open stream: don't read it
		}
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
	}
	refused := post(t, ts.URL+"/mcp", "mallory", sid, listBody)
	wantBody, _ := io.ReadAll(refused.Body)
	tests := []struct {
		name, who, session string
		want               int
	}{
		{"owner opens the stream", "alice", sid, 200},
		{"another caller is refused", "mallory", sid, refused.StatusCode},
		{"a forged ID is refused", "alice", sid + "0", refused.StatusCode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, ctype, body := get(tc.who, tc.session)
			require.Equal(t, tc.want, status)
			if tc.want != 200 {
				require.Equal(t, string(wantBody), body)
				require.Equal(t, refused.Header.Get("Content-Type"), ctype)
			}
		})
	}
}
