package oauthserver

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
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
	hash, err := s.parseToken(token, tenant.AccessTokenPrefix)
	if err != nil {
		return caller.Grant{}, fmt.Errorf("oauthserver: access token: %w", authn.ErrInvalidToken)
	}
	t, err := s.o.Store.GetToken(ctx, hash, s.o.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Unknown, expired, revoked, or its installation revoked: the
		// store does not tell them apart.
		return caller.Grant{}, fmt.Errorf("oauthserver: access token %s: %w", fp(hash), authn.ErrInvalidToken)
	case err != nil:
		return caller.Grant{}, fmt.Errorf("oauthserver: look up access token %s: %w", fp(hash), err)
	case !t.RevokedAt.IsZero():
		return caller.Grant{}, fmt.Errorf("oauthserver: access token %s: %w", fp(hash), authn.ErrRevokedToken)
	case t.Kind != store.TokenAccess:
		return caller.Grant{}, fmt.Errorf("oauthserver: token %s is not an access token: %w", fp(hash), authn.ErrInvalidToken)
	case !s.ourResource(t.Resource):
		return caller.Grant{}, fmt.Errorf("oauthserver: access token %s is for another resource: %w", fp(hash), authn.ErrInvalidToken)
	}
	creds, err := s.o.Slack.CredentialsFor(ctx, t.InstallationID)
	if err != nil {
		return caller.Grant{}, fmt.Errorf("oauthserver: access token %s: %w", fp(hash), err)
	}
	if s.o.UsedBy != nil {
		if err := s.o.UsedBy(ctx, t.InstallationID, t.ClientID); err != nil {
			s.o.Logger.Warn().Ctx(ctx).Err(err).Msg("oauthserver: recording the client's use")
		}
	}
	return caller.Grant{
		Credentials:    creds,
		Scopes:         s.grantable(splitScope(t.Scope)),
		ClientID:       t.ClientID,
		Resource:       t.Resource,
		InstallationID: t.InstallationID,
	}, nil
}

// AccessTokenInstallation returns the installation a valid access token
// of ours stands for, without touching Slack (for revoking it when Slack
// refuses its token). Anything but a valid access token wraps
// authn.ErrInvalidToken.
func (s *Server) AccessTokenInstallation(ctx context.Context, token string) (string, error) {
	hash, err := s.parseToken(token, tenant.AccessTokenPrefix)
	if err != nil {
		return "", fmt.Errorf("oauthserver: access token: %w", authn.ErrInvalidToken)
	}
	t, err := s.o.Store.GetToken(ctx, hash, s.o.Now())
	switch {
	case errors.Is(err, store.ErrNotFound), err == nil && (!t.RevokedAt.IsZero() || t.Kind != store.TokenAccess):
		return "", fmt.Errorf("oauthserver: access token %s: %w", fp(hash), authn.ErrInvalidToken)
	case err != nil:
		return "", fmt.Errorf("oauthserver: look up access token %s: %w", fp(hash), err)
	}
	return t.InstallationID, nil
}
