package httpjson

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		v          any
		wantStatus int
		wantBody   string
	}{
		{"error body", http.StatusBadRequest, map[string]string{"error": "bad <input>", "code": "BAD"}, 400, `{"code":"BAD","error":"bad \u003cinput\u003e"}` + "\n"},
		{"document", http.StatusOK, struct {
			Issuer string `json:"issuer"`
		}{"https://mcp.example.com"}, 200, `{"issuer":"https://mcp.example.com"}` + "\n"},
		{"cannot encode", http.StatusOK, func() {}, 500, internalError + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			Write(rec, tc.status, tc.v)
			assert.Equal(t, tc.wantStatus, rec.Code)
			assert.Equal(t, tc.wantBody, rec.Body.String())
			for k, v := range map[string]string{
				"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store",
				"Pragma": "no-cache", "X-Content-Type-Options": "nosniff",
			} {
				assert.Equal(t, v, rec.Header().Get(k), k)
			}
		})
	}
}
