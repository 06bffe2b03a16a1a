package authn

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

func TestParseBearer(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", MaxTokenBytes)
	for _, tc := range []struct {
		name, header, want string
		kind               error
	}{
		{name: "slack user token", header: "Bearer xoxp-1-2-abc", want: "xoxp-1-2-abc"},
		{name: "scheme case-insensitive", header: "bEaReR smcp_AbC-_09", want: "smcp_AbC-_09"},
		{name: "surrounding space", header: "  Bearer   xoxb-1  ", want: "xoxb-1"},
		{name: "base64 padding", header: "Bearer abc+/==", want: "abc+/=="},
		{name: "rotating token", header: "Bearer xoxe.xoxp-1-2", want: "xoxe.xoxp-1-2"},
		{name: "exactly max", header: "Bearer " + long, want: long},
		{name: "empty header", header: "", kind: ErrMissingToken},
		{name: "blank header", header: "   ", kind: ErrMissingToken},
		{name: "basic scheme", header: "Basic dXNlcjpwdw==", kind: ErrMissingToken},
		{name: "scheme only", header: "Bearer", kind: ErrMissingToken},
		{name: "scheme and space", header: "Bearer   ", kind: ErrMissingToken},
		{name: "token without scheme", header: "xoxp-1-2-abc", kind: ErrMissingToken},
		{name: "bearer prefix glued", header: "Bearerxoxp-1", kind: ErrMissingToken},
		{name: "tab separator", header: "Bearer\txoxp-1", kind: ErrMissingToken},
		{name: "oversized", header: "Bearer " + long + "a", kind: ErrInvalidToken},
		{name: "inner space", header: "Bearer xoxp-1 2", kind: ErrInvalidToken},
		{name: "quote", header: `Bearer "xoxp-1"`, kind: ErrInvalidToken},
		{name: "control char", header: "Bearer xoxp-\x001", kind: ErrInvalidToken},
		{name: "padding only", header: "Bearer ==", kind: ErrInvalidToken},
		{name: "padding inside", header: "Bearer ab=c", kind: ErrInvalidToken},
		{name: "non-ascii", header: "Bearer xoxp-é", kind: ErrInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBearer(tc.header)
			if tc.kind == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, tc.kind)
			assert.Empty(t, got)
			assert.NotContains(t, err.Error(), "xoxp-1")
		})
	}
}

// fakeAuth answers from a table and counts calls.
type fakeAuth struct {
	mu      sync.Mutex
	answers map[string]error // token -> error; nil = accepted
	calls   int
}

