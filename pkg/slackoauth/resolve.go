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
			s.o.Logger.Warn().Err(err).Str("token", hash[:8]).Msg("slackoauth: touching personal access token")
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
// refreshing at Slack at most once at a time per installation in this
// process. Slack revokes a refresh token on use, so concurrent callers
// share one refresh; a caller arriving after it re-reads the stored row
// and finds the new token. (Replicas sharing one database would need a
// row lock in the store as well.)
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

func (s *Service) doRefresh(ctx context.Context, id string) (string, error) {
	in, err := s.activeInstallation(ctx, id)
	if err != nil {
		return "", err
	}
	now := s.o.Now()
	if in.TokenExpiresAt.IsZero() || in.TokenExpiresAt.Sub(now) >= refreshWindow {
		// Someone refreshed while we waited.
		return s.open(in, in.AccessToken)
	}
	if in.RefreshToken == "" {
		if now.Before(in.TokenExpiresAt) {
			return s.open(in, in.AccessToken)
		}
		return "", fmt.Errorf("slackoauth: installation %s: token expired and no refresh token: %w", id, authn.ErrRevokedToken)
	}
	rt, err := s.open(in, in.RefreshToken)
	if err != nil {
		return "", err
	}
	r, err := s.refreshToken(ctx, rt)
	if err != nil {
		code := slackCode(err)
		if deadRefresh(code) {
			if rerr := s.o.Store.RevokeInstallation(ctx, id, now); rerr != nil && !errors.Is(rerr, store.ErrNotFound) {
				s.o.Logger.Warn().Err(rerr).Str("installation", id).Msg("slackoauth: marking installation revoked")
			}
			s.o.Logger.Info().Str("installation", id).Str("error_code", code).Msg("slackoauth: Slack refused the refresh token; installation revoked")
			s.auditEvent(ctx, store.AuditEvent{Event: "token_revoked", Outcome: "refresh_" + code,
				EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID})
			return "", fmt.Errorf("slackoauth: installation %s: refresh refused (%s): %w", id, code, authn.ErrRevokedToken)
		}
		s.o.Logger.Warn().Str("installation", id).Str("error_code", code).Msg("slackoauth: token refresh failed")
		if now.Before(in.TokenExpiresAt) {
			// Still valid for a few minutes: serve it and retry later.
			return s.open(in, in.AccessToken)
		}
		if code != "" {
			err = fmt.Errorf("oauth.v2.access: %s", code)
		}
		return "", fmt.Errorf("slackoauth: refresh installation %s: %w", id, err)
	}
	aad := identityAAD(in)
	access, err := s.o.Keys.Seal([]byte(r.AccessToken), aad)
	if err != nil {
		return "", fmt.Errorf("slackoauth: seal refreshed token: %w", err)
	}
	refresh := in.RefreshToken
	if r.RefreshToken != "" {
		if refresh, err = s.o.Keys.Seal([]byte(r.RefreshToken), aad); err != nil {
			return "", fmt.Errorf("slackoauth: seal refreshed token: %w", err)
		}
	}
	if err := s.o.Store.UpdateTokens(ctx, id, access, refresh, r.ExpiresAt); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("slackoauth: installation %s: %w", id, authn.ErrRevokedToken)
		}
		return "", fmt.Errorf("slackoauth: store refreshed tokens of %s: %w", id, err)
	}
	s.auditEvent(ctx, store.AuditEvent{Event: "token_refreshed", Outcome: "ok",
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID})
	return r.AccessToken, nil
}

// auditEvent records an event outside an HTTP request.
func (s *Service) auditEvent(ctx context.Context, e store.AuditEvent) {
	e.At = s.o.Now()
	if err := s.o.Store.AppendAudit(ctx, e); err != nil {
		s.o.Logger.Warn().Err(err).Str("event", e.Event).Msg("slackoauth: writing audit event")
	}
}
