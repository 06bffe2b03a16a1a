package slackemu

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Hub serves several emulated workspaces behind one URL, as slack.com
// serves every workspace: an API call goes to the workspace that issued
// its token (an OAuth exchange to the one that issued the code or refresh
// token), the authorize pages to the workspace the person signs in to
// (SignInTo, what Slack's workspace switcher on its authorize page does).
// Each workspace keeps its own Server: its counters, consent settings and
// injected failures.
type Hub struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234".
	URL string

	servers []*Server
	hs      *http.Server

	mu     sync.Mutex
	signIn int // index into servers
}

// NewHub serves servers (made with NewServer or ServeAt; their own
// listeners keep working) behind one fresh 127.0.0.1 port until Close.
// The first is where people sign in until SignInTo says otherwise.
func NewHub(servers ...*Server) *Hub {
	if len(servers) == 0 {
		panic("slackemu: NewHub needs at least one server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err.Error())
	}
	h := &Hub{URL: "http://" + ln.Addr().String(), servers: servers}
	h.hs = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = h.hs.Serve(ln) }()
	return h
}

// SignInTo makes the authorize pages answer for the workspace teamID
// from now on; it panics on a team the hub does not serve.
func (h *Hub) SignInTo(teamID string) {
	for i, s := range h.servers {
		if s.ws.Team().ID == teamID {
			h.mu.Lock()
			h.signIn = i
			h.mu.Unlock()
			return
		}
	}
	panic("slackemu: hub serves no team " + teamID)
}

// Close stops the hub (not its servers).
func (h *Hub) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := h.hs.Shutdown(ctx); err != nil {
		_ = h.hs.Close()
	}
}

// ServeHTTP routes one request to the server it belongs to.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == authorizePath, r.URL.Path == userAuthorizePath, r.URL.Path == decidePath:
		h.mu.Lock()
		s := h.servers[h.signIn]
		h.mu.Unlock()
		s.handler.ServeHTTP(w, r)
		return
	}
	// The body is read once here to find the token or code, then handed
	// on unread. Uploads go to their own path, so API bodies are small.
	var raw []byte
	if r.Body != nil {
		var err error
		if raw, err = io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1)); err != nil {
			http.Error(w, "reading the request", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
	}
	p, _ := readParams(r.Clone(r.Context()))
	if r.Body != nil {
		r.Body = io.NopCloser(bytes.NewReader(raw))
	}
	tok := p.Get("token")
	if scheme, rest, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		tok = strings.TrimSpace(rest)
	}
	for _, s := range h.servers {
		if s.ws.knows(tok, p.Get("code"), p.Get("refresh_token")) {
			s.handler.ServeHTTP(w, r)
			return
		}
	}
	h.servers[0].handler.ServeHTTP(w, r) // unknown credentials: any workspace refuses them alike
}

// knows reports whether the workspace issued the token, code or refresh
// token (empty values never match).
func (w *Workspace) knows(token, code, refreshToken string) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if token != "" {
		if _, ok := w.tokens[token]; ok {
			return true
		}
		if _, ok := w.revoked[token]; ok {
			return true
		}
	}
	if _, ok := w.codes[code]; ok && code != "" {
		return true
	}
	_, ok := w.refresh[refreshToken]
	return ok && refreshToken != ""
}
