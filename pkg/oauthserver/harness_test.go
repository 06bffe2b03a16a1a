package oauthserver

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/memory"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit/slackapp"
)

const (
	slackClientID     = "111.222"
	slackClientSecret = "slack-secret"
	testTeam          = slackapp.TeamID
	testUser          = slackapp.UserID
	clientRedirect    = "http://127.0.0.1:9999/callback"
)

var (
	readScopes  = []string{"channels:history", "channels:read", "users:read", "search:read"}
	writeScopes = []string{"chat:write", "reactions:write"}
	// writeActions are the write tools the harness deployment enables.
	writeActions = []WriteAction{
		{Title: "Post a message", SlackScopes: []string{"chat:write"}},
		{Title: "Add a reaction", SlackScopes: []string{"reactions:write"}},
	}
)

// clock is an injected clock tests move by hand.
type clock = testkit.Clock

// response is an HTTP answer of the server under test.
type response = testkit.Response

func newBrowser(t testing.TB) *http.Client { return testkit.Browser(t) }

func do(t testing.TB, c *http.Client, method, target string, body io.Reader, hdr ...string) response {
	return testkit.Do(t, c, method, target, body, hdr...)
}

func newClock() *clock { return testkit.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) }

// storeKinds are the backends every flow test runs on.
var storeKinds = []string{"mem", "sqlite"}

func openStore(t testing.TB, kind string, c *clock) store.AuthServerStore {
	t.Helper()
	if kind == "mem" {
		m := memory.New(store.Options{Now: c.Now})
		t.Cleanup(func() { _ = m.Close() })
		return m
	}
	sq, err := store.OpenSQLite(context.Background(), store.MemoryPath, store.Options{Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sq.Close() })
	return sq
}

// harness: our server (slackoauth + oauthserver on one mux) and the
// Slack emulator on loopback.
type harness struct {
	t     *testing.T
	srv   *httptest.Server
	emu   *slackemu.Server
	as    *Server
	slack *slackoauth.Service
	store store.AuthServerStore
	clock *clock
}

type hopts struct {
	kind    string
	mod     func(*Options)
	consent slackemu.Consent
}

func newHarness(t *testing.T, kind string, mods ...func(*hopts)) *harness {
	t.Helper()
	ho := hopts{kind: kind, consent: slackemu.Consent{AutoApprove: true}}
	for _, m := range mods {
		m(&ho)
	}
	c := newClock()
	st := openStore(t, ho.kind, c)

	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	base := "http://" + srv.Listener.Addr().String()

	emu := slackapp.Start(t, slackapp.Options{
		App:      slackemu.OAuthApp{ClientID: slackClientID, ClientSecret: slackClientSecret},
		Redirect: base + "/oauth/callback", Consent: &ho.consent,
		Emulator: slackemu.Options{Now: c.Now},
	}).Server

	keys := testkit.Keyring(t)

	svc, err := slackoauth.New(slackoauth.Options{
		SlackURL: emu.URL, ClientID: slackClientID, ClientSecret: slackClientSecret,
		RedirectURI: base + "/oauth/callback", UserScopes: readScopes, PublicURL: base,
		Store: st, Keys: keys, HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Logger: zerolog.Nop(), Now: c.Now, RateLimit: rate.Inf,
	})
	require.NoError(t, err)
	o := Options{
		PublicURL: base, Store: st, Slack: svc,
		ReadSlackScopes: readScopes, WriteSlackScopes: writeScopes, WriteActions: writeActions,
		TokenKey: []byte("0123456789abcdef0123456789abcdef"),
		Logger:   zerolog.Nop(), Now: c.Now, RateLimit: rate.Inf,
	}
	if ho.mod != nil {
		ho.mod(&o)
	}
	as, err := New(o)
	require.NoError(t, err)
	mux.Handle("/oauth/", svc.Routes())
	for p, h := range as.Routes() {
		mux.Handle(p, h)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, emu: emu, as: as, slack: svc, store: st, clock: c}
}

func (h *harness) postForm(c *http.Client, path string, form url.Values, hdr ...string) response {
	h.t.Helper()
	hdr = append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)
	return do(h.t, c, http.MethodPost, h.srv.URL+path, strings.NewReader(form.Encode()), hdr...)
}

// register runs DCR and returns client_id (and secret, if any).
func (h *harness) register(meta map[string]any) (string, string) {
	h.t.Helper()
	b, _ := json.Marshal(meta)
	r := do(h.t, http.DefaultClient, http.MethodPost, h.srv.URL+"/register", strings.NewReader(string(b)), "Content-Type", "application/json")
	require.Equal(h.t, http.StatusCreated, r.Status, r.Body)
	m := r.JSON(h.t)
	secret, _ := m["client_secret"].(string)
	return m["client_id"].(string), secret
}

func (h *harness) publicClient() string {
	h.t.Helper()
	id, _ := h.register(map[string]any{
		"redirect_uris": []string{clientRedirect}, "token_endpoint_auth_method": "none",
		"client_name": "Test <Client>", "grant_types": []string{"authorization_code", "refresh_token"},
	})
	return id
}

