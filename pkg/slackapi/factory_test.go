package slackapi

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewFactoryValidation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a certificate"), 0o600))
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	good := filepath.Join(dir, "good.pem")
	require.NoError(t, os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600))

	for _, tc := range []struct {
		name string
		o    Options
		want []string // substrings of the error; none = valid
	}{
		{name: "defaults", o: Options{}},
		{name: "govslack", o: Options{BaseURL: "https://slack-gov.com/"}},
		{name: "proxy", o: Options{ProxyURL: "http://proxy.internal:3128"}},
		{name: "socks proxy", o: Options{ProxyURL: "socks5://127.0.0.1:1080"}},
		{name: "CA file", o: Options{CAFile: good}},
		{name: "bad base scheme", o: Options{BaseURL: "ftp://slack.com"}, want: []string{"BaseURL"}},
		{name: "relative base", o: Options{BaseURL: "slack.com"}, want: []string{"BaseURL"}},
		{name: "base with query", o: Options{BaseURL: "https://slack.com?x=1"}, want: []string{"BaseURL"}},
		{name: "bad proxy", o: Options{ProxyURL: "proxy.internal:3128"}, want: []string{"ProxyURL"}},
		{name: "unparsable proxy", o: Options{ProxyURL: "http://[::1"}, want: []string{"ProxyURL"}},
		{name: "missing CA file", o: Options{CAFile: filepath.Join(dir, "nope.pem")}, want: []string{"CAFile"}},
		{name: "CA file without PEM", o: Options{CAFile: garbage}, want: []string{"CAFile", "no PEM"}},
		{name: "client and proxy", o: Options{HTTPClient: http.DefaultClient, ProxyURL: "http://p:1"}, want: []string{"HTTPClient"}},
		{name: "negative budget", o: Options{RetryBudget: -time.Second}, want: []string{"RetryBudget"}},
		{name: "bad limit", o: Options{Limits: map[string]Limit{"users.list": {}}}, want: []string{`Limits["users.list"]`}},
		{
			name: "every problem at once",
			o:    Options{BaseURL: "nope", ProxyURL: "bad", CAFile: garbage},
			want: []string{"BaseURL", "ProxyURL", "CAFile"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := NewFactory(tc.o)
			if len(tc.want) == 0 {
				require.NoError(t, err)
				require.NotNil(t, f)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestNewFactoryDefaults(t *testing.T) {
	t.Parallel()
	f, err := NewFactory(Options{})
	require.NoError(t, err)
	assert.Equal(t, "https://slack.com", f.base.String())
	assert.Equal(t, 3, f.maxRetries)
	assert.Equal(t, 30*time.Second, f.retryBudget)
	assert.NotNil(t, f.http)
	assert.NotNil(t, f.sleep)
	assert.NotNil(t, f.now)

	f, err = NewFactory(Options{MaxRetries: -1, RetryBudget: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, 0, f.maxRetries)
	assert.Equal(t, time.Minute, f.retryBudget)
}

func TestSleepCtx(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, sleepCtx(ctx, time.Hour), context.Canceled)
	assert.NoError(t, sleepCtx(context.Background(), 0))
	assert.NoError(t, sleepCtx(context.Background(), time.Millisecond))
}

func TestConnect(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	// auth.test answers a workspace URL under the same origin, so the
	// re-pointing is observable in the request paths.
	fs.setAuth(`{"ok":true,"url":"{base}/ws/acme/","team":"Acme","user":"alice","team_id":"T1","user_id":"U1","enterprise_id":"E1","bot_id":""}`, "channels:history, channels:read,chat:write")
	f, _, _ := newTestFactory(t, fs.URL(), func(o *Options) { o.UserAgent = "slack-mcp-server/test" })

	c, err := f.Connect(context.Background(), Credentials{Token: testUserToken})
	require.NoError(t, err)
	assert.Equal(t, Identity{
		TeamID: "T1", TeamName: "Acme", UserID: "U1", UserName: "alice",
		URL: fs.URL() + "/ws/acme/", EnterpriseID: "E1", Kind: UserToken,
		Scopes: []string{"channels:history", "channels:read", "chat:write"},
	}, c.Identity)
	assert.True(t, c.Identity.HasScope("chat:write"))
	assert.False(t, c.Identity.HasScope("search:read"))
	assert.Equal(t, fs.URL()+"/ws/acme/api/", c.APIURL())

	auth := fs.callsOf("auth.test")
	require.Len(t, auth, 1)
	assert.Equal(t, "/api/auth.test", auth[0].Path, "auth.test goes to BaseURL")
	assert.Equal(t, testUserToken, auth[0].Form.Get("token"))
	assert.Equal(t, "slack-mcp-server/test", auth[0].Header.Get("User-Agent"))
	assert.Empty(t, auth[0].Header.Get("Cookie"))

	_, err = c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	require.NoError(t, err)
	hist := fs.callsOf("conversations.history")
	require.Len(t, hist, 1)
	assert.Equal(t, "/ws/acme/api/conversations.history", hist[0].Path, "later calls go to the workspace URL")
	assert.Equal(t, "slack-mcp-server/test", hist[0].Header.Get("User-Agent"))
}

func TestConnectEnterpriseInstall(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.setAuth(`{"ok":true,"url":"{base}/","team":"Org","user":"bot","team_id":"","user_id":"U9","enterprise_id":"E1","bot_id":"B9","is_enterprise_install":true}`, "")
	f, _, _ := newTestFactory(t, fs.URL(), nil)
	c, err := f.Connect(context.Background(), Credentials{Token: testBotToken})
	require.NoError(t, err)
	assert.True(t, c.Identity.IsEnterpriseInstall)
	assert.Equal(t, BotToken, c.Identity.Kind)
	assert.Equal(t, "B9", c.Identity.BotID)
	assert.Nil(t, c.Identity.Scopes)
	assert.Equal(t, "", c.TeamParam())
	c.TargetTeamID = "T7"
	assert.Equal(t, "T7", c.TeamParam())
}

func TestConnectErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		creds Credentials
		serve http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{
			name:  "invalid_auth",
			creds: Credentials{Token: testUserToken},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"ok":false,"error":"invalid_auth"}`))
			},
			check: func(t *testing.T, err error) {
				var v slack.SlackErrorResponse
				require.ErrorAs(t, err, &v)
				assert.Equal(t, "invalid_auth", v.Err)
				var p *slack.SlackErrorResponse
				require.ErrorAs(t, err, &p)
				assert.Equal(t, "invalid_auth", p.Err)
				assert.True(t, IsAuthFailure(err))
				assert.Equal(t, "invalid_auth", SlackErrorCode(err))
				assert.Contains(t, err.Error(), Credentials{Token: testUserToken}.Fingerprint())
			},
		},
		{
			name:  "token_revoked",
			creds: Credentials{Token: testBotToken},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"ok":false,"error":"token_revoked"}`))
			},
			check: func(t *testing.T, err error) { assert.True(t, IsAuthFailure(err)) },
		},
		{
			name:  "ok false without code",
			creds: Credentials{Token: testBotToken},
			serve: func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"ok":false}`)) },
			check: func(t *testing.T, err error) { assert.Equal(t, "unknown_error", SlackErrorCode(err)) },
		},
		{
			name:  "server error",
			creds: Credentials{Token: testUserToken},
			serve: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "down "+testUserToken, http.StatusBadGateway)
			},
			check: func(t *testing.T, err error) {
				var sc slack.StatusCodeError
				require.ErrorAs(t, err, &sc)
				assert.Equal(t, http.StatusBadGateway, sc.Code)
			},
		},
		{
			name:  "not JSON",
			creds: Credentials{Token: testUserToken},
			serve: func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) },
			check: func(t *testing.T, err error) { assert.Contains(t, err.Error(), "decoding") },
		},
		{
			name:  "unknown token type",
			creds: Credentials{Token: "xapp-1-A1-secretsecret"},
			check: func(t *testing.T, err error) {
				assert.Contains(t, err.Error(), "unsupported token type")
				assert.NotContains(t, err.Error(), "secretsecret")
			},
		},
		{
			name:  "session token without cookie",
			creds: Credentials{Token: testSessionToken},
			check: func(t *testing.T, err error) { assert.Contains(t, err.Error(), "cookie") },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := newFakeSlack(t)
			if tc.serve != nil {
				fs.handle("auth.test", tc.serve)
			}
			f, _, _ := newTestFactory(t, fs.URL(), nil)
			c, err := f.Connect(context.Background(), tc.creds)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.NotContains(t, err.Error(), tc.creds.Token)
			tc.check(t, err)
			if tc.serve == nil {
				assert.Empty(t, fs.callsOf("auth.test"), "rejected before calling Slack")
			}
		})
	}
}

func TestConnectNetworkErrorHasNoToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // connection refused
	f, _, _ := newTestFactory(t, base, nil)
	_, err := f.Connect(context.Background(), Credentials{Token: testUserToken})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testUserToken)
	_, user := Explain(err)
	assert.False(t, user)
}

func TestSessionTokenCookie(t *testing.T) {
	t.Parallel()
	for _, cookie := range []string{testCookieRaw, testCookieEnc, "d=" + testCookieEnc} {
		t.Run(cookie, func(t *testing.T) {
			t.Parallel()
			fs := newFakeSlack(t)
			f, _, _ := newTestFactory(t, fs.URL(), nil)
			c, err := f.Connect(context.Background(), Credentials{Token: testSessionToken, Cookie: cookie})
			require.NoError(t, err)
			assert.Equal(t, SessionToken, c.Identity.Kind)
			_, err = c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
			require.NoError(t, err)
			for _, call := range append(fs.callsOf("auth.test"), fs.callsOf("conversations.history")...) {
				assert.Equal(t, "d="+testCookieEnc, call.Header.Get("Cookie"), call.Method)
				assert.Equal(t, testSessionToken, call.Form.Get("token"), call.Method)
			}
		})
	}
}

func TestCookieOnlyForSessionTokens(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	f, _, _ := newTestFactory(t, fs.URL(), nil)
	_, err := f.Connect(context.Background(), Credentials{Token: testUserToken, Cookie: testCookieRaw})
	require.NoError(t, err)
	assert.Empty(t, fs.callsOf("auth.test")[0].Header.Get("Cookie"))
}

func TestNewClientAPIURL(t *testing.T) {
	t.Parallel()
	f, _, _ := newTestFactory(t, "http://127.0.0.1:9", nil)
	for _, tc := range []struct{ url, want string }{
		{"", "http://127.0.0.1:9/api/"},
		{"https://acme.slack.com/", "https://acme.slack.com/api/"},
		{"https://acme.slack.com", "https://acme.slack.com/api/"},
		{"https://acme.enterprise.slack-gov.com/", "https://acme.enterprise.slack-gov.com/api/"},
		{"http://127.0.0.1:9/ws/x/", "http://127.0.0.1:9/ws/x/api/"},
		{"https://evil.example/", "http://127.0.0.1:9/api/"},
		{"https://slack.com.evil.example/", "http://127.0.0.1:9/api/"},
		{"http://acme.slack.com/", "http://127.0.0.1:9/api/"},
		{"https://user:pw@acme.slack.com/", "http://127.0.0.1:9/api/"},
		{"http://127.0.0.1:10/", "http://127.0.0.1:9/api/"},
		{"::not a url", "http://127.0.0.1:9/api/"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			c := f.NewClient(Credentials{Token: testBotToken}, Identity{TeamID: "T1", URL: tc.url})
			assert.Equal(t, tc.want, c.APIURL())
			assert.Equal(t, BotToken, c.Identity.Kind, "kind derived from the token")
		})
	}
}

func TestNewClientWithoutAuthTest(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	f, _, _ := newTestFactory(t, fs.URL(), nil)
	c := f.NewClient(Credentials{Token: testBotToken}, Identity{TeamID: "T1", URL: fs.URL() + "/"})
	_, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	require.NoError(t, err)
	assert.Empty(t, fs.callsOf("auth.test"))
	assert.Len(t, fs.callsOf("conversations.history"), 1)
	assert.Equal(t, Credentials{Token: testBotToken}.Fingerprint(), c.Fingerprint())
}

func TestTeamParam(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		id     Identity
		target string
		want   string
	}{
		{"workspace token", Identity{TeamID: "T1"}, "", ""},
		{"workspace token in grid", Identity{TeamID: "T1", EnterpriseID: "E1"}, "T9", ""},
		{"org install with workspace", Identity{TeamID: "T1", EnterpriseID: "E1", IsEnterpriseInstall: true}, "", "T1"},
		{"org install targets another", Identity{TeamID: "T1", EnterpriseID: "E1", IsEnterpriseInstall: true}, "T2", "T2"},
		{"org token without team", Identity{EnterpriseID: "E1"}, "", ""},
		{"org token with target", Identity{EnterpriseID: "E1"}, "T3", "T3"},
		{"team id is the enterprise", Identity{TeamID: "E1", EnterpriseID: "E1", IsEnterpriseInstall: true}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &Client{Identity: tc.id, TargetTeamID: tc.target}
			assert.Equal(t, tc.want, c.TeamParam())
		})
	}
}

func TestMissingScopeNeededIsCaptured(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.handle("conversations.history", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ok":false,"error":"missing_scope","needed":"groups:history","provided":"channels:history,chat:write"}`))
	})
	f, _, _ := newTestFactory(t, fs.URL(), nil)
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	_, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "G1"})
	require.Error(t, err)
	assert.Equal(t, "missing_scope", SlackErrorCode(err))
	msg, user := Explain(err)
	assert.True(t, user)
	assert.Contains(t, msg, "groups:history")
}

