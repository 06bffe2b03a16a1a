package slackapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"
)

// DefaultBaseURL is where the Slack Web API lives (at DefaultBaseURL+"/api/").
// GovSlack is "https://slack-gov.com".
const DefaultBaseURL = "https://slack.com"

// Options configure a Factory. Only cmd/ fills them from flags and the
// environment; this package reads neither.
type Options struct {
	// BaseURL defaults to "https://slack.com"; the Web API is at BaseURL+"/api/".
	BaseURL string
	// UserAgent is sent on every request when set.
	UserAgent string
	// ProxyURL routes every request through an http, https or socks5 proxy.
	// The environment (HTTPS_PROXY) is not consulted: cmd/ maps it here.
	ProxyURL string
	// CAFile holds extra PEM roots appended to the system pool.
	CAFile string
	// HTTPClient, when set, is used as is (ProxyURL and CAFile must then be
	// empty). When nil one shared client is built from the options above, so
	// connections are reused across tenants.
	HTTPClient *http.Client
	// Pacing says when calls wait for their method's documented limit per
	// (workspace, method): a token bucket with rate = tier/min and burst =
	// tier size. The zero value, PaceNever, only follows 429s.
	Pacing Pacing
	// PushbackHold is how long PaceAfterPushback keeps pacing a key after
	// Slack's Retry-After ended (default DefaultPushbackHold).
	PushbackHold time.Duration
	// Observer is told of every answer from Slack and every wait on its
	// limits (metrics); nil tells no one.
	Observer Observer
	// OnPushback is told of every 429 this Factory receives, with the key
	// it pauses and until when, so other replicas can Pause too. It must
	// not block.
	OnPushback func(k PauseKey, until time.Time)
	// Limits overrides the built-in method -> tier table, e.g.
	// {"conversations.history": Tier1.Limit()} for a commercially
	// distributed non-Marketplace app.
	Limits map[string]Limit
	// MaxRetries is the number of 429 retries per call: 0 means the default
	// of 3, a negative value means no retries.
	MaxRetries int
	// RetryBudget is the most one call waits on rate limits in total
	// (Retry-After, a workspace-method key still blocked by an earlier 429,
	// and proactive pacing), default 30s. A wait that would exceed it is not
	// taken: the call fails at once with *RateLimitError.
	RetryBudget time.Duration
	// Logger receives debug lines (method, status, wait, token fingerprint);
	// never tokens, never message text. The zero value logs nothing.
	Logger zerolog.Logger
	// Sleep waits for d or until ctx is done; default a timer honouring ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used for pacing and Retry-After bookkeeping; default
	// time.Now. Tests inject a fake clock together with Sleep.
	Now func() time.Time
	// TrustedHosts are extra host[:port] values (http or https) that may
	// receive tokens as workspace URLs, besides https Slack domains and
	// BaseURL's origin. They are meant for tests (several emulators on
	// 127.0.0.1) and private Slack proxies; leave empty otherwise.
	TrustedHosts []string
	// TeamID is the workspace org-level tokens (Enterprise Grid org-wide
	// installs) act in; it becomes each such Client's TargetTeamID.
	// Workspace-level tokens ignore it.
	TeamID string
}

// Observer hears of Slack calls as they happen (pkg/metrics implements
// it). Methods are Web API method names; status is the HTTP status of the
// answer, 0 when none came.
type Observer interface {
	SlackCall(method string, status int, d time.Duration)
	SlackWait(method string, d time.Duration)
}

type noObserver struct{}

func (noObserver) SlackCall(string, int, time.Duration) {}
func (noObserver) SlackWait(string, time.Duration)      {}