func (f *fakeAuth) Authenticate(_ context.Context, bearer string) (*tenant.Caller, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	err, ok := f.answers[bearer]
	if !ok {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	return &tenant.Caller{Key: "key-" + bearer, Bearer: bearer}, nil
}

type syncBuffer = testkit.LogBuffer

func TestMiddleware(t *testing.T) {
	t.Parallel()
	const (
		good    = "xoxp-good-token-1"
		bad     = "xoxp-bad-token-22"
		revoked = "smcp_revoked-token-333"
		outage  = "xoxp-outage-token-4444"
	)
	for _, tc := range []struct {
		name      string
		path      string
		header    []string
		status    int
		code      string
		challenge string // exact WWW-Authenticate; "" = none
		msg       string // substring of the error sentence
		authCalls int
		logged    string // substring of the log; "" = nothing at info
	}{
		{name: "accepted", header: []string{"Bearer " + good}, status: http.StatusOK, authCalls: 1},
		{name: "missing header", status: 401, code: CodeUnauthorized,
			challenge: `Bearer realm="slack-mcp", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource"`,
			msg:       "missing Authorization header", logged: `"reason":"UNAUTHORIZED"`},
		{name: "wrong scheme", header: []string{"Basic dXNlcjpwdw=="}, status: 401, code: CodeUnauthorized,
			challenge: `Bearer realm="slack-mcp", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource"`,
			msg:       "Bearer scheme", logged: `"reason":"UNAUTHORIZED"`},
		{name: "empty token", header: []string{"Bearer "}, status: 401, code: CodeUnauthorized, msg: "empty"},
		{name: "oversized token", header: []string{"Bearer " + strings.Repeat("x", MaxTokenBytes+1)}, status: 401,
			code: CodeInvalidToken, msg: "longer than 4096 bytes"},
		{name: "malformed token", header: []string{"Bearer a b"}, status: 401, code: CodeInvalidToken, msg: "characters"},
		{name: "two headers", header: []string{"Bearer " + good, "Bearer " + bad}, status: 401, code: CodeInvalidToken, msg: "exactly one"},
		{name: "invalid token", header: []string{"Bearer " + bad}, status: 401, code: CodeInvalidToken,
			challenge: `Bearer realm="slack-mcp", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource", error="invalid_token", error_description="` + msgInvalid + `"`,
			msg:       "not valid", authCalls: 1, logged: `"token":"` + Fingerprint(bad) + `"`},
		{name: "revoked token", header: []string{"bearer " + revoked}, status: 401, code: CodeTokenRevoked,
			msg: "revoked", authCalls: 1, logged: `"reason":"TOKEN_REVOKED"`},
		{name: "outage", header: []string{"Bearer " + outage}, status: 503, code: CodeUnavailable, msg: "retry", authCalls: 1},
		{name: "token in query", path: "/mcp?access_token=" + good, status: 400, code: CodeInvalidRequest, msg: "never in the URL"},
		{name: "token in query with header", path: "/mcp?ACCESS_TOKEN=" + good, header: []string{"Bearer " + good}, status: 400, code: CodeInvalidRequest},
		{name: "skipped path", path: "/health", status: http.StatusOK},
		{name: "skipped oauth path", path: "/oauth/callback?code=1&state=2", status: http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			auth := &fakeAuth{answers: map[string]error{
				good:    nil,
				revoked: errors.Join(errors.New("installation revoked"), ErrRevokedToken),
				outage:  errors.New("slack: connection refused"),
			}}
			logs := &syncBuffer{}
			var seen *tenant.Caller
			h := Middleware(auth, Options{
				Realm:               "slack-mcp",
				ResourceMetadataURL: "https://mcp.example/.well-known/oauth-protected-resource",
				Logger:              zerolog.New(logs).Level(zerolog.InfoLevel),
				Skip: func(r *http.Request) bool {
					return r.URL.Path == "/health" || strings.HasPrefix(r.URL.Path, "/oauth/")
				},
			}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = tenant.From(r.Context())
				w.WriteHeader(http.StatusOK)
			}))
			path := tc.path
			if path == "" {
				path = "/mcp"
			}
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("{}"))
			for _, v := range tc.header {
				req.Header.Add("Authorization", v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			require.Equal(t, tc.status, rec.Code)
			assert.Equal(t, tc.authCalls, auth.calls)
			if tc.status == http.StatusOK {
				if tc.authCalls > 0 {
					require.NotNil(t, seen)
					assert.Equal(t, good, seen.Bearer)
				} else {
					assert.Nil(t, seen)
				}
				return
			}
			assert.Nil(t, seen, "next must not run")
			assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			var body map[string]string
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.Len(t, body, 2)
			assert.Equal(t, tc.code, body["code"])
			assert.Contains(t, body["error"], tc.msg)

			ch := rec.Header().Get("WWW-Authenticate")
			switch {
			case tc.status == 503:
				assert.Empty(t, ch)
				assert.Equal(t, "5", rec.Header().Get("Retry-After"))
			case tc.challenge != "":
				assert.Equal(t, tc.challenge, ch)
			default:
				assert.True(t, strings.HasPrefix(ch, `Bearer realm="slack-mcp"`), ch)
				presented := tc.code == CodeInvalidToken || tc.code == CodeTokenRevoked
				assert.Equal(t, presented, strings.Contains(ch, `error="invalid_token"`), ch)
				if tc.code == CodeInvalidRequest {
					assert.Contains(t, ch, `error="invalid_request"`)
				}
			}

			out := logs.String()
			for _, tok := range []string{good, bad, revoked, outage} {
				assert.NotContains(t, out, tok, "tokens never reach the log")
				assert.NotContains(t, rec.Body.String(), tok, "nor the answer")
				assert.NotContains(t, ch, tok)
			}
			if tc.logged != "" {
				assert.Contains(t, out, tc.logged)
			}
		})
	}
}

func TestMiddlewareDefaultRealm(t *testing.T) {
	t.Parallel()
	h := Middleware(&fakeAuth{}, Options{}, http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sse", nil))
	assert.Equal(t, 401, rec.Code)
	assert.Equal(t, `Bearer realm="slack-mcp-server"`, rec.Header().Get("WWW-Authenticate"))
}

func TestMiddlewareNilCallerIsNotSuccess(t *testing.T) {
	t.Parallel()
	a := AuthenticatorFunc(func(context.Context, string) (*tenant.Caller, error) { return nil, nil })
	h := Middleware(a, Options{}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("next ran") }))
	req := httptest.NewRequest(http.MethodGet, "/mcp", nil)
	req.Header.Set("Authorization", "Bearer xoxp-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, 503, rec.Code)
}

func TestQuote(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `"a\"b\\c"`, quote("a\"b\\c\r\n"))
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	fp := Fingerprint("xoxp-1")
	assert.Len(t, fp, 12)
	assert.Equal(t, fp, Fingerprint("xoxp-1"))
	assert.NotEqual(t, fp, Fingerprint("xoxp-2"))
}
