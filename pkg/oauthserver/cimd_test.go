package oauthserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// docServer serves a client metadata document over TLS; doc gets the
// document's own URL.
func docServer(t *testing.T, cacheControl string, doc func(self string) map[string]any) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc(srv.URL + "/client.json"))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func goodDoc(self string) map[string]any {
	return map[string]any{"client_id": self, "client_name": "Claude Code", "redirect_uris": []string{"http://127.0.0.1/callback"},
		"grant_types": []string{"authorization_code", "refresh_token"}, "token_endpoint_auth_method": "none"}
}

func withCIMD(client *http.Client, allowPrivate bool) func(*hopts) {
	return func(o *hopts) {
		o.mod = func(o *Options) { o.HTTPClient, o.AllowPrivateCIMD = client, allowPrivate }
	}
}

func TestCIMD(t *testing.T) {
	t.Parallel()
	t.Run("happy path", func(t *testing.T) {
		t.Parallel()
		doc, hits := docServer(t, "max-age=60", goodDoc)
		h := newHarness(t, "mem", withCIMD(doc.Client(), true))
		clientID := doc.URL + "/client.json"
		v, ch := pkce()
		q := h.authzParams(clientID, ch)
		b := newBrowser(t)
		page := h.authorize(b, q) // portless registered loopback, port 9999 requested
		require.Contains(t, page.Body, "Claude Code")
		txn, csrf := consentFields(t, page)
		code := h.codeFrom(h.throughSlack(b, h.decide(b, txn, csrf, "approve")), "client-state-1")
		r := h.exchange(clientID, code, v)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		_, err := h.as.ResolveAccessToken(context.Background(), r.JSON(t)["access_token"].(string))
		require.NoError(t, err)
		require.EqualValues(t, 1, hits.Load(), "cached")

		c, err := h.store.GetClient(context.Background(), clientID)
		require.NoError(t, err)
		require.Equal(t, store.ClientMetadata, c.Kind)
		require.Equal(t, h.clock.Now().Add(5*time.Minute), c.ExpiresAt, "max-age=60 clamped to 5 min")
		h.clock.Advance(5 * time.Minute)
		consentFields(t, h.authorize(newBrowser(t), q))
		require.EqualValues(t, 2, hits.Load(), "refetched after expiry")
	})
	for _, tc := range []struct {
		name string
		doc  func(self string) map[string]any
		id   func(base string) string
	}{
		{"client_id mismatch", func(self string) map[string]any {
			d := goodDoc(self)
			d["client_id"] = "https://evil.example.com/client.json"
			return d
		}, nil},
		{"no redirect uris", func(self string) map[string]any {
			d := goodDoc(self)
			delete(d, "redirect_uris")
			return d
		}, nil},
		{"secret auth method", func(self string) map[string]any {
			d := goodDoc(self)
			d["token_endpoint_auth_method"] = "client_secret_basic"
			return d
		}, nil},
		{"redirect not in document", goodDoc, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc, _ := docServer(t, "", tc.doc)
			h := newHarness(t, "mem", withCIMD(doc.Client(), true))
			_, ch := pkce()
			q := h.authzParams(doc.URL+"/client.json", ch)
			if tc.name == "redirect not in document" {
				q.Set("redirect_uri", "https://evil.example.com/cb")
			}
			r := h.authorize(newBrowser(t), q)
			require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
			require.Empty(t, r.Header.Get("Location"))
		})
	}
	for _, host := range []string{"127.0.0.1", "localhost"} {
		t.Run("private address "+host+" refused", func(t *testing.T) {
			t.Parallel()
			doc, hits := docServer(t, "", goodDoc)
			h := newHarness(t, "mem", withCIMD(doc.Client(), false))
			_, ch := pkce()
			id := strings.Replace(doc.URL, "127.0.0.1", host, 1) + "/client.json"
			r := h.authorize(newBrowser(t), h.authzParams(id, ch))
			require.Equal(t, http.StatusBadRequest, r.Status, r.Body)
			require.Empty(t, r.Header.Get("Location"))
			require.Zero(t, hits.Load(), "never fetched")
			tr := h.exchange(id, newRandom(), newRandom())
			require.Equal(t, "invalid_client", tr.JSON(t)["error"])
		})
	}
}

func TestCIMDFetcherLimits(t *testing.T) {
	t.Parallel()
	big := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"client_name":"` + strings.Repeat("a", 70<<10) + `"}`))
	}))
	t.Cleanup(big.Close)
	redirects := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again"+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(redirects.Close)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(plain.Close)
	for name, tc := range map[string]struct {
		srv *httptest.Server
		url string
	}{
		"too large":     {big, big.URL + "/c.json"},
		"redirect loop": {redirects, redirects.URL + "/c.json"},
		"http":          {plain, plain.URL + "/c.json"},
		"no path":       {big, big.URL + "/"},
		"query":         {big, big.URL + "/c.json?x=1"},
		"dot segment":   {big, big.URL + "/a/../c.json"},
		"user info":     {big, strings.Replace(big.URL, "https://", "https://u:p@", 1) + "/c.json"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newCIMDFetcher(tc.srv.Client(), true)
			_, _, err := f.fetch(context.Background(), tc.url)
			require.Error(t, err)
		})
	}
}

func TestBlockedIP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ip      string
		blocked bool
	}{
		{"127.0.0.1", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"0.0.0.0", true}, {"100.64.0.1", true}, {"224.0.0.1", true},
		{"::1", true}, {"fe80::1", true}, {"fc00::1", true}, {"::ffff:127.0.0.1", true}, {"::", true},
		{"8.8.8.8", false}, {"2606:4700::1111", false}, {"151.101.1.1", false},
	} {
		require.Equal(t, tc.blocked, blockedIP(netip.MustParseAddr(tc.ip)), tc.ip)
	}
}

func TestCacheLifetime(t *testing.T) {
	t.Parallel()
	for cc, want := range map[string]time.Duration{
		"":                       5 * time.Minute,
		"max-age=60":             5 * time.Minute,
		"public, max-age=3600":   time.Hour,
		"max-age=999999999":      24 * time.Hour,
		"no-store":               5 * time.Minute,
		"max-age=3600, no-cache": 5 * time.Minute,
		"max-age=abc":            5 * time.Minute,
	} {
		require.Equal(t, want, cacheLifetime(cc), cc)
	}
}

// TestCIMDDialGuard: a hostname that resolves to loopback is refused at
// dial time, not by a pre-check on the URL.
func TestCIMDDialGuard(t *testing.T) {
	t.Parallel()
	doc, hits := docServer(t, "", goodDoc)
	id := strings.Replace(doc.URL, "127.0.0.1", "localhost", 1) + "/client.json"
	_, _, err := newCIMDFetcher(doc.Client(), false).fetch(context.Background(), id)
	require.ErrorIs(t, err, errBlockedAddr)
	_, _, err = newCIMDFetcher(nil, false).fetch(context.Background(), "https://127.0.0.1:1/client.json")
	require.ErrorIs(t, err, errBlockedAddr, "literal addresses are refused up front")
	require.Zero(t, hits.Load())
	m, _, err := newCIMDFetcher(doc.Client(), true).fetch(context.Background(), doc.URL+"/client.json")
	require.NoError(t, err, "allowed in tests")
	require.Equal(t, "Claude Code", m.ClientName)
}
