package slackapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostMux is an in-memory RoundTripper: each host gets a handler, every
// request is recorded. No network is touched.
type hostMux struct {
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	seen     []*http.Request
}

func (m *hostMux) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	m.seen = append(m.seen, r.Clone(context.Background()))
	h := m.handlers[r.URL.Host]
	m.mu.Unlock()
	if h == nil {
		return nil, errors.New("no such host in test")
	}
	rec := httptest.NewRecorder()
	h(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func (m *hostMux) requests() []*http.Request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*http.Request(nil), m.seen...)
}

func serveBytes(ct, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write([]byte(body))
	}
}

func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) }
}

const loginPage = `<!DOCTYPE html><html><head><title>Slack</title></head><body><form action="/signin">Sign in to your workspace</form></body></html>`

func TestDownload(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 101)
	for _, tc := range []struct {
		name     string
		creds    Credentials
		url      string
		max      int64
		handlers map[string]http.HandlerFunc
		wantData string
		wantCT   string
		wantErr  error  // errors.Is target
		wantCode int    // slack.StatusCodeError code
		errText  string // substring
		// per host: whether the request there carried the token (and cookie for session tokens)
		authed map[string]bool
	}{
		{
			name: "slack file", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/files-pri/T1-F1/a.txt", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack.com": serveBytes("text/plain", "hello")},
			wantData: "hello", wantCT: "text/plain",
			authed: map[string]bool{"files.slack.com": true},
		},
		{
			name: "exactly the cap", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 5,
			handlers: map[string]http.HandlerFunc{"files.slack.com": serveBytes("application/octet-stream", "12345")},
			wantData: "12345", wantCT: "application/octet-stream",
		},
		{
			name: "too large by Content-Length", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack.com": serveBytes("text/plain", big)},
			wantErr:  ErrTooLarge,
		},
		{
			name: "too large while reading", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack.com": func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", "3") // lies; the cap is on bytes read
				_, _ = w.Write([]byte(big))
			}},
			wantErr: ErrTooLarge,
		},
		{
			name: "redirect to a non-Slack host drops credentials", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{
				"files.slack.com": redirectTo("https://cdn.example.com/blob"),
				"cdn.example.com": serveBytes("image/png", "PNG"),
			},
			wantData: "PNG", wantCT: "image/png",
			authed: map[string]bool{"files.slack.com": true, "cdn.example.com": false},
		},
		{
			name: "session token: cookie only to Slack hosts", creds: Credentials{Token: testSessionToken, Cookie: testCookieRaw}, url: "https://acme.slack.com/files-pri/T1-F1/x", max: 100,
			handlers: map[string]http.HandlerFunc{
				"acme.slack.com":       redirectTo("https://files.slack-edge.com/x"),
				"files.slack-edge.com": redirectTo("https://evil.example/x"),
				"evil.example":         serveBytes("text/plain", "data"),
			},
			wantData: "data", wantCT: "text/plain",
			authed: map[string]bool{"acme.slack.com": true, "files.slack-edge.com": true, "evil.example": false},
		},
		{
			name: "redirect between Slack hosts keeps credentials", creds: Credentials{Token: testBotToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{
				"files.slack.com": redirectTo("https://slack-files.com/T1-F1-abc"),
				"slack-files.com": serveBytes("text/plain", "ok"),
			},
			wantData: "ok", wantCT: "text/plain",
			authed: map[string]bool{"files.slack.com": true, "slack-files.com": true},
		},
		{
			name: "downgrade to http drops credentials", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack.com": func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Scheme == "https" {
					http.Redirect(w, r, "http://files.slack.com/f", http.StatusFound)
					return
				}
				_, _ = w.Write([]byte("plain"))
			}},
			wantData: "plain", wantCT: "text/plain; charset=utf-8",
		},
		{
			name: "govslack file", creds: Credentials{Token: testUserToken}, url: "https://files.slack-gov.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack-gov.com": serveBytes("text/plain", "gov")},
			wantData: "gov", wantCT: "text/plain",
			authed: map[string]bool{"files.slack-gov.com": true},
		},
		{name: "non-Slack URL refused", creds: Credentials{Token: testUserToken}, url: "https://evil.example/f", max: 100, wantErr: errNotSlackHost},
		{name: "look-alike host refused", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com.evil.example/f", max: 100, wantErr: errNotSlackHost},
		{name: "suffix look-alike refused", creds: Credentials{Token: testUserToken}, url: "https://evilslack.com/f", max: 100, wantErr: errNotSlackHost},
		{name: "http Slack URL refused", creds: Credentials{Token: testUserToken}, url: "http://files.slack.com/f", max: 100, wantErr: errNotSlackHost},
		{name: "user info refused", creds: Credentials{Token: testUserToken}, url: "https://a:b@files.slack.com/f", max: 100, wantErr: errNotSlackHost},
		{name: "relative URL", creds: Credentials{Token: testUserToken}, url: "/files/f", max: 100, errText: "absolute"},
		{name: "zero cap", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 0, errText: "maxBytes"},
		{
			name: "not found", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack.com": http.NotFound},
			wantCode: http.StatusNotFound,
		},
		{
			name: "login page", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 10000,
			handlers: map[string]http.HandlerFunc{"files.slack.com": serveBytes("text/html; charset=utf-8", loginPage)},
			wantErr:  ErrLoginPage,
		},
		{
			name: "an uploaded HTML file is returned", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 10000,
			handlers: map[string]http.HandlerFunc{"files.slack.com": serveBytes("text/html", "<html><body><h1>Report</h1></body></html>")},
			wantData: "<html><body><h1>Report</h1></body></html>", wantCT: "text/html",
		},
		{
			name: "redirect loop", creds: Credentials{Token: testUserToken}, url: "https://files.slack.com/f", max: 100,
			handlers: map[string]http.HandlerFunc{"files.slack.com": redirectTo("https://files.slack.com/f")},
			errText:  "too many redirects",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mux := &hostMux{handlers: tc.handlers}
			f, _, logs := newTestFactory(t, "", func(o *Options) {
				o.HTTPClient = &http.Client{Transport: mux}
				o.UserAgent = "ua/1"
			})
			c := f.NewClient(tc.creds, Identity{TeamID: "T1", URL: "https://acme.slack.com/"})
			data, ct, err := c.Download(context.Background(), tc.url, tc.max)

			switch {
			case tc.wantErr != nil:
				require.ErrorIs(t, err, tc.wantErr)
			case tc.wantCode != 0:
				var sc slack.StatusCodeError
				require.ErrorAs(t, err, &sc)
				assert.Equal(t, tc.wantCode, sc.Code)
			case tc.errText != "":
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errText)
			default:
				require.NoError(t, err)
				assert.Equal(t, tc.wantData, string(data))
				assert.Equal(t, tc.wantCT, ct)
			}
			if err != nil {
				assert.Nil(t, data)
				assert.NotContains(t, err.Error(), tc.creds.Token)
				msg, _ := Explain(err)
				assert.NotContains(t, msg, tc.creds.Token)
			}
			if tc.wantErr == errNotSlackHost || tc.errText == "absolute" || tc.errText == "maxBytes" {
				assert.Empty(t, mux.requests(), "nothing is sent")
			}
			for _, r := range mux.requests() {
				want, ok := tc.authed[r.URL.Host]
				if !ok {
					want = r.URL.Scheme == "https" && isSlackDomain(r.URL.Hostname())
				}
				if want {
					assert.Equal(t, "Bearer "+tc.creds.Token, r.Header.Get("Authorization"), r.URL.String())
				} else {
					assert.Empty(t, r.Header.Get("Authorization"), r.URL.String())
					assert.Empty(t, r.Header.Get("Cookie"), r.URL.String())
				}
				if want && KindOf(tc.creds.Token) == SessionToken {
					assert.Equal(t, "d="+testCookieEnc, r.Header.Get("Cookie"), r.URL.String())
				}
				assert.Equal(t, "ua/1", r.Header.Get("User-Agent"))
			}
			assert.NotContains(t, logs.String(), tc.creds.Token)
		})
	}
}

func TestDownloadFromBaseURLOrigin(t *testing.T) {
	t.Parallel()
	var gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("local"))
	}))
	t.Cleanup(srv.Close)
	f, _, _ := newTestFactory(t, srv.URL, nil)
	c := f.NewClient(Credentials{Token: testBotToken}, Identity{TeamID: "T1"})
	data, ct, err := c.Download(context.Background(), srv.URL+"/files-pri/T1-F1/a.txt", 1<<20)
	require.NoError(t, err)
	assert.Equal(t, "local", string(data))
	assert.Equal(t, "text/plain", ct)
	assert.Equal(t, "Bearer "+testBotToken, gotAuth)
}

func TestIsLoginPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ct, body string
		want     bool
	}{
		{"text/html; charset=utf-8", loginPage, true},
		{"text/html", "<html><a href=/login>Log in</a></html>", true},
		{"text/html", "<html><body>report</body></html>", false},
		{"text/plain", loginPage, false},
		{"image/png", "login", false},
		{"text/html", "sign in", false},
		{"", loginPage, false},
	} {
		assert.Equal(t, tc.want, isLoginPage(tc.ct, []byte(tc.body)), "%s %q", tc.ct, tc.body)
	}
}
