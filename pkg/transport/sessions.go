package transport

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	mcpserver "github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// sessionBinder ties MCP session IDs to the caller that created them, so
// that in multi-tenant mode nobody can post into (or read the stream of)
// another person's session by learning its ID. The binding is an HMAC in
// the ID itself: no state to keep or leak, and replicas that share the
// secret (Options.SessionSecret) accept each other's sessions.
type sessionBinder struct {
	secret [32]byte
	ended  EndedSessions
	now    func() time.Time
	log    zerolog.Logger
}

const sessionPrefix = "smcp-"

// newSessionBinder binds with secret (hashed to the key; random when
// empty) and records ended sessions in ended (this process's memory when
// nil).
func newSessionBinder(secret []byte, ended EndedSessions, log zerolog.Logger) *sessionBinder {
	b := &sessionBinder{ended: ended, now: time.Now, log: log}
	if b.ended == nil {
		b.ended = newEndedSessions(nil)
	}
	if len(secret) == 0 {
		_, _ = rand.Read(b.secret[:])
	} else {
		b.secret = sha256.Sum256(append([]byte("slack-mcp-server session binding v1|"), secret...))
	}
	return b
}

func (b *sessionBinder) mac(nonce, owner string) string {
	m := hmac.New(sha256.New, b.secret[:])
	m.Write([]byte(nonce))
	m.Write([]byte{0})
	m.Write([]byte(owner))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func (b *sessionBinder) newID(owner string) string {
	var n [16]byte
	_, _ = rand.Read(n[:])
	nonce := hex.EncodeToString(n[:])
	return sessionPrefix + nonce + "." + b.mac(nonce, owner)
}

func (b *sessionBinder) owns(id, owner string) bool {
	nonce, tag, ok := strings.Cut(strings.TrimPrefix(id, sessionPrefix), ".")
	if !ok || !strings.HasPrefix(id, sessionPrefix) {
		return false
	}
	return hmac.Equal([]byte(tag), []byte(b.mac(nonce, owner)))
}

// ownerOf is who a session belongs to: the caller's Slack identity when
// known (a refreshed token keeps its sessions), else its credential.
func ownerOf(r *http.Request) string {
	c := tenant.From(r.Context())
	switch {
	case c == nil:
		return ""
	case c.Subject != "":
		return "subject:" + c.Subject
	default:
		return "key:" + c.Key
	}
}

var errSessionNotFound = errors.New("session not found")

// ResolveSessionIdManager implements mcp-go's resolver for Streamable HTTP.
func (b *sessionBinder) ResolveSessionIdManager(r *http.Request) mcpserver.SessionIdManager {
	if r == nil {
		// The server closing its own sessions at shutdown.
		return boundSessions{b: b, shutdown: true}
	}
	return boundSessions{b: b, owner: ownerOf(r)}
}

type boundSessions struct {
	b        *sessionBinder
	owner    string
	shutdown bool
}

func (s boundSessions) Generate() string { return s.b.newID(s.owner) }

func (s boundSessions) Validate(id string) (bool, error) {
	if !s.b.owns(id, s.owner) {
		return false, errSessionNotFound
	}
	return s.b.isEnded(context.Background(), id)
}

// Terminate ends a session its owner DELETEs: its ID is refused from then
// on (404). Closing sessions at shutdown records nothing.
func (s boundSessions) Terminate(id string) (bool, error) {
	if s.shutdown {
		return false, nil
	}
	if !s.b.owns(id, s.owner) {
		return false, errSessionNotFound
	}
	if err := s.b.ended.EndSession(context.Background(), sessionHash(id), s.b.now()); err != nil {
		s.b.log.Warn().Err(err).Msg("recording an ended MCP session")
		return false, err
	}
	return false, nil
}

// sseSessionID names new SSE sessions after their owner.
func (b *sessionBinder) sseSessionID(_ context.Context, r *http.Request) (string, error) {
	return b.newID(ownerOf(r)), nil
}

// requireSessionOwner refuses SSE messages to a session of another caller.
func (b *sessionBinder) requireSessionOwner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !b.owns(r.URL.Query().Get("sessionId"), ownerOf(r)) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown session: open a new one at /sse", "code": "SESSION_NOT_FOUND"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireStreamableOwner refuses every Streamable HTTP request whose
// Mcp-Session-Id belongs to another caller, whatever its method: mcp-go
// validates the ID on POST and DELETE but opens a GET stream for any ID.
// The answer is the one mcp-go gives a POST with a foreign ID, so the two
// cannot be told apart.
func (b *sessionBinder) requireStreamableOwner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get(mcpserver.HeaderKeySessionID); id != "" && !b.owns(id, ownerOf(r)) {
			h := w.Header()
			h.Set("Content-Type", "text/plain; charset=utf-8")
			h.Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("Invalid session ID\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
