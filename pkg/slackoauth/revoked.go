package slackoauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// PATInstallation returns the installation a valid personal access token
// belongs to, without touching Slack. Unknown, revoked and malformed
// tokens wrap authn.ErrInvalidToken.
func (s *Service) PATInstallation(ctx context.Context, token string) (string, error) {
	hash, err := parsePAT(token)
	if err != nil {
		return "", fmt.Errorf("slackoauth: personal access token: %w", authn.ErrInvalidToken)
	}
	pat, err := s.o.Store.GetPAT(ctx, hash)
	switch {
	case errors.Is(err, store.ErrNotFound), err == nil && !pat.RevokedAt.IsZero():
		return "", fmt.Errorf("slackoauth: personal access token %s: %w", hash[:8], authn.ErrInvalidToken)
	case err != nil:
		return "", fmt.Errorf("slackoauth: look up personal access token %s: %w", hash[:8], err)
	}
	return pat.InstallationID, nil
}

// RevokeRefused revokes installation id because Slack refused its token
// for good (slackCode: token_revoked, invalid_auth, account_inactive; the
// caller decides what is definitive). Revoking the installation revokes
// its personal access tokens and everything the authorization server
// built on it (store.RevokeInstallation), so no remembered consent can
// mint tokens for the dead grant: the next authorization goes through
// Slack. refusedToken is the Slack token Slack refused: when the stored
// token is another one (refreshed or reinstalled since), nothing is known
// about it and nothing is revoked. It reports whether it revoked.
func (s *Service) RevokeRefused(ctx context.Context, id, refusedToken, slackCode string) (bool, error) {
	in, err := s.o.Store.GetInstallation(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("slackoauth: load installation %s: %w", id, err)
	case in.Status != store.StatusActive || in.AccessToken == "":
		return false, nil // already revoked
	}
	current, err := s.o.Keys.Open(in.AccessToken, identityAAD(in))
	if err != nil {
		return false, fmt.Errorf("slackoauth: open sealed token of installation %s: %w", id, err)
	}
	if refusedToken == "" || subtle.ConstantTimeCompare(current, []byte(refusedToken)) != 1 {
		s.o.Logger.Info().Ctx(ctx).Str("installation", id).Str("error_code", slackCode).Msg("slackoauth: Slack refused a token this installation no longer holds; kept")
		return false, nil
	}
	if err := s.o.Store.RevokeInstallation(ctx, id, s.o.Now()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return false, fmt.Errorf("slackoauth: revoke installation %s: %w", id, err)
	}
	s.o.Logger.Info().Ctx(ctx).Str("installation", id).Str("error_code", slackCode).Msg("slackoauth: Slack refused the installation's token; installation revoked")
	s.auditEvent(ctx, store.AuditEvent{Event: "token_revoked", Outcome: "slack_" + slackCode,
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID})
	return true, nil
}
