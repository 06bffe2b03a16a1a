package slackoauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func TestRevoke(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		send func(h *harness, pat string) response
	}{
		{"bearer header", func(h *harness, pat string) response {
			return do(h.t, http.DefaultClient, http.MethodPost, h.srv.URL+"/oauth/revoke", nil, "Authorization", "Bearer "+pat)
		}},
		{"form field", func(h *harness, pat string) response {
			return do(h.t, http.DefaultClient, http.MethodPost, h.srv.URL+"/oauth/revoke",
				strings.NewReader(url.Values{"token": {pat}}.Encode()),
				"Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			pat := patOf(t, h.connect(h.browser, "").Body)
			// A second PAT of the same installation dies too.
			pat2 := patOf(t, h.connect(newBrowser(t), "").Body)
			creds, err := h.svc.ResolvePAT(ctx, pat)
			require.NoError(t, err)

			r := tc.send(h, pat)
			require.Equal(t, http.StatusOK, r.Status, r.Body)
			require.NotContains(t, r.Body, "xox")
			require.Equal(t, 1, h.emu.Calls("auth.revoke"))

			// Dead at Slack, dead here, at once.
			_, err = h.slackAuthTest(creds.Token)
			require.Error(t, err)
			for _, p := range []string{pat, pat2} {
				_, err = h.svc.ResolvePAT(ctx, p)
				require.True(t, errors.Is(err, authn.ErrRevokedToken) || errors.Is(err, authn.ErrInvalidToken), "%v", err)
			}
			in, err := h.store.FindInstallation(ctx, "", testTeam, testUser)
			require.NoError(t, err)
			require.Equal(t, store.StatusRevoked, in.Status)
			require.Empty(t, in.AccessToken)
			ev := h.audit("token_revoked")
			require.Len(t, ev, 1)
			require.Equal(t, testUser, ev[0].UserID)

			// Revoking again: the token is unknown now.
			again := tc.send(h, pat)
			require.Equal(t, http.StatusUnauthorized, again.Status)
			require.Equal(t, 1, h.emu.Calls("auth.revoke"))
		})
	}
}

func TestRevokeRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pat := patOf(t, h.connect(h.browser, "").Body)
	tests := []struct {
		name   string
		method string
		body   string
		hdr    []string
		status int
		code   string
	}{
		{"no token", http.MethodPost, "", nil, http.StatusUnauthorized, CodeInvalidToken},
		{"unknown token", http.MethodPost, "", []string{"Authorization", "Bearer " + newPAT()}, http.StatusUnauthorized, CodeInvalidToken},
		{"slack token", http.MethodPost, "", []string{"Authorization", "Bearer xoxp-1-2-3"}, http.StatusUnauthorized, CodeInvalidToken},
		{"wrong scheme", http.MethodPost, "", []string{"Authorization", "Basic " + pat}, http.StatusUnauthorized, CodeInvalidToken},
		{"token in the query string is ignored", http.MethodPost, "", nil, http.StatusUnauthorized, CodeInvalidToken},
		{"body too large", http.MethodPost, "token=" + strings.Repeat("a", 20<<10), []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusRequestEntityTooLarge, CodeRequestTooLarge},
		{"wrong method", http.MethodDelete, "", nil, http.StatusMethodNotAllowed, CodeMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := h.srv.URL + "/oauth/revoke"
			if strings.Contains(tc.name, "query") {
				target += "?token=" + pat
			}
			r := do(t, http.DefaultClient, tc.method, target, strings.NewReader(tc.body), tc.hdr...)
			require.Equal(t, tc.status, r.Status, r.Body)
			var body errorBody
			require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
			require.Equal(t, tc.code, body.Code)
		})
	}
	// Nothing above revoked anything.
	_, err := h.svc.ResolvePAT(context.Background(), pat)
	require.NoError(t, err)
	require.Zero(t, h.emu.Calls("auth.revoke"))
}

func TestRevokePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := do(t, http.DefaultClient, http.MethodGet, h.srv.URL+"/oauth/revoke", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, r.Body, `<form method="post" action="/oauth/revoke">`)
	require.Contains(t, r.Body, `name="token"`)
	require.Contains(t, r.Header.Get("Content-Security-Policy"), "script-src 'none'")
	require.Equal(t, "DENY", r.Header.Get("X-Frame-Options"))
}

func TestEnterpriseOrgInstall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(s *setup) { s.enterprise = testEnterprise },
		withConsent(slackemu.Consent{AutoApprove: true, EnterpriseInstall: true}))
	page := h.connect(h.browser, "")
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	require.Contains(t, page.Body, testEnterprise)
	pat := patOf(t, page.Body)

	ctx := context.Background()
	in, err := h.store.FindInstallation(ctx, testEnterprise, "", testUser)
	require.NoError(t, err, "recorded by enterprise ID with no team")
	require.True(t, in.IsEnterpriseInstall)
	require.Empty(t, in.TeamID)

	creds, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	at, err := h.slackAuthTest(creds.Token)
	require.NoError(t, err)
	require.Equal(t, testUser, at.UserID)

	done := h.audit("oauth_completed")
	require.Len(t, done, 1)
	require.Equal(t, testEnterprise, done[0].EnterpriseID)
}

func TestTokenRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}))
	st := h.store
	pat := patOf(t, h.connect(h.browser, "").Body)
	require.Equal(t, 1, h.emu.Calls("oauth.v2.access"))
	in, err := st.FindInstallation(ctx, "", testTeam, testUser)
	require.NoError(t, err)
	require.Equal(t, h.clock.Now().Add(time.Hour), in.TokenExpiresAt)
	require.NotEmpty(t, in.RefreshToken)
	require.NotContains(t, in.RefreshToken, "xoxe")

	first, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(first.Token, "xoxe.xoxp-"))
	require.Equal(t, 1, h.emu.Calls("oauth.v2.access"), "no refresh while far from expiry")

	// Within ten minutes of expiry: many concurrent callers, one refresh.
	h.clock.Advance(51 * time.Minute)
	const callers = 24
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			c, err := h.svc.ResolvePAT(ctx, pat)
			tokens[i], errs[i] = c.Token, err
		})
	}
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, tokens[0], tokens[i])
	}
	require.NotEqual(t, first.Token, tokens[0])
	require.Equal(t, 2, h.emu.Calls("oauth.v2.access"), "exactly one refresh")
	require.Len(t, h.audit("token_refreshed"), 1)

	// The new token works past the old one's expiry.
	h.clock.Advance(15 * time.Minute)
	_, err = h.slackAuthTest(first.Token)
	require.Error(t, err, "the old token expired")
	at, err := h.slackAuthTest(tokens[0])
	require.NoError(t, err)
	require.Equal(t, testUser, at.UserID)
	again, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	require.Equal(t, tokens[0], again.Token)
	require.Equal(t, 2, h.emu.Calls("oauth.v2.access"))
}

func TestRotationRefreshRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}))
	pat := patOf(t, h.connect(h.browser, "").Body)
	h.clock.Advance(55 * time.Minute)
	h.emu.FailNextWith("oauth.v2.access", "invalid_refresh_token", 1)
	_, err := h.svc.ResolvePAT(ctx, pat)
	require.ErrorIs(t, err, authn.ErrRevokedToken)
	in, err := h.store.FindInstallation(ctx, "", testTeam, testUser)
	require.NoError(t, err)
	require.Equal(t, store.StatusRevoked, in.Status)
	_, err = h.svc.ResolvePAT(ctx, pat)
	require.Error(t, err)
	require.True(t, errors.Is(err, authn.ErrRevokedToken) || errors.Is(err, authn.ErrInvalidToken))
}

func TestRotationTransientFailureServesValidToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}))
	pat := patOf(t, h.connect(h.browser, "").Body)
	before, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	h.clock.Advance(55 * time.Minute)
	h.emu.FailNextWith("oauth.v2.access", "internal_error", 1)
	c, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err, "the token is valid for five more minutes")
	require.Equal(t, before.Token, c.Token)
	// Next call refreshes.
	c, err = h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	require.NotEqual(t, before.Token, c.Token)
	// Past expiry with Slack failing: an outage error, not a token error.
	h.clock.Advance(2 * time.Hour)
	h.emu.FailNextWith("oauth.v2.access", "internal_error", 1)
	_, err = h.svc.ResolvePAT(ctx, pat)
	require.Error(t, err)
	require.False(t, errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken), "%v", err)
	require.NotContains(t, err.Error(), "xox")
}

// failureLog records what Options.Failures is told.
type failureLog struct {
	mu  sync.Mutex
	got []string
}

func (f *failureLog) SetFailure(_ context.Context, _, code string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, code)
	return nil
}

func (f *failureLog) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.got) == 0 {
		return "(none)"
	}
	return f.got[len(f.got)-1]
}

// A refresh that fails past expiry marks the installation failed; the
// next refresh that works, or a new sign-in, clears it.
func TestRefreshFailureIsRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := &failureLog{}
	h := newHarness(t, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}), func(s *setup) { s.failures = log })
	pat := patOf(t, h.connect(h.browser, "").Body)
	assert.Equal(t, "", log.last(), "signing in clears any failure")
	h.clock.Advance(2 * time.Hour)
	h.emu.FailNextWith("oauth.v2.access", "internal_error", 1)
	_, err := h.svc.ResolvePAT(ctx, pat)
	require.Error(t, err)
	assert.Equal(t, "refresh_failed", log.last())
	_, err = h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	assert.Equal(t, "", log.last(), "a refresh that works clears it")
}

func TestResolvePATRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	for _, tok := range []string{"", "smcp_", "xoxp-1-2", newPAT(), newPAT() + "x", "SMCP_" + newRandom(), "smcp_" + strings.Repeat("=", 43)} {
		_, err := h.svc.ResolvePAT(ctx, tok)
		require.ErrorIs(t, err, authn.ErrInvalidToken, "%q", tok)
	}
}

func TestSealedTokenBoundToIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	pat := patOf(t, h.connect(h.browser, "").Body)
	in, err := h.store.FindInstallation(ctx, "", testTeam, testUser)
	require.NoError(t, err)
	// Opening under another identity fails: ciphertexts cannot be swapped.
	other := in
	other.UserID = "U0MALLORY"
	_, err = h.keys.Open(in.AccessToken, identityAAD(other))
	require.Error(t, err)
	_, err = h.keys.Open(in.AccessToken, identityAAD(in))
	require.NoError(t, err)
	_, err = h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(s *setup) { s.rateLimit, s.burst = 0.01, 3 })
	for i := range 3 {
		r := h.authorize(h.browser, "")
		require.Equal(t, http.StatusFound, r.Status, "request %d", i)
	}
	for _, path := range []string{"/oauth/authorize", "/oauth/callback", "/oauth/revoke", "/oauth/nope"} {
		r := do(t, h.browser, http.MethodGet, h.srv.URL+path, nil)
		require.Equal(t, http.StatusTooManyRequests, r.Status, path)
		require.Equal(t, "100", r.Header.Get("Retry-After"))
		var body errorBody
		require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
		require.Equal(t, CodeRateLimited, body.Code)
	}
	h.clock.Advance(100 * time.Second)
	require.Equal(t, http.StatusFound, h.authorize(h.browser, "").Status)
}

func TestRoutesAnswerJSONErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/oauth/unknown", http.StatusNotFound, CodeNotFound},
		{http.MethodPost, "/oauth/authorize", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
		{http.MethodPost, "/oauth/callback", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
		{http.MethodPut, "/oauth/revoke", http.StatusMethodNotAllowed, CodeMethodNotAllowed},
	}
	for _, tc := range tests {
		r := do(t, http.DefaultClient, tc.method, h.srv.URL+tc.path, nil)
		require.Equal(t, tc.status, r.Status, tc.path)
		var body errorBody
		require.NoError(t, json.Unmarshal([]byte(r.Body), &body))
		require.Equal(t, tc.code, body.Code)
	}
}

