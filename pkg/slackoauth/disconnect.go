package slackoauth

import (
	"context"
	"errors"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Disconnect ends an installation: Slack's auth.revoke first, best
// effort (a person can always disconnect, whatever Slack answers), then
// locally, atomically: sealed tokens cleared, every token we issued for it
// dead at once. Disconnecting a revoked installation succeeds. The caller
// audits.
func (s *Service) Disconnect(ctx context.Context, in store.Installation) error {
	if in.Status == store.StatusActive && in.AccessToken != "" {
		if tok, err := s.o.Keys.Open(in.AccessToken, identityAAD(in)); err != nil {
			s.o.Logger.Warn().Ctx(ctx).Err(err).Str("installation", in.ID).Msg("slackoauth: disconnect: cannot open sealed token")
		} else {
			rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			if err := s.revokeAtSlack(rctx, string(tok)); err != nil {
				s.o.Logger.Warn().Ctx(ctx).Str("installation", in.ID).Str("error_code", slackCode(err)).Msg("slackoauth: auth.revoke at Slack failed; revoking locally")
			}
			cancel()
		}
	}
	if err := s.o.Store.RevokeInstallation(ctx, in.ID, s.o.Now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}
