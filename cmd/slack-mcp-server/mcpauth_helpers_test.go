package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// authEnv is one server in OAuth mode with its own emulator, port and
// SQLite store, restartable over the same store.
type authEnv struct {
	t         *testing.T
	lp        *localPort // held until the server takes it; restarts bind it again
	port      int
	base      string
	issuer    string // the iss expected on redirects to the client
	emu       *slackemu.Server
	slackURL  string // Slack's URL for the server; default emu.URL
	storePath string
	extra     map[string]string

	mu  sync.Mutex
	srv *oauthServer
}

func newAuthEnv(t *testing.T, extra map[string]string) *authEnv {
	t.Helper()
	lp := freePort(t)
	port := lp.Port
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	emu := sandboxWithApp(t, port)
	e := &authEnv{t: t, lp: lp, port: port, base: base, emu: emu, storePath: t.TempDir() + "/store.db", extra: extra, issuer: base}
	e.start()
	t.Cleanup(e.stop)
	return e
}

// start runs the binary path; it waits for /health.
func (e *authEnv) start() {
	e.t.Helper()
	slackURL := e.slackURL
	if slackURL == "" {
		slackURL = e.emu.URL
	}
	s := startOAuthServer(e.t, slackURL, e.lp, e.storePath, "http", e.extra)
	e.mu.Lock()
	e.srv = s
	e.mu.Unlock()
}

func (e *authEnv) stop() {
	e.mu.Lock()
	s := e.srv
	e.srv = nil
	e.mu.Unlock()
	if s != nil {
		s.stop()
		require.NotContains(e.t, s.stderr.String(), "mcp_at_", "access tokens never reach logs")
		require.NotContains(e.t, s.stderr.String(), "mcp_rt_", "refresh tokens never reach logs")
		require.NotContains(e.t, s.stderr.String(), "xoxp-", "Slack tokens never reach logs")
	}
}

func (e *authEnv) restart() {
	e.t.Helper()
	e.stop()
	e.start()
}

// redirectCatcher is the MCP client's loopback redirect URI.
type redirectCatcher struct {
	url string
	got chan url.Values
}

func newRedirectCatcher(t *testing.T) *redirectCatcher {
	t.Helper()
	rc := &redirectCatcher{got: make(chan url.Values, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		rc.got <- r.URL.Query()
		_, _ = io.WriteString(w, "authorization finished; you may close this window")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	rc.url = srv.URL + "/callback"
	return rc
}

// newCookieBrowser never follows redirects, so every hop is checked.
func newCookieBrowser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

var (
	consentTxnRE  = regexp.MustCompile(`name="txn" value="([^"]+)"`)
	consentCSRFRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// authzOutcome is where a walked authorization ended.
type authzOutcome struct {
	query        url.Values // what the client's redirect URI received
	consentShown bool
	hops         []string
}

// walkAuthorization plays the person in the browser: GET our /authorize,
// answer the consent page (decision "approve" or "deny") with its CSRF
// token, through the emulator's Slack authorize page (auto-approve) and
// our /oauth/callback, to the client's redirect URI.
func walkAuthorization(t *testing.T, e *authEnv, browser *http.Client, rc *redirectCatcher, authURL, decision string) authzOutcome {
	t.Helper()
	var out authzOutcome
	target := authURL
	for range 10 {
		out.hops = append(out.hops, target)
		if strings.HasPrefix(target, rc.url) {
			resp, err := browser.Get(target)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusOK, resp.StatusCode)
			select {
			case out.query = <-rc.got:
			case <-time.After(10 * time.Second):
				t.Fatal("the redirect URI was not reached")
			}
			return out
		}
		resp, err := browser.Get(target)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.HasPrefix(target, e.base+"/authorize?") {
			// Our consent page: not frameable, CSRF-protected form.
			page := string(body)
			out.consentShown = true
			require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
			require.Contains(t, page, `id="approve"`)
			require.Contains(t, page, `id="deny"`)
			txn, csrf := consentTxnRE.FindStringSubmatch(page), consentCSRFRE.FindStringSubmatch(page)
			require.Len(t, txn, 2, page)
			require.Len(t, csrf, 2, page)
			form := url.Values{"txn": {txn[1]}, "csrf": {csrf[1]}, "decision": {decision}}
			resp, err = browser.PostForm(e.base+"/authorize/consent", form)
			require.NoError(t, err)
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, http.StatusSeeOther, resp.StatusCode, string(body))
		}
		require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, resp.StatusCode, "%s: %s", target, body)
		loc, err := resp.Location()
		require.NoError(t, err)
		target = loc.String()
		require.NotContains(t, target, "xoxp-", "no Slack token in a URL")
	}
	t.Fatalf("too many redirects: %v", out.hops)
	return out
}

// authorizeWith runs the authorization the mcp-go handler asks for and
// hands the code to it.
func authorizeWith(t *testing.T, e *authEnv, h *transport.OAuthHandler, browser *http.Client, rc *redirectCatcher) (authzOutcome, url.Values) {
	t.Helper()
	ctx := context.Background()
	verifier, err := client.GenerateCodeVerifier()
	require.NoError(t, err)
	state, err := client.GenerateState()
	require.NoError(t, err)
	authURL, err := h.GetAuthorizationURL(ctx, state, client.GenerateCodeChallenge(verifier))
	require.NoError(t, err)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	require.Equal(t, e.base+"/authorize", u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	out := walkAuthorization(t, e, browser, rc, authURL, "approve")
	require.Empty(t, out.query.Get("error"), out.query.Get("error_description"))
	require.Equal(t, state, out.query.Get("state"))
	require.Equal(t, e.base, out.query.Get("iss"), "RFC 9207 iss")
	require.NotEmpty(t, out.query.Get("code"))
	require.NoError(t, h.ProcessAuthorizationResponse(ctx, out.query.Get("code"), out.query.Get("state"), verifier))
	return out, q
}

func initRequest() mcp.InitializeRequest {
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "mcpauth-e2e", Version: "0.0.1"}
	return init
}

