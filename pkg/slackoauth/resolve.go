package slackoauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// The Service is what pkg/caller asks about personal access tokens and
// the installations behind them.
var (
	_ caller.PATResolver   = (*Service)(nil)
	_ caller.Installations = (*Service)(nil)
)

// ResolvePAT implements caller.PATResolver: it maps a personal access
// token we issued to the Slack credentials of its installation,
// refreshing a rotating Slack token that expires within ten minutes (one
// refresh at a time per installation). Unknown or malformed tokens wrap
// authn.ErrInvalidToken; revoked installations wrap authn.ErrRevokedToken;
// anything else is an outage, not the caller's fault.
func (s *Service) ResolvePAT(ctx context.Context, token string) (slackapi.Credentials, error) {
	hash, err := parsePAT(token)
	if err != nil {
		return slackapi.Credentials{}, fmt.Errorf("slackoauth: personal access token: %w", authn.ErrInvalidToken)
	}
	pat, err := s.o.Store.GetPAT(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// The store answers ErrNotFound for unknown and revoked tokens
		// alike.
		return slackapi.Credentials{}, fmt.Errorf("slackoauth: personal access token %s: %w", hash[:8], authn.ErrInvalidToken)
	case err != nil:
		return slackapi.Credentials{}, fmt.Errorf("slackoauth: look up personal access token %s: %w", hash[:8], err)
	case !pat.RevokedAt.IsZero():
		return slackapi.Credentials{}, fmt.Errorf("slackoauth: personal access token %s: %w", hash[:8], authn.ErrRevokedToken)
	}
	creds, err := s.CredentialsFor(ctx, pat.InstallationID)
	if err != nil {
		return slackapi.Credentials{}, err
	}
	if now := s.o.Now(); s.touches.due("pat:"+hash, now) {
		if err := s.o.Store.TouchPAT(ctx, hash, now); err != nil {
			s.o.Logger.Warn().Ctx(ctx).Err(err).Str("token", hash[:8]).Msg("slackoauth: touching personal access token")
		}
	}
	return creds, nil
}

// activeInstallation loads an installation and refuses revoked ones.
func (s *Service) activeInstallation(ctx context.Context, id string) (store.Installation, error) {
	in, err := s.o.Store.GetInstallation(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Installation{}, fmt.Errorf("slackoauth: installation %s: %w", id, authn.ErrRevokedToken)
	case err != nil:
		return store.Installation{}, fmt.Errorf("slackoauth: load installation %s: %w", id, err)
	case in.Status != store.StatusActive || in.AccessToken == "":
		return store.Installation{}, fmt.Errorf("slackoauth: installation %s is %s: %w", id, in.Status, authn.ErrRevokedToken)
	}
	return in, nil
}

// open unseals one of in's tokens.
func (s *Service) open(in store.Installation, sealed string) (string, error) {
	b, err := s.o.Keys.Open(sealed, identityAAD(in))
	if err != nil {
		return "", fmt.Errorf("slackoauth: open sealed token of installation %s: %w", in.ID, err)
	}
	return string(b), nil
}