// Factory builds Clients that share one http.Client and one set of pacing
// buckets. It is safe for concurrent use.
type Factory struct {
	base         *url.URL
	http         *http.Client
	userAgent    string
	pacing       Pacing
	pushbackHold time.Duration
	onPushback   func(PauseKey, time.Time)
	observer     Observer
	limits       map[string]Limit
	maxRetries   int
	retryBudget  time.Duration
	log          zerolog.Logger
	sleep        func(ctx context.Context, d time.Duration) error
	now          func() time.Time
	buckets      *buckets
	reads        singleflight.Group // identical reads in flight (shared.go)
	trusted      map[string]bool    // lowercased host[:port] of Options.TrustedHosts
	teamID       string
}

// NewFactory validates the options and builds the shared HTTP client. All
// problems are reported at once; each message names the setting.
func NewFactory(o Options) (*Factory, error) {
	var errs []error

	base, err := parseBaseURL(o.BaseURL)
	if err != nil {
		errs = append(errs, err)
	}

	var proxy *url.URL
	if o.ProxyURL != "" {
		proxy, err = url.Parse(o.ProxyURL)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("slackapi: ProxyURL: %w", err))
		case proxy.Host == "" || !oneOf(proxy.Scheme, "http", "https", "socks5", "socks5h"):
			errs = append(errs, errors.New("slackapi: ProxyURL: want http://, https:// or socks5:// followed by host[:port]"))
		}
	}

	var roots *x509.CertPool
	if o.CAFile != "" {
		roots, err = loadRoots(o.CAFile)
		if err != nil {
			errs = append(errs, err)
		}
	}

	if o.HTTPClient != nil && (o.ProxyURL != "" || o.CAFile != "") {
		errs = append(errs, errors.New("slackapi: HTTPClient: cannot be combined with ProxyURL or CAFile; configure them on the client given"))
	}
	if o.RetryBudget < 0 {
		errs = append(errs, errors.New("slackapi: RetryBudget: must not be negative"))
	}
	for m, l := range o.Limits {
		if l.PerMinute <= 0 || l.Burst < 0 {
			errs = append(errs, fmt.Errorf("slackapi: Limits[%q]: PerMinute must be positive and Burst not negative", m))
		}
	}
	trusted, err := parseTrustedHosts(o.TrustedHosts)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	f := &Factory{
		base:         base,
		http:         o.HTTPClient,
		userAgent:    o.UserAgent,
		pacing:       o.Pacing,
		pushbackHold: o.PushbackHold,
		onPushback:   o.OnPushback,
		observer:     o.Observer,
		limits:       o.Limits,
		maxRetries:   o.MaxRetries,
		retryBudget:  o.RetryBudget,
		log:          o.Logger,
		sleep:        o.Sleep,
		now:          o.Now,
		trusted:      trusted,
		teamID:       strings.TrimSpace(o.TeamID),
	}
	if f.http == nil {
		f.http = buildHTTPClient(proxy, roots)
	}
	switch {
	case f.maxRetries == 0:
		f.maxRetries = 3
	case f.maxRetries < 0:
		f.maxRetries = 0
	}
	if f.retryBudget == 0 {
		f.retryBudget = 30 * time.Second
	}
	if f.pushbackHold <= 0 {
		f.pushbackHold = DefaultPushbackHold
	}
	if f.sleep == nil {
		f.sleep = sleepCtx
	}
	if f.now == nil {
		f.now = time.Now
	}
	f.buckets = newBuckets(f.now)
	if f.observer == nil {
		f.observer = noObserver{}
	}
	return f, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("slackapi: BaseURL: %w", err)
	}
	if !oneOf(u.Scheme, "http", "https") || u.Host == "" {
		return nil, fmt.Errorf("slackapi: BaseURL: want an absolute http(s) URL such as %s, got %q", DefaultBaseURL, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, errors.New("slackapi: BaseURL: must not carry a query, fragment or user info")
	}
	return u, nil
}

func loadRoots(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("slackapi: CAFile: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("slackapi: CAFile: %s holds no PEM certificate", file)
	}
	return roots, nil
}