func TestDisabled(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"/oauth/authorize", "/oauth/callback?code=x&state=y", "/oauth/revoke", "/oauth/anything"} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			rec := httptestServe(Disabled(), method, target, nil)
			require.Equal(t, http.StatusServiceUnavailable, rec.Code)
			require.Contains(t, rec.Header().Get("Content-Type"), "application/json")
			require.JSONEq(t, `{"error":"OAuth mode is not enabled on this server","code":"INTEGRATION_DISABLED"}`, rec.Body.String())
		}
	}
}

func TestSlackTokenNeverLogged(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	h := newHarness(t, func(s *setup) { s.logs = &logs }, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}))
	pat := patOf(t, h.connect(h.browser, "").Body)
	h.clock.Advance(55 * time.Minute)
	_, err := h.svc.ResolvePAT(context.Background(), pat)
	require.NoError(t, err)
	require.NotContains(t, do(t, http.DefaultClient, http.MethodPost, h.srv.URL+"/oauth/revoke", nil, "Authorization", "Bearer "+pat).Body, "xox")
	out := logs.String()
	require.NotEmpty(t, out)
	require.NotContains(t, out, "xox")
	require.NotContains(t, out, pat)
	require.NotContains(t, out, testClientSecret)
}

func TestRestartKeepsTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := t.TempDir() + "/tokens.db"
	c := newClock()
	first := newTestStore(t, path, c)
	h := newHarness(t, withStore(first), withClock(c))
	pat := patOf(t, h.connect(h.browser, "").Body)
	require.NoError(t, first.Close())

	// A new process: same file, same key, new Service.
	o := h.opts
	o.Store = newTestStore(t, path, c)
	svc, err := New(o)
	require.NoError(t, err)
	creds, err := svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)
	at, err := h.slackAuthTest(creds.Token)
	require.NoError(t, err)
	require.Equal(t, testUser, at.UserID)

	// The database alone yields nothing: another key cannot open it.
	o.Keys = testKeys(t)
	other, err := New(o)
	require.NoError(t, err)
	_, err = other.ResolvePAT(ctx, pat)
	require.Error(t, err)
	require.False(t, errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken), "a key problem is an outage, not the caller's fault")
}

// panickyStore breaks CreatePending the worst way.
type panickyStore struct{ store.Store }

func (panickyStore) CreatePending(context.Context, store.Pending) error {
	panic("boom at /secret/path")
}

func TestPanicBecomesJSONError(t *testing.T) {
	t.Parallel()
	svc, err := New(Options{ClientID: "c", ClientSecret: "s", RedirectURI: "http://127.0.0.1:1/oauth/callback",
		UserScopes: testScopes, Store: panickyStore{newTestStore(t, store.MemoryPath, newClock())}, Keys: testKeys(t)})
	require.NoError(t, err)
	rec := httptestRecorder(svc, http.MethodGet, "/oauth/authorize", nil)
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.JSONEq(t, `{"error":"internal error; please try again later","code":"INTERNAL_ERROR"}`, rec.Body.String())
}

// Replicas sharing a store refresh a rotating token once between them:
// each has its own in-process flight, so only the store's row lock keeps
// the second from spending the refresh token the first already spent.
func TestTokenRotationAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}))
	pat := patOf(t, h.connect(h.browser, "").Body)
	other, err := New(h.opts) // a second replica: same store, keys and Slack app
	require.NoError(t, err)

	h.clock.Advance(51 * time.Minute)
	replicas := []*Service{h.svc, other}
	const callers = 16
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Go(func() {
			c, err := replicas[i%2].ResolvePAT(ctx, pat)
			tokens[i], errs[i] = c.Token, err
		})
	}
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, tokens[0], tokens[i], "every replica uses the one new token")
	}
	require.Equal(t, 2, h.emu.Calls("oauth.v2.access"), "the install plus exactly one refresh")
	require.Len(t, h.audit("token_refreshed"), 1)
}
