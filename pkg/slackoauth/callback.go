package slackoauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// flowError is a failure of the callback with the code the browser sees;
// err (never shown) is for the log.
type flowError struct {
	code string
	err  error
	// handoff is the state hash when the state was well-formed but not
	// one of our pending authorizations (an Unclaimed may own it).
	handoff string
}

func (e *flowError) Error() string { return e.code + ": " + fmt.Sprint(e.err) }

func fail(code string, err error) *flowError { return &flowError{code: code, err: err} }

// handleCallback finishes the flow Slack redirected back to; other (may
// be nil) is offered the callbacks this service did not start.
func (s *Service) handleCallback(w http.ResponseWriter, r *http.Request, other Unclaimed) {
	// The cookie has done its job whatever happens next.
	http.SetCookie(w, s.bindingCookie("", -1))

	q := r.URL.Query()
	pending, ferr := s.consume(r)
	if ferr != nil && ferr.handoff != "" && other != nil {
		// Not one of our pending rows: maybe the MCP authorization
		// server's transaction.
		if other(w, r, ferr.handoff, s.exchangeFunc(r)) {
			return
		}
	}
	if ferr != nil {
		// No trusted return_url is known (or the browser is not the one
		// that started the flow): our own error page, never a redirect.
		s.failed(r, ferr, store.AuditEvent{})
		respondError(w, r, ferr.code, true)
		return
	}

	res, ferr := s.complete(r.Context(), pending, q.Get("code"), q.Get("state"), q.Get("error"))
	if ferr != nil {
		s.failed(r, ferr, store.AuditEvent{EnterpriseID: res.EnterpriseID, TeamID: res.TeamID, UserID: res.UserID})
		if pending.ReturnURL != "" {
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Referrer-Policy", "no-referrer")
			http.Redirect(w, r, withQuery(pending.ReturnURL, "status", "error", "error", ferr.code), http.StatusFound)
			return
		}
		respondError(w, r, ferr.code, true)
		return
	}
	took := s.o.Now().Sub(pending.CreatedAt)
	// ms= lets the admin page report login times from the audit log.
	s.audit(r, store.AuditEvent{Event: "oauth_completed", Outcome: "ok", Detail: "ms=" + strconv.FormatInt(took.Milliseconds(), 10),
		EnterpriseID: res.EnterpriseID, TeamID: res.TeamID, UserID: res.UserID})
	s.o.Metrics.LoginCompleted("browser", took)

	if s.o.SignedIn != nil {
		// Best effort: the connection is made; only the browser session
		// for the connections page is missing.
		if err := s.o.SignedIn(w, r, res.ID); err != nil {
			s.o.Logger.Warn().Ctx(r.Context()).Err(err).Msg("slackoauth: starting the browser session")
		}
	}
	page := successPage{
		Workspace:  res.workspaceName(),
		TeamID:     res.TeamID,
		Enterprise: res.EnterpriseID,
		UserID:     res.UserID,
		UserName:   res.UserName,
		OrgInstall: res.IsEnterpriseInstall,
		PAT:        res.pat,
		MCPURL:     s.publicBase + "/mcp",
		RevokeURL:  s.publicBase + "/oauth/revoke",
	}
	if pending.ReturnURL != "" {
		page.ContinueURL = withQuery(pending.ReturnURL, "status", "success")
	}
	s.renderSuccessPage(w, page)
}

// consume checks the state and the browser binding, consuming the
// pending authorization whatever the outcome so it works once.
func (s *Service) consume(r *http.Request) (store.Pending, *flowError) {
	stateHash, err := parseState(r.URL.Query().Get("state"))
	if err != nil {
		return store.Pending{}, fail(CodeInvalidState, errors.New("malformed state"))
	}
	p, err := s.o.Store.ConsumePending(r.Context(), stateHash, s.o.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		ferr := fail(CodeInvalidState, errors.New("unknown, expired or used state"))
		ferr.handoff = stateHash
		return store.Pending{}, ferr
	case err != nil:
		return store.Pending{}, fail(CodeInternal, fmt.Errorf("consume pending: %w", err))
	}
	c, err := r.Cookie(s.cookieName)
	if err != nil || c.Value == "" {
		return store.Pending{}, fail(CodeInvalidState, errors.New("no browser binding cookie"))
	}
	if subtle.ConstantTimeCompare([]byte(hashHex(c.Value)), []byte(p.NonceHash)) != 1 {
		return store.Pending{}, fail(CodeInvalidState, errors.New("browser binding cookie does not match"))
	}
	return p, nil
}

// completed is a finished installation plus the PAT shown once.
type completed struct {
	store.Installation
	EnterpriseName string
	pat            string
}

func (c completed) workspaceName() string {
	switch {
	case c.TeamName != "":
		return c.TeamName
	case c.EnterpriseName != "":
		return c.EnterpriseName
	case c.TeamID != "":
		return c.TeamID
	default:
		return c.EnterpriseID
	}
}