func callTool(c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return c.CallTool(context.Background(), req)
}

func toolText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// rawResponse is an HTTP answer read whole.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

func (r rawResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &m), r.body)
	return m
}

func rawDo(t *testing.T, method, target, contentType, body string, hdr ...string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func postTokenForm(t *testing.T, e *authEnv, path string, form url.Values) rawResponse {
	t.Helper()
	return rawDo(t, http.MethodPost, e.base+path, "application/x-www-form-urlencoded", form.Encode())
}

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// postMCP POSTs one JSON-RPC message to path with an optional bearer.
func postMCP(t *testing.T, e *authEnv, path, bearer, body string) rawResponse {
	t.Helper()
	hdr := []string{"Accept", "application/json, text/event-stream"}
	if bearer != "" {
		hdr = append(hdr, "Authorization", "Bearer "+bearer)
	}
	return rawDo(t, http.MethodPost, e.base+path, "application/json", body, hdr...)
}

var challengeParamRE = regexp.MustCompile(`([A-Za-z_]+)="((?:[^"\\]|\\.)*)"`)

// challengeParams parses a Bearer WWW-Authenticate value.
func challengeParams(t *testing.T, h string) map[string]string {
	t.Helper()
	require.True(t, strings.HasPrefix(h, "Bearer "), "challenge %q", h)
	m := map[string]string{}
	for _, p := range challengeParamRE.FindAllStringSubmatch(h, -1) {
		m[p[1]] = p[2]
	}
	return m
}

// registerClient runs dynamic client registration for a public client.
func registerClient(t *testing.T, e *authEnv, redirectURI string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{
		"redirect_uris": []string{redirectURI}, "token_endpoint_auth_method": "none", "client_name": "raw e2e client",
		"grant_types": []string{"authorization_code", "refresh_token"}, "response_types": []string{"code"},
	})
	r := rawDo(t, http.MethodPost, e.base+"/register", "application/json", string(b))
	require.Equal(t, http.StatusCreated, r.status, r.body)
	id, _ := r.json(t)["client_id"].(string)
	require.NotEmpty(t, id)
	return id
}

// rawAuthz is a hand-made authorization request.
type rawAuthz struct {
	clientID, redirectURI, scope, resource, state string
	verifier                                      string
}

func newRawAuthz(clientID, redirectURI, scope, resource string) rawAuthz {
	v, _ := client.GenerateCodeVerifier()
	s, _ := client.GenerateState()
	return rawAuthz{clientID: clientID, redirectURI: redirectURI, scope: scope, resource: resource, state: s, verifier: v}
}

func (a rawAuthz) url(base string) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {a.clientID}, "redirect_uri": {a.redirectURI}, "state": {a.state},
		"code_challenge": {client.GenerateCodeChallenge(a.verifier)}, "code_challenge_method": {"S256"}, "scope": {a.scope},
	}
	if a.resource != "" {
		q.Set("resource", a.resource)
	}
	return base + "/authorize?" + q.Encode()
}

// code walks the authorization and returns the code.
func (a rawAuthz) code(t *testing.T, e *authEnv, browser *http.Client, rc *redirectCatcher) string {
	t.Helper()
	out := walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
	require.Empty(t, out.query.Get("error"), out.query.Get("error_description"))
	require.Equal(t, a.state, out.query.Get("state"))
	require.Equal(t, e.issuer, out.query.Get("iss"))
	return out.query.Get("code")
}

func (a rawAuthz) exchange(t *testing.T, e *authEnv, code, resource string) rawResponse {
	t.Helper()
	f := url.Values{"grant_type": {"authorization_code"}, "client_id": {a.clientID}, "code": {code},
		"code_verifier": {a.verifier}, "redirect_uri": {a.redirectURI}}
	if resource != "" {
		f.Set("resource", resource)
	}
	return postTokenForm(t, e, "/token", f)
}

// tokens runs the whole flow and returns the token response.
func (a rawAuthz) tokens(t *testing.T, e *authEnv, browser *http.Client, rc *redirectCatcher) map[string]any {
	t.Helper()
	r := a.exchange(t, e, a.code(t, e, browser, rc), a.resource)
	require.Equal(t, http.StatusOK, r.status, r.body)
	m := r.json(t)
	require.True(t, strings.HasPrefix(m["access_token"].(string), "mcp_at_"), r.body)
	return m
}

func refreshRaw(t *testing.T, e *authEnv, clientID, rt string) rawResponse {
	t.Helper()
	return postTokenForm(t, e, "/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {rt}})
}

// requireRefused checks a 401 with an invalid_token challenge pointing at
// the PRM document.
func requireRefused(t *testing.T, e *authEnv, r rawResponse) map[string]string {
	t.Helper()
	require.Equal(t, http.StatusUnauthorized, r.status, r.body)
	p := challengeParams(t, r.header.Get("WWW-Authenticate"))
	require.Equal(t, "invalid_token", p["error"], r.header.Get("WWW-Authenticate"))
	require.Equal(t, e.base+"/.well-known/oauth-protected-resource/mcp", p["resource_metadata"])
	return p
}

func requireAuthorizationRequired(t *testing.T, err error) *transport.OAuthHandler {
	t.Helper()
	require.Error(t, err)
	require.True(t, client.IsOAuthAuthorizationRequiredError(err), "want OAuthAuthorizationRequiredError, got %v", err)
	h := client.GetOAuthHandler(err)
	require.NotNil(t, h)
	return h
}
