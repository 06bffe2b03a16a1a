package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Error codes.
const (
	CodeUnauthorized = "UNAUTHORIZED"
	CodeForbidden    = "FORBIDDEN"
	CodeNotFound     = "INTEGRATION_NOT_FOUND"
	CodeBadRequest   = "BAD_REQUEST"
	CodeCSRF         = "CSRF_FAILED"
	CodeInternal     = "INTERNAL_ERROR"
)

// maxAuditExport bounds one audit answer or export.
const maxAuditExport = 10_000

// Store is what the admin API reads and changes.
type Store interface {
	store.InstallationGetter
	ListPATs(ctx context.Context, installationID string) ([]store.PAT, error)
	Failure(ctx context.Context, installationID string) (store.Failure, error)
	store.Admin
	store.Policies
	store.UsageLog
	store.AuditLog
}

// Session is a browser session: the installation signed in and the CSRF
// token its changes must carry.
type Session struct {
	InstallationID, CSRF string
}

// Options configure the API.
type Options struct {
	Store  Store
	Admins []Person
	// Token is SLACK_MCP_ADMIN_TOKEN; empty: no token works.
	Token string
	// Session names this browser's session (ok false without one).
	Session func(r *http.Request) (s Session, ok bool, err error)
	// Disconnect revokes an installation at Slack and locally.
	Disconnect func(ctx context.Context, in store.Installation) error
	Now        func() time.Time
	Logger     zerolog.Logger
}

// API serves /api/admin.
type API struct{ o Options }

// New returns the API.
func New(o Options) *API {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &API{o: o}
}

// Routes are the API's handlers by mux pattern.
func (a *API) Routes() map[string]http.Handler {
	return map[string]http.Handler{"/api/admin/": http.HandlerFunc(a.serve)}
}

// caller decides whether the request is an admin's: 401 without a
// credential, 403 for anyone else. csrf is the session's token for
// browser requests ("" for the admin token).
func (a *API) caller(w http.ResponseWriter, r *http.Request) (csrf, by string, browser, ok bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") && a.o.Token != "" &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(a.o.Token)) == 1 {
			return "", "token", false, true
		}
		httpjson.Error(w, http.StatusForbidden, CodeForbidden, "this token is not the admin token")
		return "", "", false, false
	}
	var sess Session
	var signed bool
	var err error
	if a.o.Session != nil {
		sess, signed, err = a.o.Session(r)
	}
	if err != nil {
		a.internal(w, r, "session", err)
		return "", "", false, false
	}
	if !signed {
		w.Header().Set("WWW-Authenticate", `Bearer realm="admin"`)
		httpjson.Error(w, http.StatusUnauthorized, CodeUnauthorized, "sign in with Slack as an admin (SLACK_MCP_ADMINS), or send SLACK_MCP_ADMIN_TOKEN as a Bearer token")
		return "", "", false, false
	}
	in, err := a.o.Store.GetInstallation(r.Context(), sess.InstallationID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.internal(w, r, "get installation", err)
		return "", "", false, false
	}
	if err != nil || !isAdmin(a.o.Admins, in.TeamID, in.UserID) {
		httpjson.Error(w, http.StatusForbidden, CodeForbidden, "you are not an admin of this server")
		return "", "", false, false
	}
	return sess.CSRF, in.UserID, true, true
}

