package slackoauth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit/slackapp"
)

const (
	testClientID     = "111.222"
	testClientSecret = "s3cr3t-client"
	testTeam         = slackapp.TeamID
	testEnterprise   = "E0GRID"
	testUser         = slackapp.UserID
)

var testScopes = []string{"channels:history", "channels:read", "users:read", "search:read"}

// clock is an injected clock tests move by hand.
type clock = testkit.Clock

// response is an HTTP answer of the server under test.
type response = testkit.Response

func newBrowser(t testing.TB) *http.Client { return testkit.Browser(t) }

func do(t testing.TB, c *http.Client, method, target string, body io.Reader, hdr ...string) response {
	return testkit.Do(t, c, method, target, body, hdr...)
}

func newClock() *clock { return testkit.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) }

// setup tunes a harness before it starts.
type setup struct {
	store      store.Store
	keys       *seal.Keyring
	app        slackemu.OAuthApp
	consent    slackemu.Consent
	enterprise string
	rateLimit  rate.Limit
	burst      int
	allowed    []string
	clock      *clock
	logs       io.Writer
	pkce       bool // Options.PKCE, and PKCE enabled on the app
	failures   Failures
}

// harness is our server and the Slack emulator on loopback, driven by a
// cookie-jar client that does not follow redirects, so each hop is seen.
type harness struct {
	t       *testing.T
	opts    Options
	svc     *Service
	srv     *httptest.Server
	mux     *http.ServeMux
	emu     *slackemu.Server
	ws      *slackemu.Workspace
	store   store.Store
	keys    *seal.Keyring
	clock   *clock
	browser *http.Client
}

func testKeys(t testing.TB) *seal.Keyring { return testkit.Keyring(t) }

func newHarness(t *testing.T, mods ...func(*setup)) *harness {
	t.Helper()
	s := setup{
		consent:   slackemu.Consent{AutoApprove: true},
		rateLimit: rate.Inf,
		clock:     newClock(),
	}
	for _, m := range mods {
		m(&s)
	}
	if s.store == nil {
		s.store = newTestStore(t, store.MemoryPath, s.clock)
	}
	if s.keys == nil {
		s.keys = testKeys(t)
	}
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()
	redirect := base + "/oauth/callback"

	app := s.app
	app.PKCE = app.PKCE || s.pkce
	app.ClientID, app.ClientSecret = testClientID, testClientSecret
	sl := slackapp.Start(t, slackapp.Options{
		Workspace: slackapp.Acme(slackemu.Team{Name: "Acme <Corp>", EnterpriseID: s.enterprise}),
		App:       app, Redirect: redirect, Consent: &s.consent,
		Emulator: slackemu.Options{Now: s.clock.Now},
	})
	emu, ws := sl.Server, sl.Workspace

	logger := zerolog.Nop()
	if s.logs != nil {
		logger = zerolog.New(s.logs).Level(zerolog.DebugLevel)
	}
	opts := Options{
		SlackURL:             emu.URL,
		ClientID:             testClientID,
		ClientSecret:         testClientSecret,
		RedirectURI:          redirect,
		UserScopes:           testScopes,
		PublicURL:            base,
		AllowedReturnOrigins: s.allowed,
		Store:                s.store,
		Keys:                 s.keys,
		HTTPClient:           &http.Client{Timeout: 10 * time.Second},
		Logger:               logger,
		Now:                  s.clock.Now,
		RateLimit:            s.rateLimit,
		Burst:                s.burst,
		PKCE:                 s.pkce,
		Failures:             s.failures,
	}
	svc, err := New(opts)
	require.NoError(t, err)
	mux.Handle("/oauth/", svc.Routes())
	srv.Start()
	t.Cleanup(srv.Close)

	return &harness{t: t, opts: opts, svc: svc, srv: srv, mux: mux, emu: emu, ws: ws, store: s.store, keys: s.keys, clock: s.clock, browser: newBrowser(t)}
}

// authorize runs GET /oauth/authorize and returns the 302 to Slack.
func (h *harness) authorize(c *http.Client, query string) response {
	h.t.Helper()
	target := h.srv.URL + "/oauth/authorize"
	if query != "" {
		target += "?" + query
	}
	return do(h.t, c, http.MethodGet, target, nil)
}

// toSlack follows the authorize redirect to the emulator and returns the
// callback URL it redirects back to.
func (h *harness) toSlack(c *http.Client, r response) string {
	h.t.Helper()
	require.Equal(h.t, http.StatusFound, r.Status, r.Body)
	slackResp := do(h.t, c, http.MethodGet, r.Header.Get("Location"), nil)
	require.Equal(h.t, http.StatusFound, slackResp.Status, slackResp.Body)
	cb := slackResp.Header.Get("Location")
	require.True(h.t, strings.HasPrefix(cb, h.srv.URL+"/oauth/callback?"), cb)
	return cb
}

// connect runs the whole flow in c and returns the success page.
func (h *harness) connect(c *http.Client, query string) response {
	h.t.Helper()
	cb := h.toSlack(c, h.authorize(c, query))
	return do(h.t, c, http.MethodGet, cb, nil)
}

var patRE = regexp.MustCompile(`smcp_[A-Za-z0-9_-]{43}`)

// patOf extracts the personal access token shown on a success page.
func patOf(t testing.TB, page string) string {
	t.Helper()
	pat := patRE.FindString(page)
	require.NotEmpty(t, pat, "no personal access token on the page")
	return pat
}

// slackAuthTest runs auth.test with token against the emulator.
func (h *harness) slackAuthTest(token string) (*slack.AuthTestResponse, error) {
	api := slack.New(token, slack.OptionAPIURL(h.emu.URL+"/api/"))
	return api.AuthTestContext(context.Background())
}

func (h *harness) audit(event string) []store.AuditEvent {
	h.t.Helper()
	evs, err := h.store.ListAudit(context.Background(), store.AuditFilter{Event: event})
	require.NoError(h.t, err)
	return evs
}

func withStore(s store.Store) func(*setup)  { return func(o *setup) { o.store = s } }
func withKeys(k *seal.Keyring) func(*setup) { return func(o *setup) { o.keys = k } }
func withClock(c *clock) func(*setup)       { return func(o *setup) { o.clock = c } }
func withConsent(c slackemu.Consent) func(*setup) {
	return func(o *setup) { o.consent = c }
}
func withApp(a slackemu.OAuthApp) func(*setup) { return func(o *setup) { o.app = a } }
func withPKCE() func(*setup)                   { return func(o *setup) { o.pkce = true } }

func httptestServe(h http.Handler, method, target string, body io.Reader) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, body))
	return rec
}

func httptestRecorder(s *Service, method, target string, body io.Reader) *httptest.ResponseRecorder {
	return httptestServe(s.Routes(), method, target, body)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer = testkit.LogBuffer