func buildHTTPClient(proxy *url.URL, roots *x509.CertPool) *http.Client {
	t := &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          200,
		MaxIdleConnsPerHost:   50,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 90 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots},
	}
	if proxy != nil {
		t.Proxy = http.ProxyURL(proxy)
	}
	return &http.Client{Transport: t}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if strings.EqualFold(s, x) {
			return true
		}
	}
	return false
}

// Identity is who a token is, from auth.test.
type Identity struct {
	TeamID, TeamName, UserID, UserName string
	// URL is the workspace URL ("https://acme.slack.com/"); the Client talks
	// to URL+"api/".
	URL          string
	EnterpriseID string
	BotID        string
	Kind         TokenKind
	// Scopes come from the X-OAuth-Scopes header of auth.test (empty for
	// session tokens, which Slack answers without it).
	Scopes              []string
	IsEnterpriseInstall bool
}

// HasScope reports whether auth.test listed scope for the token.
func (id Identity) HasScope(scope string) bool {
	for _, s := range id.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Client is a slack-go client for one token, with its identity. Every call
// made through the embedded *slack.Client goes through the Factory's pacing
// and 429 handling.
type Client struct {
	*slack.Client
	Identity Identity
	// TargetTeamID is the workspace an org-level (Enterprise Grid) token
	// acts in (Options.TeamID); TeamParam returns it. Set it before the
	// first call.
	TargetTeamID string

	org orgTeam // the workspace settled lazily (teams.go)

	f      *Factory
	creds  Credentials
	apiURL *url.URL
}

// Connect runs auth.test against BaseURL and returns a Client pointed at
// the workspace URL Slack answered (Identity.URL + "api/"). Slack errors
// (invalid_auth, ...) can be read with errors.As into slack.SlackErrorResponse
// or *slack.SlackErrorResponse; no error message contains the token.
func (f *Factory) Connect(ctx context.Context, c Credentials) (*Client, error) {
	kind := KindOf(c.Token)
	fp := c.Fingerprint()
	switch {
	case kind == 0:
		return nil, fmt.Errorf("slackapi: token %s: unsupported token type; want xoxp-, xoxb- or xoxc-", fp)
	case kind == SessionToken && cookieValue(c.Cookie) == "":
		return nil, fmt.Errorf("slackapi: token %s: session (xoxc-) tokens need the xoxd \"d\" cookie", fp)
	}
	id, err := f.authTest(ctx, c)
	if err != nil {
		return nil, err
	}
	return f.NewClient(c, id), nil
}

type authTestResponse struct {
	slack.SlackResponse
	URL                 string `json:"url"`
	Team                string `json:"team"`
	User                string `json:"user"`
	TeamID              string `json:"team_id"`
	UserID              string `json:"user_id"`
	EnterpriseID        string `json:"enterprise_id"`
	BotID               string `json:"bot_id"`
	IsEnterpriseInstall bool   `json:"is_enterprise_install"`
}

// authTestError carries Slack's error and lets errors.As fill both
// slack.SlackErrorResponse and *slack.SlackErrorResponse targets.
type authTestError struct {
	fp  string
	err slack.SlackErrorResponse
}

func (e *authTestError) Error() string {
	return fmt.Sprintf("slackapi: auth.test for token %s: %s", e.fp, e.err.Err)
}

func (e *authTestError) Unwrap() error { return e.err }

func (e *authTestError) As(target any) bool {
	if p, ok := target.(**slack.SlackErrorResponse); ok {
		v := e.err
		*p = &v
		return true
	}
	return false
}

func (f *Factory) authTest(ctx context.Context, c Credentials) (Identity, error) {
	fp := c.Fingerprint()
	endpoint := f.base.String() + "/api/auth.test"
	body := url.Values{"token": {c.Token}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return Identity{}, fmt.Errorf("slackapi: auth.test for token %s: %w", fp, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }

	d := f.newDoer(c, Identity{}, f.apiURLFor(""))
	resp, err := d.Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("slackapi: auth.test for token %s: %w", fp, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return Identity{}, fmt.Errorf("slackapi: auth.test for token %s: %w", fp,
			slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status})
	}
	var r authTestResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&r); err != nil {
		return Identity{}, fmt.Errorf("slackapi: auth.test for token %s: decoding the answer: %w", fp, err)
	}
	if !r.Ok {
		se := slack.SlackErrorResponse{Err: r.Error, Errors: r.Errors, ResponseMetadata: r.ResponseMetadata, Needed: r.Needed, Provided: r.Provided}
		if se.Err == "" {
			se.Err = "unknown_error"
		}
		return Identity{}, &authTestError{fp: fp, err: se}
	}
	id := Identity{
		TeamID:              r.TeamID,
		TeamName:            r.Team,
		UserID:              r.UserID,
		UserName:            r.User,
		URL:                 r.URL,
		EnterpriseID:        r.EnterpriseID,
		BotID:               r.BotID,
		Kind:                KindOf(c.Token),
		Scopes:              splitScopes(resp.Header.Get("X-OAuth-Scopes")),
		IsEnterpriseInstall: r.IsEnterpriseInstall,
	}
	f.log.Debug().Str("token", fp).Str("team", id.TeamID).Str("kind", id.Kind.String()).
		Int("scopes", len(id.Scopes)).Msg("slack auth.test ok")
	return id, nil
}

