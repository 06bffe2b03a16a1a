package oauthserver

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// The Server is what pkg/caller asks about access tokens.
var (
	_ caller.AccessTokenResolver      = (*Server)(nil)
	_ caller.AccessTokenInstallations = (*Server)(nil)
)

// ResolveAccessToken implements caller.AccessTokenResolver: it maps one of our access tokens to its grant and the
// installation's Slack credentials. Malformed, unknown, expired and
// refresh tokens, and tokens for another audience, wrap
// authn.ErrInvalidToken; a revoked installation wraps
// authn.ErrRevokedToken; any other error is an outage. The token never
// appears in an error.
func (s *Server) ResolveAccessToken(ctx context.Context, token string) (caller.Grant, error) {
	t, err := s.accessToken(ctx, token)
	if err != nil {
		return caller.Grant{}, err
	}
	return s.grantIn(ctx, t, t.InstallationID)
}

// grantIn is the grant of access token t in installationID: its Slack
// credentials (refreshed when due), t's scopes; the use is recorded for
// the connections page.
func (s *Server) grantIn(ctx context.Context, t store.Token, installationID string) (caller.Grant, error) {
	creds, err := s.o.Slack.CredentialsFor(ctx, installationID)
	if err != nil {
		return caller.Grant{}, fmt.Errorf("oauthserver: access token %s: %w", fp(t.Hash), err)
	}
	if s.o.UsedBy != nil {
		if err := s.o.UsedBy(ctx, installationID, t.ClientID); err != nil {
			s.o.Logger.Warn().Ctx(ctx).Err(err).Msg("oauthserver: recording the client's use")
		}
	}
	return caller.Grant{
		Credentials:    creds,
		Scopes:         s.grantable(splitScope(t.Scope)),
		ClientID:       t.ClientID,
		Resource:       t.Resource,
		InstallationID: installationID,
	}, nil
}

// AccessTokenInstallation returns the installation a valid access token
// of ours stands for, without touching Slack (for revoking it when Slack
// refuses its token). Anything but a valid access token wraps
// authn.ErrInvalidToken.
func (s *Server) AccessTokenInstallation(ctx context.Context, token string) (string, error) {
	t, err := s.accessToken(ctx, token)
	if errors.Is(err, authn.ErrRevokedToken) {
		return "", fmt.Errorf("oauthserver: access token: %w", authn.ErrInvalidToken)
	}
	return t.InstallationID, err
}
