package transport

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// serveOn runs Serve on a loopback listener until the test ends.
func serveOn(t *testing.T, o Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	o.Listener, o.Logger, o.ShutdownTimeout = ln, zerolog.Nop(), time.Second
	go func() { done <- Serve(ctx, newServer(t), o) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// trickle sends a request whose 1000-byte body arrives one byte per tick,
// as the attacker's client did, and reports how many bytes it got to send
// before the server answered or closed the connection (1000: never).
func trickle(t *testing.T, addr, path string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST "+path+" HTTP/1.1\r\nHost: "+addr+"\r\nContent-Type: application/json\r\n"+
		"Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n")
	require.NoError(t, err)
	cut := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, conn) // returns when the server closes
		close(cut)
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for sent := range 1000 {
		select {
		case <-cut:
			return sent
		case <-tick.C:
		}
		if _, err := conn.Write([]byte{' '}); err != nil {
			return sent
		}
	}
	return 1000
}

// Finding 7: one byte every few seconds held /register (and any endpoint)
// open indefinitely. With a read timeout the server cuts the connection.
func TestSlowBodiesAreCutOff(t *testing.T) {
	t.Parallel()
	register := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "could not read the request body"})
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	tests := []struct{ name, transport, path string }{
		{"register", HTTP, "/register"},
		{"streamable POST", HTTP, "/mcp"},
		{"sse message", SSE, "/message?sessionId=x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := serveOn(t, Options{Transport: tc.transport, ReadTimeout: 200 * time.Millisecond,
				Routes: map[string]http.Handler{"/register": register}})
			require.Less(t, trickle(t, addr, tc.path), 1000, "the slow request was never cut off")
		})
	}
}

// The read timeout does not end the long-lived streams: a GET stream is
// still open after a slow request on another connection was cut off, which
// took longer than the timeout.
func TestStreamsOutliveTheReadTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct{ transport, path string }{{HTTP, "/mcp"}, {SSE, "/sse"}}
	for _, tc := range tests {
		t.Run(tc.transport, func(t *testing.T) {
			t.Parallel()
			addr := serveOn(t, Options{Transport: tc.transport, ReadTimeout: 100 * time.Millisecond})
			conn, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer conn.Close()
			_, err = io.WriteString(conn, "GET "+tc.path+" HTTP/1.1\r\nHost: "+addr+"\r\nAccept: text/event-stream\r\n\r\n")
			require.NoError(t, err)
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			require.Equal(t, 200, resp.StatusCode)
			require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"))

			require.Less(t, trickle(t, addr, "/mcp"), 1000)
			// Drain what the stream sent so far, then expect it to be
			// silent but open: a read times out rather than ending.
			_ = conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			for {
				if _, err = br.ReadByte(); err != nil {
					break
				}
			}
			require.True(t, errors.Is(err, os.ErrDeadlineExceeded), "stream ended: %v", err)
		})
	}
}
