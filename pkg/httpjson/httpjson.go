package httpjson

import (
	"encoding/json"
	"net/http"
)

// internalError is sent when v cannot be encoded (a bug, never input).
const internalError = `{"error":"internal error","code":"INTERNAL_ERROR"}`

// Write answers status with v as JSON and a trailing newline. Answers
// carry tokens or say who someone is, so none may be cached (no-store,
// and Pragma for HTTP/1.0 caches as RFC 6749 §5.1 asks), and nosniff
// keeps a browser from reading JSON as anything else.
func Write(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(internalError)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// Error answers status with {"error": msg, "code": code}, the shape of
// every JSON error we send.
func Error(w http.ResponseWriter, status int, code, msg string) {
	Write(w, status, map[string]string{"error": msg, "code": code})
}