// pkce returns a verifier and its S256 challenge.
func pkce() (string, string) {
	v := newRandom() + "-._~x"
	sum := sha256.Sum256([]byte(v))
	return v, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authzParams are a valid authorization request's parameters.
func (h *harness) authzParams(clientID, challenge string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {clientRedirect},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"},
		"state": {"client-state-1"}, "scope": {"slack:read"}, "resource": {h.srv.URL + "/mcp"},
	}
}

func (h *harness) authorize(c *http.Client, q url.Values) response {
	h.t.Helper()
	return do(h.t, c, http.MethodGet, h.srv.URL+"/authorize?"+q.Encode(), nil)
}

var (
	txnRE  = regexp.MustCompile(`name="txn" value="([^"]+)"`)
	csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// consentFields extracts the hidden form fields of a consent page.
func consentFields(t testing.TB, page response) (string, string) {
	t.Helper()
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	m1, m2 := txnRE.FindStringSubmatch(page.Body), csrfRE.FindStringSubmatch(page.Body)
	require.Len(t, m1, 2, "txn field")
	require.Len(t, m2, 2, "csrf field")
	return m1[1], m2[1]
}

func (h *harness) decide(c *http.Client, txn, csrf, decision string) response {
	h.t.Helper()
	return h.postForm(c, "/authorize/consent", url.Values{"txn": {txn}, "csrf": {csrf}, "decision": {decision}})
}

// throughSlack follows a redirect to Slack (auto-approving) and then our
// callback; it returns the callback's answer.
func (h *harness) throughSlack(c *http.Client, toSlack response) response {
	h.t.Helper()
	require.Contains(h.t, []int{http.StatusFound, http.StatusSeeOther}, toSlack.Status, toSlack.Body)
	loc := toSlack.Header.Get("Location")
	require.True(h.t, strings.HasPrefix(loc, h.emu.URL+"/oauth/v2/authorize?"), loc)
	sl := do(h.t, c, http.MethodGet, loc, nil)
	require.Equal(h.t, http.StatusFound, sl.Status, sl.Body)
	cb := sl.Header.Get("Location")
	require.True(h.t, strings.HasPrefix(cb, h.srv.URL+"/oauth/callback?"), cb)
	return do(h.t, c, http.MethodGet, cb, nil)
}

// codeFrom checks a redirect to the client and returns its code.
func (h *harness) codeFrom(r response, state string) string {
	h.t.Helper()
	require.Equal(h.t, http.StatusFound, r.Status, r.Body)
	loc := r.Location(h.t)
	require.Equal(h.t, clientRedirect, loc.Scheme+"://"+loc.Host+loc.Path)
	q := loc.Query()
	require.Empty(h.t, q.Get("error"), loc.String())
	require.Equal(h.t, state, q.Get("state"))
	require.Equal(h.t, h.srv.URL, q.Get("iss"))
	require.NotEmpty(h.t, q.Get("code"))
	return q.Get("code")
}

// fullFlow runs authorize → consent → approve → Slack → callback and
// returns the code.
func (h *harness) fullFlow(c *http.Client, q url.Values) string {
	h.t.Helper()
	txn, csrf := consentFields(h.t, h.authorize(c, q))
	return h.codeFrom(h.throughSlack(c, h.decide(c, txn, csrf, "approve")), q.Get("state"))
}

func (h *harness) exchange(clientID, code, verifier string, extra ...string) response {
	h.t.Helper()
	f := url.Values{"grant_type": {"authorization_code"}, "client_id": {clientID}, "code": {code},
		"code_verifier": {verifier}, "redirect_uri": {clientRedirect}, "resource": {h.srv.URL + "/mcp"}}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			f.Del(extra[i])
		} else {
			f.Set(extra[i], extra[i+1])
		}
	}
	return h.postForm(http.DefaultClient, "/token", f)
}

func (h *harness) refresh(clientID, rt string, extra ...string) response {
	h.t.Helper()
	f := url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {rt}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return h.postForm(http.DefaultClient, "/token", f)
}

// tokens runs the whole flow and returns the token response.
func (h *harness) tokens(clientID string) map[string]any {
	h.t.Helper()
	v, ch := pkce()
	code := h.fullFlow(newBrowser(h.t), h.authzParams(clientID, ch))
	r := h.exchange(clientID, code, v)
	require.Equal(h.t, http.StatusOK, r.Status, r.Body)
	return r.JSON(h.t)
}

// slackAuthTest runs auth.test with token against the emulator.
func (h *harness) slackAuthTest(token string) (*slack.AuthTestResponse, error) {
	return slack.New(token, slack.OptionAPIURL(h.emu.URL+"/api/")).AuthTestContext(context.Background())
}

func (h *harness) audit(event string) []store.AuditEvent {
	h.t.Helper()
	evs, err := h.store.ListAudit(context.Background(), store.AuditFilter{Event: event})
	require.NoError(h.t, err)
	return evs
}

// eachStore runs fn as a parallel subtest per backend.
func eachStore(t *testing.T, fn func(t *testing.T, kind string)) {
	for _, kind := range storeKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, kind)
		})
	}
}