// refreshInstallation returns a fresh access token for installation id,
// refreshing at Slack at most once at a time per installation: callers in
// this process share one flight, and replicas sharing a database queue on
// the installation's row (store.RefreshTokens). Slack revokes a refresh
// token on use, so a caller arriving after a refresh finds the new token
// in the row instead of spending the old one.
func (s *Service) refreshInstallation(ctx context.Context, id string) (string, error) {
	ch := s.refresh.DoChan(id, func() (any, error) {
		// Detached from the first caller's cancellation: the refresh
		// token is spent once the request leaves, so see it through.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return s.doRefresh(rctx, id)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// deadRefreshError is Slack's definitive refusal of a refresh token, met with
// the installation's row locked; it is acted on once the lock is released.
type deadRefreshError struct{ code string }

func (e deadRefreshError) Error() string { return "refresh refused (" + e.code + ")" }

// doRefresh refreshes installation id through the store's RefreshTokens,
// so of the replicas sharing a database one calls Slack (which spends the
// refresh token) and the others, queued on the row, see its new token.
func (s *Service) doRefresh(ctx context.Context, id string) (string, error) {
	var fresh string // the new access token, when this call refreshed
	in, err := s.o.Store.RefreshTokens(ctx, id, func(in store.Installation) (store.TokenUpdate, error) {
		keep := store.TokenUpdate{Keep: true}
		now := s.o.Now()
		switch {
		case in.AccessToken == "":
			return keep, fmt.Errorf("slackoauth: installation %s has no token: %w", id, authn.ErrRevokedToken)
		case in.TokenExpiresAt.IsZero() || in.TokenExpiresAt.Sub(now) >= refreshWindow:
			return keep, nil // refreshed by someone else while we waited
		case in.RefreshToken == "":
			if now.Before(in.TokenExpiresAt) {
				return keep, nil
			}
			return keep, fmt.Errorf("slackoauth: installation %s: token expired and no refresh token: %w", id, authn.ErrRevokedToken)
		}
		rt, err := s.open(in, in.RefreshToken)
		if err != nil {
			return keep, err
		}
		r, err := s.refreshToken(ctx, rt)
		if err != nil {
			code := slackCode(err)
			if deadRefresh(code) {
				return keep, deadRefreshError{code: code}
			}
			s.o.Logger.Warn().Ctx(ctx).Str("installation", id).Str("error_code", code).Msg("slackoauth: token refresh failed")
			if now.Before(in.TokenExpiresAt) {
				return keep, nil // still valid for a few minutes: serve it, retry later
			}
			if code != "" {
				err = fmt.Errorf("oauth.v2.access: %s", code)
			}
			return keep, fmt.Errorf("slackoauth: refresh installation %s: %w", id, err)
		}
		aad := identityAAD(in)
		u := store.TokenUpdate{RefreshToken: in.RefreshToken, ExpiresAt: r.ExpiresAt}
		if u.AccessToken, err = s.o.Keys.Seal([]byte(r.AccessToken), aad); err != nil {
			return keep, fmt.Errorf("slackoauth: seal refreshed token: %w", err)
		}
		if r.RefreshToken != "" {
			if u.RefreshToken, err = s.o.Keys.Seal([]byte(r.RefreshToken), aad); err != nil {
				return keep, fmt.Errorf("slackoauth: seal refreshed token: %w", err)
			}
		}
		fresh = r.AccessToken
		return u, nil
	})
	var dead deadRefreshError
	switch {
	case errors.As(err, &dead):
		return "", s.refreshRefused(ctx, id, dead.code)
	case errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("slackoauth: installation %s: %w", id, authn.ErrRevokedToken)
	case err != nil:
		s.setFailure(ctx, id, "refresh_failed")
		return "", err
	case fresh != "":
		s.setFailure(ctx, id, "")
		s.auditEvent(ctx, store.AuditEvent{Event: "token_refreshed", Outcome: "ok",
			EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID})
		return fresh, nil
	}
	return s.open(in, in.AccessToken)
}

// setFailure tells Options.Failures (code "" clears); a failure to
// record is logged, never the caller's problem.
func (s *Service) setFailure(ctx context.Context, id, code string) {
	if s.o.Failures == nil {
		return
	}
	if err := s.o.Failures.SetFailure(ctx, id, code, s.o.Now()); err != nil {
		s.o.Logger.Warn().Ctx(ctx).Err(err).Str("installation", id).Msg("slackoauth: recording the installation's failure")
	}
}

// refreshRefused revokes an installation whose refresh token Slack
// refused for good, and says so.
func (s *Service) refreshRefused(ctx context.Context, id, code string) error {
	in, _ := s.o.Store.GetInstallation(ctx, id)
	if err := s.o.Store.RevokeInstallation(ctx, id, s.o.Now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.o.Logger.Warn().Ctx(ctx).Err(err).Str("installation", id).Msg("slackoauth: marking installation revoked")
	}
	s.o.Logger.Info().Ctx(ctx).Str("installation", id).Str("error_code", code).Msg("slackoauth: Slack refused the refresh token; installation revoked")
	s.auditEvent(ctx, store.AuditEvent{Event: "token_revoked", Outcome: "refresh_" + code,
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID})
	return fmt.Errorf("slackoauth: installation %s: refresh refused (%s): %w", id, code, authn.ErrRevokedToken)
}

// auditEvent records an event outside an HTTP request.
func (s *Service) auditEvent(ctx context.Context, e store.AuditEvent) {
	e.At = s.o.Now()
	s.o.Metrics.Audit(e.Event, e.Outcome)
	if err := s.o.Store.AppendAudit(ctx, e); err != nil {
		s.o.Logger.Warn().Ctx(ctx).Err(err).Str("event", e.Event).Msg("slackoauth: writing audit event")
	}
}