func splitScopes(h string) []string {
	var out []string
	for s := range strings.SplitSeq(h, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// NewClient builds a Client for an identity known already (cached
// elsewhere) without calling auth.test. Identity.URL is used when it is a
// Slack host, BaseURL's host or one of Options.TrustedHosts; otherwise
// the client talks to BaseURL.
func (f *Factory) NewClient(c Credentials, id Identity) *Client {
	if id.Kind == 0 {
		id.Kind = KindOf(c.Token)
	}
	api := f.apiURLFor(id.URL)
	cl := &Client{Identity: id, f: f, creds: c, apiURL: api}
	if id.OrgLevel() {
		cl.TargetTeamID = f.teamID
	}
	d := f.newDoer(c, id, api)
	d.client = cl
	cl.Client = slack.New(c.Token,
		slack.OptionHTTPClient(d),
		slack.OptionAPIURL(api.String()),
	)
	return cl
}

// apiURLFor returns workspaceURL+"api/" when workspaceURL may receive the
// token, else BaseURL+"/api/".
func (f *Factory) apiURLFor(workspaceURL string) *url.URL {
	fallback := *f.base
	fallback.Path = strings.TrimRight(fallback.Path, "/") + "/api/"
	if workspaceURL == "" {
		return &fallback
	}
	u, err := url.Parse(workspaceURL)
	if err != nil || u.Host == "" || u.User != nil || !f.mayReceiveToken(u, nil) {
		f.log.Warn().Str("host", hostOf(u)).Msg("slack workspace URL is not a Slack host; using BaseURL")
		return &fallback
	}
	api := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/") + "/api/"}
	return api
}

func hostOf(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Host
}

// TeamParam returns the team_id to pass on list calls when the token is
// org-level (an Enterprise Grid org-wide install, or EnterpriseID set with
// no TeamID); "" otherwise. For org-level tokens it is TargetTeamID when
// set, else Identity.TeamID when that names a workspace.
func (c *Client) TeamParam() string {
	id := c.Identity
	if !id.OrgLevel() {
		return ""
	}
	if c.TargetTeamID != "" {
		return c.TargetTeamID
	}
	if id.TeamID != id.EnterpriseID {
		return id.TeamID
	}
	return ""
}

// Fingerprint identifies the client's token in logs.
func (c *Client) Fingerprint() string { return c.creds.Fingerprint() }

// APIURL is the Web API endpoint the client talks to (ending in "/api/").
func (c *Client) APIURL() string { return c.apiURL.String() }
