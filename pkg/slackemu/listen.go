package slackemu

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// ServeAt serves w on addr ("127.0.0.1:9999"; port 0 picks a free one)
// until Close. A fixed address lets a server configured by hand (the
// Slack OAuth redirect URL, SLACK_MCP_SLACK_URL) find the emulator again
// after a restart; an address in use is an error, not a panic.
func ServeAt(w *Workspace, opts Options, addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("slackemu: listen on %s: %w", addr, err)
	}
	s := newServer(w, opts)
	s.ln = ln
	s.URL = "http://" + ln.Addr().String()
	s.hs = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	go func() { _ = s.hs.Serve(ln) }()
	return s, nil
}
