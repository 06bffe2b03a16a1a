package connections

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Error codes, those of the requirements document where they fit.
const (
	CodeUnauthorized = "UNAUTHORIZED"
	CodeNotFound     = "INTEGRATION_NOT_FOUND"
	CodeInactive     = "INTEGRATION_INACTIVE"
	CodeCSRF         = "CSRF_FAILED"
	CodeInternal     = "INTERNAL_ERROR"
)

// ErrNoCredential is what Identify returns when the request carries no
// credential this API accepts.
var ErrNoCredential = errors.New("connections: no credential")

// Store is what the API reads and changes.
type Store interface {
	store.InstallationGetter
	ListConsents(ctx context.Context, installationID string) ([]store.Consent, error)
	GetClient(ctx context.Context, id string) (store.Client, error)
	RevokeClientGrants(ctx context.Context, installationID, clientID string, at time.Time) error
	store.Connections
	store.AuditAppender
}

// Who is the person asking: the installation their credential belongs to.
// Browser requests also carry the session's CSRF token, which every change
// must send back in X-CSRF-Token.
type Who struct {
	InstallationID string
	Browser        bool
	CSRF           string
}

// TestResult is a live auth.test of an installation.
type TestResult struct {
	OK     bool   `json:"ok"`
	Team   string `json:"team,omitempty"`
	TeamID string `json:"team_id,omitempty"`
	User   string `json:"user,omitempty"`
	UserID string `json:"user_id,omitempty"`
	URL    string `json:"url,omitempty"`
	Error  string `json:"error,omitempty" jsonschema:"Slack's error code when the test failed"`
}

// Options configure the API.
type Options struct {
	Store Store
	// Identify names the installation of the request's credential, or
	// returns ErrNoCredential.
	Identify func(r *http.Request) (Who, error)
	// Session names the installation of this browser's session (the page
	// takes no Bearer token), or returns ErrNoCredential.
	Session func(r *http.Request) (Who, error)
	// SignOut ends this browser's session.
	SignOut func(w http.ResponseWriter, r *http.Request) error
	// Test runs auth.test with the installation's Slack credentials.
	Test func(ctx context.Context, installationID string) TestResult
	// Disconnect revokes the installation at Slack and locally.
	Disconnect func(ctx context.Context, in store.Installation) error
	// GovSlack marks every installation as GovSlack (slack-gov.com).
	GovSlack bool
	Now      func() time.Time
	Logger   zerolog.Logger
}

// API serves /api/connections.
type API struct{ o Options }

// New returns the API; Routes mounts it.
func New(o Options) *API {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &API{o: o}
}

// Routes are the API's handlers by mux pattern.
func (a *API) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"/api/connections":  http.HandlerFunc(a.serve),
		"/api/connections/": http.HandlerFunc(a.serve),
	}
}

// serve routes by method and path; anything else is a JSON 404 or 405.
func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/connections"), "/")
	parts := strings.Split(rest, "/")
	if rest == "" {
		parts = nil
	}
	type route struct {
		method string
		fn     func(http.ResponseWriter, *http.Request, Who, []string)
	}
	var rt []route
	switch {
	case len(parts) == 0:
		rt = []route{{http.MethodGet, a.list}}
	case len(parts) == 1:
		rt = []route{{http.MethodGet, a.one}, {http.MethodDelete, a.disconnect}}
	case len(parts) == 2 && parts[1] == "test":
		rt = []route{{http.MethodPost, a.test}}
	case len(parts) == 3 && parts[1] == "clients":
		rt = []route{{http.MethodDelete, a.revokeClient}}
	case len(parts) == 3 && parts[1] == "tokens":
		rt = []route{{http.MethodDelete, a.revokeToken}}
	default:
		fail(w, http.StatusNotFound, "NOT_FOUND", "no such route; see GET /api/connections")
		return
	}
	for _, x := range rt {
		if r.Method != x.method {
			continue
		}
		who, err := a.o.Identify(r)
		switch {
		case errors.Is(err, ErrNoCredential):
			w.Header().Set("WWW-Authenticate", `Bearer realm="connections"`)
			fail(w, http.StatusUnauthorized, CodeUnauthorized, "sign in with Slack in this browser, or send your personal access token (smcp_…) as a Bearer token")
			return
		case err != nil:
			a.internal(w, r, "identify", err)
			return
		}
		if x.method != http.MethodGet && who.Browser && !sameToken(r.Header.Get("X-CSRF-Token"), who.CSRF) {
			fail(w, http.StatusForbidden, CodeCSRF, "changes made with a browser session need the page's X-CSRF-Token header")
			return
		}
		x.fn(w, r, who, parts)
		return
	}
	allowed := make([]string, len(rt))
	for i, x := range rt {
		allowed[i] = x.method
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	fail(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use "+strings.Join(allowed, " or "))
}

// fail answers an error as JSON.
func fail(w http.ResponseWriter, status int, code, msg string) { httpjson.Error(w, status, code, msg) }

func (a *API) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	a.o.Logger.Error().Ctx(r.Context()).Err(err).Str("op", what).Msg("connections: internal error")
	fail(w, http.StatusInternalServerError, CodeInternal, "internal error; please try again later")
}