func (a *API) serve(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/admin"), "/")
	parts := strings.Split(rest, "/")
	var methods []string
	var fn func(http.ResponseWriter, *http.Request, []string)
	var by string
	switch {
	case rest == "usage":
		methods, fn = []string{http.MethodGet}, a.usage
	case rest == "policies":
		methods, fn = []string{http.MethodGet}, a.listPolicies
	case len(parts) == 2 && parts[0] == "policies":
		methods = []string{http.MethodGet, http.MethodPut, http.MethodDelete}
		fn = func(w http.ResponseWriter, r *http.Request, parts []string) { a.policy(w, r, parts, by) }
	case rest == "installations":
		methods, fn = []string{http.MethodGet}, a.listInstallations
	case len(parts) == 2 && parts[0] == "installations":
		methods, fn = []string{http.MethodDelete}, a.disconnect
	case rest == "audit":
		methods, fn = []string{http.MethodGet}, a.audit
	default:
		httpjson.Error(w, http.StatusNotFound, "NOT_FOUND", "no such route; see GET /api/admin/installations and GET /api/admin/audit")
		return
	}
	if !slices.Contains(methods, r.Method) {
		w.Header().Set("Allow", strings.Join(methods, ", "))
		httpjson.Error(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use "+strings.Join(methods, " or "))
		return
	}
	csrf, who, browser, ok := a.caller(w, r)
	if !ok {
		return
	}
	by = who
	if r.Method != http.MethodGet && browser && (csrf == "" ||
		subtle.ConstantTimeCompare([]byte(r.Header.Get("X-CSRF-Token")), []byte(csrf)) != 1) {
		httpjson.Error(w, http.StatusForbidden, CodeCSRF, "changes made with a browser session need the page's X-CSRF-Token header")
		return
	}
	fn(w, r, parts)
}

// Installation is one installation as the operator sees it: never a token.
type Installation struct {
	ID           string   `json:"id"`
	TeamID       string   `json:"team_id,omitempty"`
	TeamName     string   `json:"team_name,omitempty"`
	EnterpriseID string   `json:"enterprise_id,omitempty"`
	UserID       string   `json:"user_id"`
	UserName     string   `json:"user_name,omitempty"`
	Scopes       []string `json:"scopes"`
	// Status is active, revoked or failed (active, but its token's last
	// refresh or test failed, with Slack's answer in Error).
	Status      string `json:"status"`
	Error       string `json:"error,omitempty"`
	ConnectedAt string `json:"connected_at"`
	LastUsedAt  string `json:"last_used_at,omitempty"`
	// Tokens are the installation's personal access tokens, shown only by
	// name: the last four characters of their hash.
	Tokens []TokenName `json:"tokens"`
}

// TokenName is a personal access token as an operator sees it.
type TokenName struct {
	Name       string `json:"name"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

// tokenNames names an installation's personal access tokens by the last
// four characters of their hash.
func (a *API) tokenNames(r *http.Request, installationID string) ([]TokenName, error) {
	pats, err := a.o.Store.ListPATs(r.Context(), installationID)
	if err != nil {
		return nil, err
	}
	out := []TokenName{}
	for _, p := range pats {
		out = append(out, TokenName{Name: "…" + p.Hash[max(0, len(p.Hash)-4):], CreatedAt: stamp(p.CreatedAt), LastUsedAt: stamp(p.LastUsedAt)})
	}
	return out, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// timeParam reads a date or time query parameter.
func (a *API) timeParam(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := params.ParseDate(v, a.o.Now())
	if err != nil {
		return time.Time{}, errors.New(name + ": " + err.Error())
	}
	return t, nil
}

func limitParam(r *http.Request, def int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxAuditExport {
		return 0, errors.New("limit must be a whole number from 1 to " + strconv.Itoa(maxAuditExport))
	}
	return n, nil
}

func (a *API) listInstallations(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	f := store.InstallationFilter{TeamID: q.Get("team"), Status: q.Get("status")}
	switch f.Status {
	case "", store.StatusActive, store.StatusRevoked, store.StatusFailed:
	default:
		httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, "status must be active, revoked or failed")
		return
	}
	var err error
	if f.UsedSince, err = a.timeParam(r, "used_since"); err == nil {
		if f.UsedBefore, err = a.timeParam(r, "used_before"); err == nil {
			f.Limit, err = limitParam(r, 1000)
		}
	}
	if err != nil {
		httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	list, err := a.o.Store.ListInstallations(r.Context(), f)
	if err != nil {
		a.internal(w, r, "list installations", err)
		return
	}
	out := make([]Installation, 0, len(list))
	for _, in := range list {
		scopes := in.Scopes
		if scopes == nil {
			scopes = []string{}
		}
		row := Installation{ID: in.ID, TeamID: in.TeamID, TeamName: in.TeamName, EnterpriseID: in.EnterpriseID,
			UserID: in.UserID, UserName: in.UserName, Scopes: scopes,
			ConnectedAt: stamp(in.InstalledAt), LastUsedAt: stamp(in.LastUsedAt), Tokens: []TokenName{}}
		if row.Status, row.Error, err = a.statusOf(r, in); err != nil {
			a.internal(w, r, "installation failure", err)
			return
		}
		if row.Tokens, err = a.tokenNames(r, in.ID); err != nil {
			a.internal(w, r, "list tokens", err)
			return
		}
		out = append(out, row)
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"installations": out})
}

// statusOf is what an installation's status shows: failed (with the
// failure's code) for an active one whose token last failed.
func (a *API) statusOf(r *http.Request, in store.Installation) (string, string, error) {
	status, f, err := store.ShownStatus(r.Context(), a.o.Store, in)
	return status, f.Code, err
}

func (a *API) disconnect(w http.ResponseWriter, r *http.Request, parts []string) {
	in, err := a.o.Store.GetInstallation(r.Context(), parts[1])
	if errors.Is(err, store.ErrNotFound) {
		httpjson.Error(w, http.StatusNotFound, CodeNotFound, "no installation has that id")
		return
	}
	if err != nil {
		a.internal(w, r, "get installation", err)
		return
	}
	if err := a.o.Disconnect(r.Context(), in); err != nil {
		a.internal(w, r, "disconnect", err)
		return
	}
	if err := a.o.Store.AppendAudit(r.Context(), store.AuditEvent{At: a.o.Now(), Event: "token_revoked", Outcome: "ok",
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID, Detail: "admin"}); err != nil {
		a.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("admin: audit event not stored")
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"disconnected": true, "id": in.ID})
}

// AuditEvent is one audit event as exported: metadata only, never message
// text or tokens (the store holds none).
type AuditEvent struct {
	At           string `json:"at"`
	Event        string `json:"event"`
	EnterpriseID string `json:"enterprise_id,omitempty"`
	TeamID       string `json:"team_id,omitempty"`
	UserID       string `json:"user_id,omitempty"`
	Tool         string `json:"tool,omitempty"`
	Channel      string `json:"channel,omitempty"`
	MessageTS    string `json:"message_ts,omitempty"`
	Outcome      string `json:"outcome,omitempty"`
	Detail       string `json:"detail,omitempty"`
}

func (a *API) audit(w http.ResponseWriter, r *http.Request, _ []string) {
	q := r.URL.Query()
	f := store.AuditFilter{TeamID: q.Get("team"), UserID: q.Get("user"), Event: q.Get("event")}
	var err error
	if f.Since, err = a.timeParam(r, "since"); err == nil {
		f.Limit, err = limitParam(r, 500)
	}
	format := q.Get("format")
	if err == nil && format != "" && format != "json" && format != "jsonl" {
		err = errors.New("format must be json or jsonl")
	}
	if err != nil {
		httpjson.Error(w, http.StatusBadRequest, CodeBadRequest, err.Error())
		return
	}
	events, err := a.o.Store.ListAudit(r.Context(), f)
	if err != nil {
		a.internal(w, r, "list audit", err)
		return
	}
	out := make([]AuditEvent, 0, len(events))
	for _, e := range events {
		out = append(out, AuditEvent{At: stamp(e.At), Event: e.Event, EnterpriseID: e.EnterpriseID, TeamID: e.TeamID, UserID: e.UserID,
			Tool: e.Tool, Channel: e.Channel, MessageTS: e.MessageTS, Outcome: e.Outcome, Detail: e.Detail})
	}
	if format != "jsonl" {
		httpjson.Write(w, http.StatusOK, map[string]any{"events": out})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/jsonl; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit.jsonl"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	enc := json.NewEncoder(w)
	for _, e := range out {
		if err := enc.Encode(e); err != nil {
			return
		}
	}
}

func (a *API) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	a.o.Logger.Error().Ctx(r.Context()).Err(err).Str("op", what).Msg("admin: internal error")
	httpjson.Error(w, http.StatusInternalServerError, CodeInternal, "internal error; please try again later")
}
