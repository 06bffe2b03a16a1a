package slackemu

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
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
// (the team parameter of the authorize URL, which Slack documents, or
// SignInTo; without either a page lists the workspaces to pick from, as
// Slack's workspace switcher does).
// Each workspace keeps its own Server: its counters, consent settings and
// injected failures.
type Hub struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234".
	URL string

	servers []*Server
	hs      *http.Server

	mu     sync.Mutex
	signIn int // index into servers; -1: ask with a page
}

// NewHub serves servers (made with NewServer or ServeAt; their own
// listeners keep working) behind one fresh 127.0.0.1 port until Close.
// Until SignInTo names a workspace, the authorize pages ask which.
func NewHub(servers ...*Server) *Hub {
	h, err := HubAt("127.0.0.1:0", servers...)
	if err != nil {
		panic(err.Error())
	}
	return h
}

// HubAt is NewHub listening on addr.
func HubAt(addr string, servers ...*Server) (*Hub, error) {
	if len(servers) == 0 {
		return nil, errors.New("slackemu: a hub needs at least one server")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("slackemu: listen on %s: %w", addr, err)
	}
	h := &Hub{URL: "http://" + ln.Addr().String(), servers: servers, signIn: -1}
	h.hs = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = h.hs.Serve(ln) }()
	return h, nil
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
	switch r.URL.Path {
	case authorizePath, userAuthorizePath, decidePath:
		if s := h.signInServer(r); s != nil {
			s.handler.ServeHTTP(w, r)
		} else {
			h.writeChooser(w, r)
		}
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

// signInServer is the workspace an authorize request is for: its team
// parameter, else SignInTo's choice, else the only one; nil: ask.
func (h *Hub) signInServer(r *http.Request) *Server {
	if team := r.URL.Query().Get("team"); team != "" {
		for _, s := range h.servers {
			if s.ws.Team().ID == team {
				return s
			}
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.signIn >= 0:
		return h.servers[h.signIn]
	case len(h.servers) == 1:
		return h.servers[0]
	}
	return nil
}

var chooserPage = template.Must(template.New("chooser").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to a workspace | Slack</title></head>
<body><h1>Choose a workspace</h1><ul>
{{range .}}<li><a id="team-{{.ID}}" href="{{.Href}}">{{.Name}}</a> <code>{{.ID}}</code></li>
{{end}}</ul></body></html>`))

// writeChooser lists the workspaces; each link is the same request with
// the team parameter.
func (h *Hub) writeChooser(w http.ResponseWriter, r *http.Request) {
	type choice struct{ ID, Name, Href string }
	var list []choice
	for _, s := range h.servers {
		t := s.ws.Team()
		q := r.URL.Query()
		q.Set("team", t.ID)
		list = append(list, choice{ID: t.ID, Name: t.Name, Href: r.URL.Path + "?" + q.Encode()})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = chooserPage.Execute(w, list)
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
