package requestid

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, sent string
		kept       bool
	}{
		{name: "none sent", sent: ""},
		{name: "a proxy's ID", sent: "3f2c9a1e-77b0-4c1d-9f4e-0a1b2c3d4e5f", kept: true},
		{name: "a trace-style ID", sent: "00-4bf92f3577b34da6a3ce929d0e0e4736:01", kept: true},
		{name: "a forged log field", sent: `x" "level":"error`},
		{name: "a header split", sent: "abc\r\nSet-Cookie: x=1"},
		{name: "too long", sent: strings.Repeat("a", 65)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var seen string
			h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = From(r.Context()) }))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.sent != "" {
				req.Header[Header] = []string{tc.sent}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.True(t, Valid(seen), seen)
			assert.Equal(t, seen, rec.Header().Get(Header), "the client is told the ID")
			if tc.kept {
				assert.Equal(t, tc.sent, seen)
			} else {
				assert.NotEqual(t, tc.sent, seen)
			}
		})
	}
}

func TestHook(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := zerolog.New(&buf).Hook(Hook{})
	log.Info().Ctx(With(context.Background(), "req-1")).Msg("with")
	log.Info().Ctx(context.Background()).Msg("without a request")
	log.Info().Msg("without a context")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[0], `"request_id":"req-1"`)
	assert.NotContains(t, lines[1], "request_id")
	assert.NotContains(t, lines[2], "request_id")
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{"abc", "a\nb", `"`, strings.Repeat("z", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Valid(s) && strings.ContainsAny(s, "\r\n\" \t{}\\") {
			t.Fatalf("accepted %q", s)
		}
	})
}
