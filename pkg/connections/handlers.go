package connections

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/httpjson"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// tokenIDLen is how much of a token's hash names it in the API: enough to
// be unique per person, and only a hash.
const tokenIDLen = 16

// Connection is one installation as the API shows it.
type Connection struct {
	ID           string   `json:"id"`
	TeamID       string   `json:"team_id,omitempty"`
	TeamName     string   `json:"team_name,omitempty"`
	EnterpriseID string   `json:"enterprise_id,omitempty"`
	GovSlack     bool     `json:"gov_slack"`
	UserID       string   `json:"user_id"`
	UserName     string   `json:"user_name,omitempty"`
	Scopes       []string `json:"scopes"`
	// Status is active, revoked, or failed: active, but the token's last
	// refresh or test failed (Error says how, FailedAt when).
	Status      string   `json:"status"`
	Error       string   `json:"error,omitempty"`
	FailedAt    string   `json:"failed_at,omitempty"`
	ConnectedAt string   `json:"connected_at"`
	LastUsedAt  string   `json:"last_used_at,omitempty"`
	Clients     []Client `json:"clients"`
	Tokens      []Token  `json:"tokens"`
}

// Client is an MCP client the person authorized on the installation.
type Client struct {
	ClientID   string `json:"client_id"`
	Name       string `json:"name,omitempty"`
	Scope      string `json:"scope"`
	GrantedAt  string `json:"granted_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

// Token is a personal access token of the installation, named by a
// prefix of its hash (the token itself is never stored).
type Token struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CreatedAt  string `json:"created_at"`
	LastUsedAt string `json:"last_used_at,omitempty"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// owned loads the installation named in the path if it is one of the
// caller's (theirs, or linked to theirs: the same person); anything else
// is INTEGRATION_NOT_FOUND, so IDs of others reveal nothing.
func (a *API) owned(w http.ResponseWriter, r *http.Request, who Who, id string) (store.Installation, bool) {
	in, ok, err := a.mine(r, who, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.internal(w, r, "person installations", err)
		return store.Installation{}, false
	}
	if !ok {
		fail(w, http.StatusNotFound, CodeNotFound, "no connection of yours has that id")
	}
	return in, ok
}

// view builds what the API shows of an installation.
func (a *API) view(r *http.Request, in store.Installation) (Connection, error) {
	ctx := r.Context()
	c := Connection{ID: in.ID, TeamID: in.TeamID, TeamName: in.TeamName, EnterpriseID: in.EnterpriseID, GovSlack: a.o.GovSlack,
		UserID: in.UserID, UserName: in.UserName, Scopes: in.Scopes, Status: in.Status,
		ConnectedAt: stamp(in.InstalledAt), LastUsedAt: stamp(in.LastUsedAt), Clients: []Client{}, Tokens: []Token{}}
	if c.Scopes == nil {
		c.Scopes = []string{}
	}
	status, f, err := store.ShownStatus(ctx, a.o.Store, in)
	if err != nil {
		return Connection{}, err
	}
	c.Status, c.Error, c.FailedAt = status, f.Code, stamp(f.At)
	consents, err := a.o.Store.ListConsents(ctx, in.ID)
	if err != nil {
		return Connection{}, err
	}
	uses, err := a.o.Store.ClientUses(ctx, in.ID)
	if err != nil {
		return Connection{}, err
	}
	for _, k := range consents {
		cl := Client{ClientID: k.ClientID, Scope: k.Scope, GrantedAt: stamp(k.GrantedAt), LastUsedAt: stamp(uses[k.ClientID])}
		if meta, err := a.o.Store.GetClient(ctx, k.ClientID); err == nil {
			cl.Name = meta.Name
		} else if !errors.Is(err, store.ErrNotFound) {
			return Connection{}, err
		}
		c.Clients = append(c.Clients, cl)
	}
	pats, err := a.o.Store.ListPATs(ctx, in.ID)
	if err != nil {
		return Connection{}, err
	}
	for _, p := range pats {
		id := p.Hash[:min(tokenIDLen, len(p.Hash))]
		c.Tokens = append(c.Tokens, Token{ID: id, Name: "personal access token …" + p.Hash[max(0, len(p.Hash)-4):],
			CreatedAt: stamp(p.CreatedAt), LastUsedAt: stamp(p.LastUsedAt)})
	}
	return c, nil
}

// connectionsOf are the caller's connections: every installation of the
// person their credential names, the one it names first.
func (a *API) connectionsOf(r *http.Request, who Who) ([]Connection, error) {
	list, err := a.o.Store.PersonInstallations(r.Context(), who.InstallationID)
	if err != nil {
		return nil, err
	}
	out := make([]Connection, 0, len(list))
	for _, in := range list {
		c, err := a.view(r, in)
		if err != nil {
			return nil, err
		}
		if in.ID == who.InstallationID {
			out = append([]Connection{c}, out...)
		} else {
			out = append(out, c)
		}
	}
	return out, nil
}

func (a *API) list(w http.ResponseWriter, r *http.Request, who Who, _ []string) {
	list, err := a.connectionsOf(r, who)
	if err != nil {
		a.internal(w, r, "list", err)
		return
	}
	httpjson.Write(w, http.StatusOK, map[string]any{"connections": list})
}

func (a *API) one(w http.ResponseWriter, r *http.Request, who Who, parts []string) {
	in, ok := a.owned(w, r, who, parts[0])
	if !ok {
		return
	}
	c, err := a.view(r, in)
	if err != nil {
		a.internal(w, r, "view", err)
		return
	}
	httpjson.Write(w, http.StatusOK, c)
}

func (a *API) test(w http.ResponseWriter, r *http.Request, who Who, parts []string) {
	in, ok := a.owned(w, r, who, parts[0])
	if !ok {
		return
	}
	if in.Status != store.StatusActive {
		fail(w, http.StatusConflict, CodeInactive, "this connection is "+in.Status+"; connect the workspace again")
		return
	}
	httpjson.Write(w, http.StatusOK, a.runTest(r.Context(), in.ID))
}

// runTest runs the live test and remembers its outcome: a failure marks
// the connection failed until a test, a refresh or a new sign-in works.
func (a *API) runTest(ctx context.Context, id string) TestResult {
	res := a.o.Test(ctx, id)
	code := ""
	if !res.OK {
		code = res.Error
		if code == "" {
			code = "test_failed"
		}
	}
	if err := a.o.Store.SetFailure(ctx, id, code, a.o.Now()); err != nil {
		a.o.Logger.Warn().Ctx(ctx).Err(err).Msg("connections: recording the test's outcome")
	}
	return res
}

func (a *API) disconnect(w http.ResponseWriter, r *http.Request, who Who, parts []string) {
	in, ok := a.owned(w, r, who, parts[0])
	if !ok {
		return
	}
	if err := a.o.Disconnect(r.Context(), in); err != nil {
		a.internal(w, r, "disconnect", err)
		return
	}
	a.audit(r, in, "token_revoked", "connections api")
	httpjson.Write(w, http.StatusOK, map[string]any{"disconnected": true, "id": in.ID})
}

func (a *API) revokeClient(w http.ResponseWriter, r *http.Request, who Who, parts []string) {
	in, ok := a.owned(w, r, who, parts[0])
	if !ok {
		return
	}
	clientID, err := url.PathUnescape(parts[2])
	if err != nil || clientID == "" {
		fail(w, http.StatusNotFound, CodeNotFound, "no client of this connection has that id")
		return
	}
	err = a.o.Store.RevokeClientGrants(r.Context(), in.ID, clientID, a.o.Now())
	if errors.Is(err, store.ErrNotFound) {
		fail(w, http.StatusNotFound, CodeNotFound, "no client of this connection has that id")
		return
	}
	if err != nil {
		a.internal(w, r, "revoke client", err)
		return
	}
	a.audit(r, in, "client_revoked", clientID)
	httpjson.Write(w, http.StatusOK, map[string]any{"revoked": true, "client_id": clientID})
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, who Who, parts []string) {
	in, ok := a.owned(w, r, who, parts[0])
	if !ok {
		return
	}
	pats, err := a.o.Store.ListPATs(r.Context(), in.ID)
	if err != nil {
		a.internal(w, r, "list tokens", err)
		return
	}
	for _, p := range pats {
		if len(parts[2]) == tokenIDLen && len(p.Hash) >= tokenIDLen && p.Hash[:tokenIDLen] == parts[2] {
			if err := a.o.Store.RevokePAT(r.Context(), in.ID, p.Hash, a.o.Now()); err != nil && !errors.Is(err, store.ErrNotFound) {
				a.internal(w, r, "revoke token", err)
				return
			}
			a.audit(r, in, "pat_revoked", "")
			httpjson.Write(w, http.StatusOK, map[string]any{"revoked": true, "id": parts[2]})
			return
		}
	}
	fail(w, http.StatusNotFound, CodeNotFound, "no personal access token of this connection has that id")
}

func (a *API) audit(r *http.Request, in store.Installation, event, detail string) {
	err := a.o.Store.AppendAudit(r.Context(), store.AuditEvent{At: a.o.Now(), Event: event, Outcome: "ok",
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID, Detail: detail})
	if err != nil {
		a.o.Logger.Warn().Ctx(r.Context()).Err(err).Str("event", event).Msg("connections: audit event not stored")
	}
}

// sameToken compares a CSRF token in constant time.
func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