// complete exchanges the code, checks scopes, seals and stores the grant
// and issues a personal access token. On failure the returned value still
// names whoever Slack said it was, for the audit log.
func (s *Service) complete(ctx context.Context, p store.Pending, code, state, slackErr string) (completed, *flowError) {
	required := p.Scopes
	if len(required) == 0 {
		required = s.o.UserScopes
	}
	done, ferr := s.install(ctx, code, state, slackErr, required)
	if ferr != nil {
		return done, ferr
	}
	pat := newPAT()
	if err := s.o.Store.CreatePAT(ctx, store.PAT{Hash: hashHex(pat), InstallationID: done.ID, CreatedAt: s.o.Now()}); err != nil {
		return done, fail(CodeInternal, fmt.Errorf("create personal access token: %w", err))
	}
	done.pat = pat
	return done, nil
}

// install exchanges the code (with the PKCE verifier of state's flow when
// Options.PKCE is set), checks that Slack granted every scope in
// required, seals the tokens and upserts the installation. On failure the
// returned value still names whoever Slack said it was, for the audit log.
func (s *Service) install(ctx context.Context, code, state, slackErr string, required []string) (completed, *flowError) {
	switch {
	case slackErr == "access_denied":
		return completed{}, fail(CodeAccessDenied, errors.New("user denied consent"))
	case slackErr == "invalid_scope":
		return completed{}, fail(CodeInvalidScope, errors.New("slack refused the requested scopes"))
	case slackErr != "":
		return completed{}, fail(CodeExchangeFailed, fmt.Errorf("slack redirected with error %.40q", slackErr))
	case code == "" || len(code) > 512:
		return completed{}, fail(CodeExchangeFailed, errors.New("no usable code in callback"))
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	g, err := s.exchange(ctx, code, state)
	if err != nil {
		if c := slackCode(err); c != "" {
			err = fmt.Errorf("oauth.v2.access: %s", c)
		}
		return completed{}, fail(CodeExchangeFailed, err)
	}
	who := completed{Installation: store.Installation{EnterpriseID: g.EnterpriseID, TeamID: g.TeamID, UserID: g.UserID}}
	if g.IsEnterpriseInstall {
		// Org-wide install: recorded by enterprise ID, team empty.
		who.TeamID = ""
	}
	if missing := missingScopes(required, g.Scopes); len(missing) > 0 {
		if err := s.revokeAtSlack(ctx, g.AccessToken); err != nil {
			s.o.Logger.Warn().Ctx(ctx).Str("error_code", slackCode(err)).Msg("slackoauth: revoking an under-scoped token failed")
		}
		return who, fail(CodeInvalidScope, fmt.Errorf("missing scopes %s", strings.Join(missing, ",")))
	}

	in := who.Installation
	in.TeamName = g.TeamName
	if in.UserName = s.userName(ctx, g); in.UserName == "" {
		// The lookup failed: keep the name an earlier login read.
		if old, err := s.o.Store.FindInstallation(ctx, in.EnterpriseID, in.TeamID, in.UserID); err == nil {
			in.UserName = old.UserName
		}
	}
	in.IsEnterpriseInstall = g.IsEnterpriseInstall
	in.Scopes = g.Scopes
	in.TokenExpiresAt = g.ExpiresAt
	in.Status = store.StatusActive
	now := s.o.Now()
	in.InstalledAt, in.LastUsedAt = now, now
	aad := identityAAD(in)
	if in.AccessToken, err = s.o.Keys.Seal([]byte(g.AccessToken), aad); err != nil {
		return who, fail(CodeInternal, fmt.Errorf("seal access token: %w", err))
	}
	if g.RefreshToken != "" {
		if in.RefreshToken, err = s.o.Keys.Seal([]byte(g.RefreshToken), aad); err != nil {
			return who, fail(CodeInternal, fmt.Errorf("seal refresh token: %w", err))
		}
	}
	stored, err := s.o.Store.UpsertInstallation(ctx, in)
	if err != nil {
		return who, fail(CodeInternal, fmt.Errorf("upsert installation: %w", err))
	}
	s.setFailure(ctx, stored.ID, "") // signed in again: whatever failed works now
	return completed{Installation: stored, EnterpriseName: g.EnterpriseName}, nil
}

// identityAAD binds a sealed token to its installation, so ciphertexts
// cannot be swapped between rows.
func identityAAD(in store.Installation) []byte {
	return []byte(in.EnterpriseID + "|" + in.TeamID + "|" + in.UserID)
}

// failed logs and audits a failed callback.
func (s *Service) failed(r *http.Request, ferr *flowError, e store.AuditEvent) {
	s.o.Logger.Info().Ctx(r.Context()).Str("code", ferr.code).Str("reason", fmt.Sprint(ferr.err)).Msg("slackoauth: callback failed")
	e.Event, e.Outcome, e.Detail = "oauth_failed", ferr.code, ""
	s.audit(r, e)
}
