package slackoauth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/oauth2"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// ExchangeFunc finishes a Slack callback for an Unclaimed handler: it exchanges the
// callback's code at Slack, checks that every scope in requiredScopes was
// granted (revoking an under-scoped token at Slack), seals the tokens,
// upserts the installation and writes the audit event, exactly as the
// browser flow does, but issues no personal access token and renders
// nothing. Errors carry a code for ErrorCode.
type ExchangeFunc func(ctx context.Context, requiredScopes []string) (store.Installation, error)

// Unclaimed is offered, by Callback, the Slack callbacks this service did
// not start. stateHash is the SHA-256 (hex) of the well-formed state
// Slack echoed back. It returns false, having written nothing, when the
// state is not its own either; the service then answers
// OAUTH_INVALID_STATE.
type Unclaimed func(w http.ResponseWriter, r *http.Request, stateHash string, exchange ExchangeFunc) (handled bool)

// ErrorCode returns the error code (CodeAccessDenied, CodeInvalidScope,
// CodeExchangeFailed, CodeInternal, ...) an ExchangeFunc failed with, or
// CodeInternal for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var fe *flowError
	if errors.As(err, &fe) {
		return fe.code
	}
	return CodeInternal
}

// exchangeFunc binds an ExchangeFunc to the callback request r.
func (s *Service) exchangeFunc(r *http.Request) ExchangeFunc {
	return func(ctx context.Context, required []string) (store.Installation, error) {
		q := r.URL.Query()
		res, ferr := s.install(ctx, q.Get("code"), q.Get("state"), q.Get("error"), required)
		who := store.AuditEvent{EnterpriseID: res.EnterpriseID, TeamID: res.TeamID, UserID: res.UserID}
		if ferr != nil {
			s.failed(r, ferr, who)
			return store.Installation{}, ferr
		}
		who.Event, who.Outcome, who.Detail = "oauth_completed", "ok", "flow=mcp"
		s.audit(r, who)
		return res.Installation, nil
	}
}

// SlackURL is Slack's base URL without a trailing slash (for CSP
// form-action on pages that lead to Slack).
func (s *Service) SlackURL() string { return s.slackBase }

// AuthorizeURL is Slack's authorize page asking for the user scopes
// (scopes; the configured UserScopes when empty) with state, redirecting
// back to this service's callback.
func (s *Service) AuthorizeURL(state string, scopes []string) string {
	if len(scopes) == 0 {
		scopes = s.o.UserScopes
	}
	// User scopes only: Slack's user_scope parameter, no bot scope.
	conf := oauth2.Config{
		ClientID:    s.o.ClientID,
		RedirectURL: s.o.RedirectURI,
		Endpoint:    oauth2.Endpoint{AuthURL: s.slackBase + "/oauth/v2/authorize"},
	}
	opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("user_scope", strings.Join(dedupe(scopes), ","))}
	if s.o.PKCE {
		opts = append(opts, oauth2.S256ChallengeOption(s.pkceVerifier(state)))
	}
	return conf.AuthCodeURL(state, opts...)
}

// CredentialsFor returns the Slack credentials of an active installation,
// refreshing a rotating Slack token that expires within ten minutes (one
// refresh at a time per installation). A revoked or unknown installation
// wraps authn.ErrRevokedToken; anything else is an outage.
func (s *Service) CredentialsFor(ctx context.Context, installationID string) (slackapi.Credentials, error) {
	in, err := s.activeInstallation(ctx, installationID)
	if err != nil {
		return slackapi.Credentials{}, err
	}
	now := s.o.Now()
	var access string
	if !in.TokenExpiresAt.IsZero() && in.TokenExpiresAt.Sub(now) < refreshWindow {
		access, err = s.refreshInstallation(ctx, in.ID)
	} else {
		access, err = s.open(in, in.AccessToken)
	}
	if err != nil {
		return slackapi.Credentials{}, err
	}
	s.resealOnUse(ctx, in)
	if s.touches.due("inst:"+in.ID, now) {
		if err := s.o.Store.TouchInstallation(ctx, in.ID, now); err != nil {
			s.o.Logger.Warn().Ctx(ctx).Err(err).Str("installation", in.ID).Msg("slackoauth: touching installation")
		}
	}
	return slackapi.Credentials{Token: access}, nil
}

// dedupe keeps the first occurrence of each value, in order.
func dedupe(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