func TestCAFileIsTrusted(t *testing.T) {
	t.Parallel()
	fs := &fakeSlack{fail: map[string][]string{}, handlers: map[string]http.HandlerFunc{},
		authJSON: `{"ok":true,"url":"{base}/","team":"Acme","user":"a","team_id":"T1","user_id":"U1"}`}
	fs.srv = httptest.NewUnstartedServer(http.HandlerFunc(fs.serve))
	fs.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted handshake below is expected
	fs.srv.StartTLS()
	t.Cleanup(fs.srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fs.srv.Certificate().Raw}), 0o600))

	without, _, _ := newTestFactory(t, fs.URL(), nil)
	_, err := without.Connect(context.Background(), Credentials{Token: testUserToken})
	require.Error(t, err, "the test server's certificate is not trusted by default")

	with, _, _ := newTestFactory(t, fs.URL(), func(o *Options) { o.CAFile = ca })
	c, err := with.Connect(context.Background(), Credentials{Token: testUserToken})
	require.NoError(t, err)
	assert.Equal(t, "T1", c.Identity.TeamID)
}

func TestProxyURLIsUsed(t *testing.T) {
	t.Parallel()
	proxy := newFakeSlack(t) // answers whatever absolute-URI request the client sends it
	f, _, _ := newTestFactory(t, "http://slack.invalid", func(o *Options) { o.ProxyURL = proxy.URL() })
	c, err := f.Connect(context.Background(), Credentials{Token: testUserToken})
	require.NoError(t, err)
	assert.Equal(t, "http://slack.invalid/api/", c.APIURL(), "a workspace URL on another origin is not trusted")
	_, err = c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	require.NoError(t, err)
	assert.Len(t, proxy.callsOf("auth.test"), 1)
	assert.Len(t, proxy.callsOf("conversations.history"), 1)
}

func TestAuthTestErrorAs(t *testing.T) {
	t.Parallel()
	err := error(&authTestError{fp: "abc", err: slack.SlackErrorResponse{Err: "invalid_auth"}})
	var target *slack.RateLimitedError
	assert.False(t, errors.As(err, &target))
	assert.True(t, strings.HasSuffix(err.Error(), "invalid_auth"))
}
