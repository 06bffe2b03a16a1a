package oauthserver

import (
	"context"
	"errors"
	"fmt"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/clientip"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/singleflight"
	"golang.org/x/time/rate"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/metrics"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Token prefixes of access and refresh tokens: tenant.AccessTokenPrefix
// and tenant.RefreshTokenPrefix.
const (
	// ClientIDPrefix marks client IDs issued by dynamic registration.
	ClientIDPrefix = "mcpc_"
)

// MCP scopes.
const (
	ScopeRead  = "slack:read"
	ScopeWrite = "slack:write" // implies ScopeRead
)

// Defaults applied by New.
const (
	DefaultAccessTTL  = time.Hour
	DefaultRefreshTTL = 30 * 24 * time.Hour
	DefaultCodeTTL    = 5 * time.Minute
	DefaultTxnTTL     = 10 * time.Minute
	DefaultRateLimit  = rate.Limit(2) // per second, per client IP
	DefaultBurst      = 30

	sessionTTL     = 30 * 24 * time.Hour
	maxBodyBytes   = 16 << 10
	minTokenKeyLen = 16
)

// Store is what the authorization server persists to.
type Store interface {
	store.AuthServer
	store.InstallationGetter
	store.AuditAppender
}

// Options configure a Server. Only cmd/ reads the environment.
type Options struct {
	// PublicURL is our origin (no path): issuer and resource. https,
	// except for loopback hosts.
	PublicURL string
	Store     Store
	// SignedInAgain, when set, is told that a browser signed in to
	// installation prev just signed in to next: the same person connected
	// both (the connections page lists them together).
	SignedInAgain func(ctx context.Context, prev, next string) error
	// UsedBy, when set, is told each time an access token of clientID is
	// resolved for installationID (once per validation, not per request):
	// the connections page shows when each application last used Slack.
	UsedBy func(ctx context.Context, installationID, clientID string) error
	// PersonInstallations, when set, lists every installation of the
	// person of one (store.Connections): the consent page offers them,
	// and an access token reaches those where the person approved its
	// application. Nil: one workspace per connection.
	PersonInstallations func(ctx context.Context, installationID string) ([]store.Installation, error)
	// Slack is the Slack leg: authorize URL, callback exchange (Routes
	// mounts its Callback at /oauth/callback) and the installation's
	// credentials. It never calls this package.
	Slack *slackoauth.Service
	// ReadSlackScopes and WriteSlackScopes are the Slack user scopes
	// behind the MCP scopes "slack:read" and "slack:write"; write implies
	// read.
	ReadSlackScopes, WriteSlackScopes []string
	// WriteActions are the enabled write tools, for the consent page.
	// None means this deployment cannot write: slack:write is neither
	// advertised nor granted (a request for it gets slack:read).
	WriteActions []WriteAction
	// AllowPrivateCIMD lets CIMD fetches reach loopback and private
	// addresses (tests only).
	AllowPrivateCIMD bool
	// HTTPClient fetches Client ID Metadata Documents. Its transport (an
	// *http.Transport, or the default) gets the SSRF-guarded dialer; the
	// timeout is 5 s and bodies are capped at 64 KB either way.
	HTTPClient *http.Client
	// TokenKey peppers the HMAC-SHA256 hashes of our tokens (cmd derives
	// it from the encryption key); at least 16 bytes.
	TokenKey []byte
	// Lifetimes; defaults 1 h, 30 days (sliding), 5 min, 10 min.
	AccessTTL, RefreshTTL, CodeTTL, TxnTTL time.Duration
	// Metrics counts the login funnel and times completed logins; nil
	// counts nothing.
	Metrics *metrics.Metrics
	Logger  zerolog.Logger
	Now     func() time.Time
	// RateLimit and Burst are the token bucket per client IP on
	// /register, /authorize, /authorize/consent, /authorize/consents,
	// /authorize/consents/revoke, /token and /revoke;
	// defaults 2/s and 30. rate.Inf disables the limit.
	RateLimit rate.Limit
	Burst     int
	// RegistrationsPerHour caps new clients across all addresses
	// (registrations and first metadata document fetches); default
	// DefaultRegistrationsPerHour. RateLimit rate.Inf turns it off too.
	RegistrationsPerHour int
}

// Server is the authorization server.
type Server struct {
	o          Options
	issuer     string // PublicURL without trailing slash
	resources  []string
	secure     bool // https: __Host- cookies
	txnCookie  string
	sessCookie string
	csp        string
	limiter    *clientip.Limiter
	newClients *clientip.Limiter
	cimd       *cimdFetcher
	fetches    singleflight.Group
}

// New validates o, reporting every problem at once.
func New(o Options) (*Server, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("oauthserver: "+format, args...)) }

	issuer, err := checkPublicURL(o.PublicURL)
	if err != nil {
		errs = append(errs, err)
	}
	if o.Store == nil {
		bad("a store is required")
	}
	if o.Slack == nil {
		bad("the Slack OAuth service is required")
	}
	if len(o.ReadSlackScopes) == 0 {
		bad("at least one Slack scope behind %s is required", ScopeRead)
	}
	for _, sc := range slices.Concat(o.ReadSlackScopes, o.WriteSlackScopes) {
		if sc == "" || strings.ContainsAny(sc, ", \t\r\n") {
			bad("Slack scope %q is malformed", sc)
		}
	}
	if len(o.WriteSlackScopes) > 0 && len(o.WriteActions) == 0 {
		bad("write Slack scopes were given but no write action: slack:write would grant nothing the consent page names")
	}
	for _, a := range o.WriteActions {
		if strings.TrimSpace(a.Title) == "" {
			bad("a write action needs a title")
		}
	}
	if len(o.TokenKey) < minTokenKeyLen {
		bad("a token key of at least %d bytes is required", minTokenKeyLen)
	}
	for _, d := range []time.Duration{o.AccessTTL, o.RefreshTTL, o.CodeTTL, o.TxnTTL} {
		if d < 0 {
			bad("lifetimes must not be negative")
			break
		}
	}
	if o.RateLimit < 0 || o.Burst < 0 {
		bad("rate limit and burst must not be negative")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	o.AccessTTL = orDefault(o.AccessTTL, DefaultAccessTTL)
	o.RefreshTTL = orDefault(o.RefreshTTL, DefaultRefreshTTL)
	o.CodeTTL = orDefault(o.CodeTTL, DefaultCodeTTL)
	o.TxnTTL = orDefault(o.TxnTTL, DefaultTxnTTL)
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.Burst == 0 {
		o.Burst = DefaultBurst
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.TokenKey = slices.Clone(o.TokenKey)
	o.ReadSlackScopes = slices.Clone(o.ReadSlackScopes)
	o.WriteSlackScopes = slices.Clone(o.WriteSlackScopes)
	o.WriteActions = slices.Clone(o.WriteActions)

	s := &Server{
		o:         o,
		issuer:    issuer,
		resources: []string{issuer, issuer + "/mcp", issuer + "/sse"},
		limiter:   clientip.NewLimiter(o.RateLimit, o.Burst, clientip.DefaultMaxEntries),
		cimd:      newCIMDFetcher(o.HTTPClient, o.AllowPrivateCIMD),
	}
	s.newClients = newClientGate(o.RegistrationsPerHour, o.RateLimit)
	if strings.HasPrefix(issuer, "https://") {
		s.secure, s.txnCookie, s.sessCookie = true, "__Host-mcp_txn", "__Host-mcp_session"
	} else {
		s.txnCookie, s.sessCookie = "mcp_txn", "mcp_session"
	}
	s.csp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' " + o.Slack.SlackURL() +
		"; frame-ancestors 'none'; base-uri 'none'"
	return s, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// checkPublicURL accepts an https origin (http for loopback hosts) with
// no path, query, fragment or user info, and returns it without a
// trailing slash.
func checkPublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("oauthserver: public URL %q must be an absolute URL", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback.IsHost(u.Hostname()):
	default:
		return "", fmt.Errorf("oauthserver: public URL %q must use https (http only for loopback hosts)", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(raw, "?") {
		return "", fmt.Errorf("oauthserver: public URL %q must be an origin without path, query, fragment or user info", raw)
	}
	return u.Scheme + "://" + canonicalHost(u.Scheme, u.Host), nil
}

// canonicalHost lowers host and drops the scheme's default port, as
// resource.Canonical does, so the issuer matches the authorization server
// named in the protected resource metadata (https://x:443 is https://x).
func canonicalHost(scheme, host string) string {
	host = strings.ToLower(host)
	switch strings.ToLower(scheme) {
	case "https":
		return strings.TrimSuffix(host, ":443")
	case "http":
		return strings.TrimSuffix(host, ":80")
	}
	return host
}

// Issuer is the issuer identifier (PublicURL without trailing slash).
func (s *Server) Issuer() string { return s.issuer }

// Routes maps ServeMux patterns to handlers.
func (s *Server) Routes() map[string]http.Handler {
	meta := s.wrap(false, corsAllowed, http.HandlerFunc(s.handleMetadata), http.MethodGet, http.MethodHead)
	return map[string]http.Handler{
		"/.well-known/oauth-authorization-server":     meta,
		"/.well-known/oauth-authorization-server/mcp": meta,
		"/.well-known/oauth-authorization-server/sse": meta,
		"/authorize":         s.wrap(true, false, http.HandlerFunc(s.handleAuthorize), http.MethodGet),
		"/authorize/consent": s.wrap(true, false, http.HandlerFunc(s.handleConsent), http.MethodPost),
		ConsentsPath:         s.wrap(true, false, http.HandlerFunc(s.handleConsents), http.MethodGet),
		ConsentsRevokePath:   s.wrap(true, false, http.HandlerFunc(s.handleConsentsRevoke), http.MethodPost),
		"/token":             s.wrap(true, corsAllowed, http.HandlerFunc(s.handleToken), http.MethodPost),
		"/register":          s.wrap(true, corsAllowed, http.HandlerFunc(s.handleRegister), http.MethodPost),
		"/revoke":            s.wrap(true, corsAllowed, http.HandlerFunc(s.handleRevoke), http.MethodPost),
		// Slack redirects both login flows here; the Slack leg finishes
		// its own and hands ours back (HandleSlackCallback).
		"/oauth/callback": s.o.Slack.Callback(s.HandleSlackCallback),
	}
}

const corsAllowed = true

// wrap adds panic recovery, CORS, method checks, the per-IP limit and the
// body limit.
func (s *Server) wrap(limited, cors bool, h http.Handler, methods ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.o.Logger.Error().Str("path", r.URL.Path).Msgf("oauthserver: panic: %v", v)
				writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error")
			}
		}()
		if cors {
			hd := w.Header()
			hd.Set("Access-Control-Allow-Origin", "*")
			hd.Set("Access-Control-Expose-Headers", "WWW-Authenticate, Retry-After")
			if r.Method == http.MethodOptions {
				hd.Set("Access-Control-Allow-Methods", strings.Join(append(slices.Clone(methods), http.MethodOptions), ", "))
				hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version")
				hd.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if !slices.Contains(methods, r.Method) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "method not allowed")
			return
		}
		if limited && !s.allow(w, r) {
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		h.ServeHTTP(w, r)
	})
}

// slackScopes returns the Slack user scopes behind the MCP scopes.
func (s *Server) slackScopes(scopes []string) []string {
	out := slices.Clone(s.o.ReadSlackScopes)
	if slices.Contains(scopes, ScopeWrite) && s.writeOffered() {
		out = append(out, s.o.WriteSlackScopes...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
