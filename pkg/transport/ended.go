package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	mcpserver "github.com/mark3labs/mcp-go/server"
)

// EndedSessions records the Streamable HTTP sessions their owners ended
// (DELETE), by the SHA-256 of the session ID. Replicas that share one (the
// store) refuse on every replica a session ended on any of them.
type EndedSessions interface {
	EndSession(ctx context.Context, idHash string, at time.Time) error
	SessionEndedAt(ctx context.Context, idHash string) (time.Time, bool, error)
}

// sessionHash is how a session ID is recorded.
func sessionHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// endedSessions is the EndedSessions of one process, when no store is
// shared: it remembers Streamable HTTP sessions ended by a DELETE, so
// later requests carrying one get 404 as the MCP specification says. Entries are kept for
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

// EndSession implements EndedSessions.
func (e *endedSessions) EndSession(_ context.Context, id string, _ time.Time) error {
	e.end(id)
	return nil
}

// SessionEndedAt implements EndedSessions.
func (e *endedSessions) SessionEndedAt(_ context.Context, id string) (time.Time, bool, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	at, ok := e.at[id]
	return at, ok, nil
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

// isEnded reports whether the owner ended session id within
// endedSessionTTL.
func (b *sessionBinder) isEnded(ctx context.Context, id string) (bool, error) {
	at, ok, err := b.ended.SessionEndedAt(ctx, sessionHash(id))
	if err != nil {
		b.log.Warn().Ctx(ctx).Err(err).Msg("checking whether an MCP session was ended")
		return false, err
	}
	return ok && b.now().Sub(at) < endedSessionTTL, nil
}

// refuseEnded answers 404 to any request naming an ended session, whatever
// its method: mcp-go checks Validate on POST but opens a GET stream for any
// ID, and a second DELETE must not look like success.
func (b *sessionBinder) refuseEnded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(mcpserver.HeaderKeySessionID)
		if id == "" {
			next.ServeHTTP(w, r)
			return
		}
		ended, err := b.isEnded(r.Context(), id)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "cannot check the session now; retry shortly", "code": "SESSION_STORE_UNAVAILABLE"})
			return
		}
		if ended {
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
