package transport

import (
	"net/http"
	"sync"

	mcpserver "github.com/mark3labs/mcp-go/server"
)

// endedSessions remembers the Streamable HTTP sessions a DELETE ended, so
// that their IDs answer 404 afterwards as the MCP specification requires:
// session IDs are stateless HMACs and would otherwise stay valid. Memory is
// bounded by keeping two generations of at most maxEnded IDs each; an ID
// forgotten after that many later terminations still belongs only to its
// owner (the HMAC binding holds), it just opens a fresh session again.
type endedSessions struct {
	mu        sync.Mutex
	cur, prev map[string]struct{}
}

const maxEnded = 10000

func (e *endedSessions) add(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == nil {
		e.cur = map[string]struct{}{}
	}
	if len(e.cur) >= maxEnded {
		e.prev, e.cur = e.cur, map[string]struct{}{}
	}
	e.cur[id] = struct{}{}
}

func (e *endedSessions) has(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, inCur := e.cur[id]
	_, inPrev := e.prev[id]
	return inCur || inPrev
}

// refuseEnded answers 404 to any request naming an ended session, whatever
// its method: mcp-go checks Validate on POST but opens a GET stream for any
// ID, and a second DELETE must not look like success.
func (b *sessionBinder) refuseEnded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(mcpserver.HeaderKeySessionID); id != "" && b.ended.has(id) {
			h := w.Header()
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("Session terminated\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
