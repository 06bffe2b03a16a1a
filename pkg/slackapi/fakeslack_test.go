package slackapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// fakeSlack is a small local Slack Web API stand-in: enough envelope for
// slack-go to decode, scripted 429s, and a record of every call.
type fakeSlack struct {
	srv *httptest.Server

	mu       sync.Mutex
	calls    []fakeCall
	fail     map[string][]string // method -> Retry-After values of the next 429s ("" = no header)
	handlers map[string]http.HandlerFunc
	authJSON string // auth.test body; "{base}" is replaced by the server URL
	scopes   string
}

type fakeCall struct {
	Method string
	Path   string
	Form   url.Values
	Header http.Header
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	fs := &fakeSlack{
		fail:     map[string][]string{},
		handlers: map[string]http.HandlerFunc{},
		authJSON: `{"ok":true,"url":"{base}/","team":"Acme","user":"alice","team_id":"T1","user_id":"U1"}`,
		scopes:   "channels:history, channels:read,chat:write",
	}
	fs.srv = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fakeSlack) URL() string { return fs.srv.URL }

func (fs *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	method := methodOf(r.URL.Path)
	fs.mu.Lock()
	fs.calls = append(fs.calls, fakeCall{Method: method, Path: r.URL.Path, Form: r.Form, Header: r.Header.Clone()})
	var retry *string
	if q := fs.fail[method]; len(q) > 0 {
		retry = &q[0]
		fs.fail[method] = q[1:]
	}
	h := fs.handlers[method]
	authJSON, scopes := fs.authJSON, fs.scopes
	fs.mu.Unlock()

	if retry != nil {
		if *retry != "" {
			w.Header().Set("Retry-After", *retry)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}
	if h != nil {
		h(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "auth.test":
		if scopes != "" {
			w.Header().Set("X-OAuth-Scopes", scopes)
		}
		_, _ = w.Write([]byte(strings.ReplaceAll(authJSON, "{base}", fs.srv.URL)))
	case "conversations.history":
		_, _ = w.Write([]byte(`{"ok":true,"messages":[{"type":"message","user":"U1","text":"hi","ts":"1.000001"}],"has_more":false}`))
	case "chat.postMessage":
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"2.000001"}`, r.Form.Get("channel"))
	default:
		_, _ = w.Write([]byte(`{"ok":true}`))
	}
}

// failNext makes the next len(retryAfter) calls of method answer 429.
func (fs *fakeSlack) failNext(method string, retryAfter ...string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.fail[method] = append(fs.fail[method], retryAfter...)
}

func (fs *fakeSlack) handle(method string, h http.HandlerFunc) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.handlers[method] = h
}

func (fs *fakeSlack) setAuth(body, scopes string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.authJSON, fs.scopes = body, scopes
}

func (fs *fakeSlack) callsOf(method string) []fakeCall {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []fakeCall
	for _, c := range fs.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}
