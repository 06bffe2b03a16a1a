package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/rs/zerolog"
)

// Header carries the ID in both directions.
const Header = "X-Request-Id"

// maxLen bounds an ID taken from a request.
const maxLen = 64

type ctxKey struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From is the ID ctx carries, or "".
func From(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// New returns a fresh random ID (16 hex digits).
func New() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Valid reports whether s may be used as an ID taken from a request: 1 to
// 64 letters, digits, '-', '_', '.' or ':' (what proxies and tracing
// systems send), nothing that could forge a log field or a header.
func Valid(s string) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// Middleware names each request: its valid X-Request-Id, else a new ID,
// in the context and the response header.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !Valid(id) {
			id = New()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(With(r.Context(), id)))
	})
}

// Hook adds request_id to log events given a context that carries one.
type Hook struct{}

// Run implements zerolog.Hook.
func (Hook) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	if id := From(e.GetCtx()); id != "" {
		e.Str("request_id", id)
	}
}
