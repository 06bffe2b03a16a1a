package caller

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// RevokedFunc is told that Slack refused, with a definitive answer
// (slackCode is token_revoked, invalid_auth or account_inactive), the
// Slack credentials behind bearer, a token this server issued. It is
// expected to revoke the installation the token stands for, and
// everything built on it, so that the next authorization goes through
// Slack again instead of minting more tokens for a dead grant. creds are
// the credentials Slack refused: an installation whose token changed
// since (refresh, reinstall) is not known to be dead. It must not log
// bearer or creds. installationID is the installation whose credentials
// Slack refused when known (a token reaching several workspaces), else
// "": the token's own.
type RevokedFunc func(ctx context.Context, bearer, installationID string, creds slackapi.Credentials, slackCode string)

// revokedAtSlack reports Slack answers that say the grant itself is gone.
// Outages, rate limits, token_expired (a rotating token we failed to
// refresh in time) and not_authed (our bug) are not among them.
func revokedAtSlack(code string) bool {
	switch code {
	case "token_revoked", "invalid_auth", "account_inactive":
		return true
	}
	return false
}

// SlackRefused classifies Slack's refusal err of the credentials of g,
// resolved from bearer (token_revoked and account_inactive wrap
// authn.ErrRevokedToken, the rest authn.ErrInvalidToken) and, when it is
// definitive and bearer is a token we issued, tells Options.Revoked.
func (r *Resolver) SlackRefused(ctx context.Context, bearer string, g Grant, err error) error {
	code := slackapi.SlackErrorCode(err)
	kind := authn.ErrInvalidToken
	switch code {
	case "token_revoked", "account_inactive":
		kind = authn.ErrRevokedToken
	}
	if r.CanRevoke(bearer) && revokedAtSlack(code) {
		r.o.Revoked(ctx, bearer, g.InstallationID, g.Credentials, code)
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// CanRevoke reports whether a definitive refusal of bearer by Slack would
// revoke something: bearer is a token we issued and Options.Revoked is set.
func (r *Resolver) CanRevoke(bearer string) bool {
	return r.o.Revoked != nil && KindOf(bearer).Issued()
}

// Installations finds and revokes the installation behind a token we
// issued: pkg/slackoauth (personal access tokens, RevokeRefused) and
// pkg/oauthserver (access tokens) implement its parts.
type Installations interface {
	PATInstallation(ctx context.Context, token string) (string, error)
	RevokeRefused(ctx context.Context, installationID, refusedToken, slackCode string) (bool, error)
}

// AccessTokenInstallations finds the installation behind an access token.
type AccessTokenInstallations interface {
	AccessTokenInstallation(ctx context.Context, token string) (string, error)
}

// Revoker revokes, in OAuth mode, the installation behind a token we
// issued once Slack refused its token for good; its Revoke method is
// Options.Revoked.
type Revoker struct {
	Installations Installations
	AccessTokens  AccessTokenInstallations // nil: access tokens are not revoked
	Logger        zerolog.Logger
}

// Revoke implements RevokedFunc.
func (v Revoker) Revoke(ctx context.Context, bearer, installationID string, creds slackapi.Credentials, code string) {
	id := installationID
	var err error
	switch KindOf(bearer) {
	case PersonalAccessToken:
		if id == "" {
			id, err = v.Installations.PATInstallation(ctx, bearer)
		}
	case AccessToken:
		if v.AccessTokens == nil {
			return
		}
		if id == "" {
			id, err = v.AccessTokens.AccessTokenInstallation(ctx, bearer)
		}
	default:
		return
	}
	if err == nil {
		_, err = v.Installations.RevokeRefused(ctx, id, creds.Token, code)
	}
	if err != nil {
		v.Logger.Warn().Ctx(ctx).Err(err).Str("token", tenant.Fingerprint(bearer)).Str("error_code", code).Msg("installation refused by Slack not revoked")
	}
}
