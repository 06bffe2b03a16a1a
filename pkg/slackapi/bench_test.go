package slackapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// BenchmarkDoerOverhead measures a call through the Doer (method lookup,
// bucket, pacing reservation, body replay setup, logging disabled) against
// the same call made directly on the shared http.Client.
func BenchmarkDoerOverhead(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	b.Cleanup(srv.Close)
	f, err := NewFactory(Options{
		BaseURL: srv.URL,
		Pacing:  PaceAlways,
		Limits:  map[string]Limit{"conversations.history": {PerMinute: 1 << 30, Burst: 1 << 30}},
		Logger:  zerolog.Nop(),
	})
	if err != nil {
		b.Fatal(err)
	}
	d := f.newDoer(Credentials{Token: testUserToken}, Identity{TeamID: "T1"}, f.apiURLFor(""))
	body := url.Values{"token": {testUserToken}, "channel": {"C1"}, "limit": {"15"}}.Encode()
	newReq := func() *http.Request {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/api/conversations.history", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	run := func(b *testing.B, do func(*http.Request) (*http.Response, error)) {
		b.ReportAllocs()
		for b.Loop() {
			resp, err := do(newReq())
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}
	b.Run("direct", func(b *testing.B) { run(b, f.http.Do) })
	b.Run("doer", func(b *testing.B) { run(b, d.Do) })
}
