package transport

import (
	"net/http"
	"sync"
	"time"

	mcpserver "github.com/mark3labs/mcp-go/server"
)

// endedSessions remembers Streamable HTTP session IDs ended by a DELETE,
// so later requests carrying one get 404 as the MCP specification says.
// The IDs themselves carry no state (see sessionBinder), so this is the
// only record; it lives in this process. Entries are kept for
// endedSessionTTL (longer than any client keeps retrying a dead session)
// and at most maxEndedSessions of them, oldest dropped first.
type endedSessions struct {
	mu    sync.Mutex
	at    map[string]time.Time
	order []string // insertion order, for dropping the oldest
	now   func() time.Time
}

const (
	endedSessionTTL  = 24 * time.Hour
	maxEndedSessions = 100_000
)

func newEndedSessions(now func() time.Time) *endedSessions {
	if now == nil {
		now = time.Now
	}
	return &endedSessions{at: map[string]time.Time{}, now: now}
}

// end records id as ended.
func (e *endedSessions) end(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.at[id]; ok {
		return
	}
	now := e.now()
	e.at[id] = now
	e.order = append(e.order, id)
	for len(e.order) > 0 {
		oldest := e.order[0]
		if len(e.order) <= maxEndedSessions && now.Sub(e.at[oldest]) < endedSessionTTL {
			break
		}
		delete(e.at, oldest)
		e.order = e.order[1:]
	}
}

// ended reports whether id was ended within endedSessionTTL.
func (e *endedSessions) ended(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	at, ok := e.at[id]
	return ok && e.now().Sub(at) < endedSessionTTL
}

// refuseEnded answers 404 to any request naming an ended session, whatever
// its method: mcp-go checks Validate on POST but opens a GET stream for any
// ID, and a second DELETE must not look like success.
func (b *sessionBinder) refuseEnded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(mcpserver.HeaderKeySessionID); id != "" && b.ended.ended(id) {
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
