package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

// roundRobin is a load balancer with no stickiness: each request goes to
// the next replica, whatever cookie or session it carries; a replica that
// refuses the connection (stopped, restarting) is skipped, as nginx's
// proxy_next_upstream error does.
type roundRobin struct {
	bases  []*url.URL
	client *http.Client
	next   atomic.Uint64
	served []atomic.Int64
}

func newRoundRobin(t *testing.T, lp *localPort, bases ...string) *roundRobin {
	t.Helper()
	rr := &roundRobin{served: make([]atomic.Int64, len(bases)), client: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	for _, b := range bases {
		u, err := url.Parse(b)
		require.NoError(t, err)
		rr.bases = append(rr.bases, u)
	}
	srv := httptest.NewUnstartedServer(rr)
	srv.Listener = lp.Take()
	srv.Start()
	t.Cleanup(srv.Close)
	return rr
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	first := rr.next.Add(1) - 1
	for k := range len(rr.bases) {
		i := int((first + uint64(k)) % uint64(len(rr.bases)))
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = rr.bases[i].Scheme, rr.bases[i].Host
		out.Host = r.Host // the public Host, as a real balancer keeps it
		out.Body = io.NopCloser(bytes.NewReader(body))
		resp, err := rr.client.Do(out)
		if err != nil {
			continue // refused or reset before an answer: the next replica
		}
		rr.served[i].Add(1)
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		flushCopy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no replica answered", http.StatusBadGateway)
}

// flushCopy copies a possibly streamed body, flushing as it goes.
func flushCopy(w http.ResponseWriter, body io.Reader) {
	f, _ := w.(http.Flusher)
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			_, _ = w.Write(buf[:n])
			if f != nil {
				f.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}

// Two replicas on one PostgreSQL database behind a balancer with no
// stickiness: the browser flow begun on one replica finishes on the
// other, the token it issues works on both, an MCP session carries on
// whichever replica answers and ends on both, and a disconnect through
// one is refused by the other at the next request; a 429 one meets pauses
// the other.
func TestOAuthReplicasOnPostgres(t *testing.T) {
	t.Parallel()
	dbURL := storetest.PostgresURL(t)
	front := freePort(t)
	public := "http://127.0.0.1:" + strconv.Itoa(front.Port)
	emu := sandboxWithApp(t, front.Port)
	shared := map[string]string{
		"SLACK_MCP_DATABASE_URL":       dbURL,
		"SLACK_MCP_PUBLIC_URL":         public,
		"SLACK_MCP_OAUTH_REDIRECT_URI": public + "/oauth/callback",
	}
	a := startOAuthServer(t, emu.URL, freePort(t), "", "http", shared)
	b := startOAuthServer(t, emu.URL, freePort(t), "", "http", shared)
	t.Cleanup(a.stop)
	t.Cleanup(b.stop)
	rr := newRoundRobin(t, front, a.base, b.base)

	pat, _ := connectInBrowser(t, public)
	require.Positive(t, rr.served[0].Load())
	require.Positive(t, rr.served[1].Load(), "the flow crossed replicas")

	for _, base := range []string{a.base, b.base} {
		c, err := mcpClient(t, base, pat)
		require.NoError(t, err)
		requireHistory(t, c)
	}

	// Through the balancer: a client of the current protocol needs no
	// session at all; one of 2025-11-25 opens an MCP session, and every
	// request of it may land on either replica.
	modern, err := mcpClient(t, public, pat)
	require.NoError(t, err)
	require.False(t, history(t, modern).IsError)
	before := [2]int64{rr.served[0].Load(), rr.served[1].Load()}
	c, err := mcpClientOf(t, public, pat, mcp.ProtocolVersion20251125)
	require.NoError(t, err)
	for range 6 {
		requireHistory(t, c)
	}
	require.Greater(t, rr.served[0].Load()-before[0], int64(2), "replica A served the session")
	require.Greater(t, rr.served[1].Load()-before[1], int64(2), "replica B served the session")
	session := c.GetSessionId()
	require.NotEmpty(t, session)
	end, _ := http.NewRequest(http.MethodDelete, a.base+"/mcp", nil)
	end.Header.Set("Authorization", "Bearer "+pat)
	end.Header.Set("Mcp-Session-Id", session)
	resp, err := http.DefaultClient.Do(end)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	probe, _ := http.NewRequest(http.MethodPost, b.base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":9,"method":"tools/list"}`))
	probe.Header.Set("Authorization", "Bearer "+pat)
	probe.Header.Set("Mcp-Session-Id", session)
	probe.Header.Set("Content-Type", "application/json")
	probe.Header.Set("Accept", "application/json, text/event-stream")
	resp, err = http.DefaultClient.Do(probe)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "ended through A, refused by B")

	// A 429 on A pauses the method for the workspace on B: B soon refuses
	// the call itself, without sending it to Slack.
	ca, err := mcpClient(t, a.base, pat)
	require.NoError(t, err)
	cb, err := mcpClient(t, b.base, pat)
	require.NoError(t, err)
	emu.FailNext("conversations.history", 1, 45*time.Second)
	require.True(t, history(t, ca).IsError, "Slack's 429 on A, beyond the retry budget")
	refusedLocally := false
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !refusedLocally; {
		sent := emu.Calls("conversations.history")
		res := history(t, cb)
		refusedLocally = res.IsError && emu.Calls("conversations.history") == sent
		time.Sleep(50 * time.Millisecond)
	}
	require.True(t, refusedLocally, "B learned of A's 429 and held its own call back")

	req, _ := http.NewRequest(http.MethodPost, b.base+"/oauth/revoke", nil)
	req.Header.Set("Authorization", "Bearer "+pat)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Less(t, resp.StatusCode, 300)
	_, err = mcpClient(t, a.base, pat)
	require.Error(t, err, "revoked through B, refused by A at once")
	require.NotContains(t, a.stderr.String(), dbURL, "the database URL (with its password) never reaches logs")
}
