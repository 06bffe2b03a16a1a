package slackoauth

import (
	"context"
	"errors"
	"fmt"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/metrics"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Defaults applied by New.
const (
	DefaultSlackURL  = "https://slack.com"
	DefaultStateTTL  = 15 * time.Minute
	DefaultRateLimit = rate.Limit(1) // per second, per client IP
	DefaultBurst     = 20

	// refreshWindow: a rotating Slack token is refreshed when it expires
	// within this long.
	refreshWindow = 10 * time.Minute
	// touchEvery throttles last-used updates per PAT and per installation.
	touchEvery = time.Minute
	// maxBodyBytes bounds every request body on /oauth/*.
	maxBodyBytes = 16 << 10
	// maxMetadataBytes bounds the metadata (return_url included).
	maxMetadataBytes = 1 << 10
)

// Store is what the Slack leg keeps: its pending authorizations, the
// installations with their sealed tokens, the personal access tokens it
// issues and its audit events.
type Store interface {
	store.Pendings
	store.Installations
	store.PATs
	store.AuditAppender
}

// Failures records an installation's last token failure
// (store.Connections.SetFailure; code "" clears it).
type Failures interface {
	SetFailure(ctx context.Context, installationID, code string, at time.Time) error
}

// Options configure a Service. Only cmd/ reads the environment.
type Options struct {
	// SlackURL is Slack's base URL: https://slack.com, https://slack-gov.com
	// or the emulator's. Authorize is <base>/oauth/v2/authorize, the Web API
	// <base>/api/. Default https://slack.com.
	SlackURL                            string
	ClientID, ClientSecret, RedirectURI string
	// UserScopes are the user scopes requested and required; the caller
	// derives the default from the tool catalog.
	UserScopes []string
	// PublicURL is our own origin (cookie Secure/__Host- decisions, links
	// in the success page). Default: the origin of RedirectURI.
	PublicURL string
	// AllowedReturnOrigins are the origins (scheme://host[:port]) a
	// return_url may point at besides relative paths on this server.
	AllowedReturnOrigins []string
	Store                Store
	// SignedIn, when set, signs the browser in to the installation just
	// connected (oauthserver.StartBrowserSession), so the person can
	// manage their connections at /connections.
	SignedIn func(w http.ResponseWriter, r *http.Request, installationID string) error
	// Failures, when set, is told when an installation's token fails
	// without the grant ending (a refresh Slack refused for now) and when
	// it works again (a refresh, a new sign-in): the connections page
	// shows the connection as failed meanwhile.
	Failures Failures
	Keys     *seal.Keyring
	// HTTPClient calls oauth.v2.access and auth.revoke; default a client
	// with a 30 s timeout.
	HTTPClient *http.Client
	Logger     zerolog.Logger
	Now        func() time.Time
	// Metrics counts the login funnel and times completed logins; nil
	// counts nothing.
	Metrics *metrics.Metrics
	// StateTTL is how long a pending authorization lives; default 15 min.
	StateTTL time.Duration
	// RateLimit and Burst are the token bucket per client IP on /oauth/*;
	// defaults 1/s and 20. rate.Inf disables the limit.
	RateLimit rate.Limit
	Burst     int
	// PKCE sends a PKCE challenge (S256) to Slack's authorize page and
	// the verifier with the code exchange, binding each Slack code to the
	// flow that asked for it (pkce.go). The Slack app must have PKCE
	// enabled in its settings.
	PKCE bool
}

// Service serves the browser flow and resolves personal access tokens.
type Service struct {
	o              Options
	slackBase      string // no trailing slash
	apiURL         string // slackBase + "/api/"
	publicBase     string // PublicURL without trailing slash
	publicOrigin   string
	allowedOrigins map[string]bool
	cookieName     string
	cookiePath     string
	cookieSecure   bool
	limiter        *clientip.Limiter
	refresh        singleflight.Group
	touches        *touchThrottle
	handler        http.Handler
}

// New validates o, reporting every problem at once, and returns a Service.
func New(o Options) (*Service, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if strings.TrimSpace(o.ClientID) == "" {
		bad("slackoauth: client ID is required")
	}
	if strings.TrimSpace(o.ClientSecret) == "" {
		bad("slackoauth: client secret is required")
	}
	if o.Keys == nil {
		bad("slackoauth: an encryption keyring is required to seal Slack tokens")
	}
	if o.Store == nil {
		bad("slackoauth: a token store is required")
	}
	if len(o.UserScopes) == 0 {
		bad("slackoauth: at least one user scope is required")
	}
	for _, sc := range o.UserScopes {
		if sc == "" || strings.ContainsAny(sc, ", \t\r\n") {
			bad("slackoauth: user scope %q is malformed", sc)
		}
	}
	redirect, err := checkRedirectURI(o.RedirectURI)
	if err != nil {
		errs = append(errs, err)
	}
	if o.SlackURL == "" {
		o.SlackURL = DefaultSlackURL
	}
	slackBase, err := checkBaseURL("Slack URL", o.SlackURL)
	if err != nil {
		errs = append(errs, err)
	}
	if o.PublicURL == "" && redirect != nil {
		o.PublicURL = redirect.Scheme + "://" + redirect.Host
	}
	publicBase, err := checkBaseURL("public URL", o.PublicURL)
	if err != nil {
		errs = append(errs, err)
	}
	allowed := map[string]bool{}
	for _, ao := range o.AllowedReturnOrigins {
		origin, err := normalizeOrigin(ao)
		if err != nil {
			bad("slackoauth: allowed return origin %q: %v", ao, err)
			continue
		}
		allowed[origin] = true
	}
	if o.StateTTL < 0 {
		bad("slackoauth: state TTL must not be negative")
	}
	if o.RateLimit < 0 || o.Burst < 0 {
		bad("slackoauth: rate limit and burst must not be negative")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	if o.StateTTL == 0 {
		o.StateTTL = DefaultStateTTL
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.Burst == 0 {
		o.Burst = DefaultBurst
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	o.UserScopes = slices.Clone(o.UserScopes)

	pu, _ := url.Parse(publicBase)
	s := &Service{
		o:              o,
		slackBase:      slackBase,
		apiURL:         slackBase + "/api/",
		publicBase:     publicBase,
		publicOrigin:   pu.Scheme + "://" + strings.ToLower(pu.Host),
		allowedOrigins: allowed,
		limiter:        clientip.NewLimiter(o.RateLimit, o.Burst, clientip.DefaultMaxEntries),
		touches:        newTouchThrottle(touchEvery, maxTouchEntries),
	}
	s.allowedOrigins[s.publicOrigin] = true
	if pu.Scheme == "https" {
		s.cookieName, s.cookiePath, s.cookieSecure = "__Host-smcp_oauth", "/", true
	} else {
		s.cookieName, s.cookiePath = "smcp_oauth", "/oauth"
	}
	s.handler = s.routes()
	return s, nil
}

// checkRedirectURI requires an absolute https URL, or http for loopback
// hosts (localhost, 127.0.0.0/8, ::1).
func checkRedirectURI(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("slackoauth: redirect URI is required")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("slackoauth: redirect URI %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback.IsHost(u.Hostname()) {
			return nil, fmt.Errorf("slackoauth: redirect URI %q must use https (http is allowed only for loopback hosts)", raw)
		}
	default:
		return nil, fmt.Errorf("slackoauth: redirect URI %q must use https", raw)
	}
	if u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("slackoauth: redirect URI %q must not carry a fragment or user info", raw)
	}
	return u, nil
}

// checkBaseURL accepts an absolute http(s) URL without query or fragment
// and returns it without a trailing slash.
func checkBaseURL(what, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("slackoauth: %s %q must be an absolute http(s) URL", what, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("slackoauth: %s %q must not carry a query, fragment or user info", what, raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

// normalizeOrigin turns "https://Example.com/" into "https://example.com".
func normalizeOrigin(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("scheme must be http or https")
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("want scheme://host[:port] only")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// Routes serves GET /oauth/authorize, GET /oauth/callback (the browser
// flow alone; see Callback), GET and POST /oauth/revoke. Mount it under
// "/oauth/".
func (s *Service) Routes() http.Handler { return s.handler }

// Callback is GET /oauth/callback for a caller that starts Slack
// authorizations of its own (the MCP authorization server): a callback
// whose state is well-formed but not one of this service's pending
// authorizations is offered to other, which returns false, having written
// nothing, when it is not its own either. The caller mounts it at
// "/oauth/callback", beside Routes, so this package never calls up.
func (s *Service) Callback(other Unclaimed) http.Handler {
	return s.guard(func(w http.ResponseWriter, r *http.Request) {
		if onlyMethods(w, r, http.MethodGet) {
			s.handleCallback(w, r, other)
		}
	})
}

func (s *Service) routes() http.Handler {
	return s.guard(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth/authorize":
			if onlyMethods(w, r, http.MethodGet) {
				s.handleAuthorize(w, r)
			}
		case "/oauth/callback":
			if onlyMethods(w, r, http.MethodGet) {
				s.handleCallback(w, r, nil)
			}
		case "/oauth/revoke":
			if onlyMethods(w, r, http.MethodGet, http.MethodPost) {
				if r.Method == http.MethodPost {
					s.handleRevoke(w, r)
				} else {
					s.handleRevokePage(w, r)
				}
			}
		default:
			writeJSONError(w, http.StatusNotFound, CodeNotFound)
		}
	})
}

// guard adds what every /oauth/* route has: panic recovery, the per-IP
// limit and the body limit.
func (s *Service) guard(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.o.Logger.Error().Str("path", r.URL.Path).Msgf("slackoauth: panic: %v", v)
				writeJSONError(w, http.StatusInternalServerError, CodeInternal)
			}
		}()
		if !s.allow(w, r) {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		h(w, r)
	})
}

func onlyMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	// HEAD is refused too: a prefetcher must not create or consume a
	// pending authorization.
	if slices.Contains(methods, r.Method) {
		return true
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeJSONError(w, http.StatusMethodNotAllowed, CodeMethodNotAllowed)
	return false
}

// Disabled serves every /oauth/* route when OAuth mode is off: 503 with
// code INTEGRATION_DISABLED.
func Disabled() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, errorBody{
			Error: "OAuth mode is not enabled on this server",
			Code:  CodeDisabled,
		})
	})
}

// touchThrottle remembers when a key was last written so last-used
// timestamps are updated at most once per interval; it is bounded.
type touchThrottle struct {
	every time.Duration
	max   int
	mu    sync.Mutex
	last  map[string]time.Time
}

const maxTouchEntries = 10000

func newTouchThrottle(every time.Duration, maxEntries int) *touchThrottle {
	return &touchThrottle{every: every, max: maxEntries, last: map[string]time.Time{}}
}

// due reports whether key should be touched at now, and records it.
func (t *touchThrottle) due(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at, ok := t.last[key]; ok && now.Sub(at) < t.every && !now.Before(at) {
		return false
	}
	if len(t.last) >= t.max {
		for k, at := range t.last {
			if now.Sub(at) >= t.every {
				delete(t.last, k)
			}
		}
		if len(t.last) >= t.max {
			clear(t.last)
		}
	}
	t.last[key] = now
	return true
}
