package main

import (
	"context"
	"strings"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/oauthserver"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// revokeRefused is provider.MultiOptions.Revoked in OAuth mode: it finds
// the installation behind the bearer token (a personal access token or an
// access token of our authorization server) and revokes it, with
// everything built on it, because Slack refused its token for good. The
// provider must not import either package, so the join is here.
func revokeRefused(oauth *slackoauth.Service, as *oauthserver.Server, log zerolog.Logger) provider.RevokedFunc {
	return func(ctx context.Context, bearer string, creds slackapi.Credentials, code string) {
		fp := provider.CallerKey(bearer)[:12]
		var id string
		var err error
		switch {
		case strings.HasPrefix(bearer, tenant.PATPrefix):
			id, err = oauth.PATInstallation(ctx, bearer)
		case strings.HasPrefix(bearer, tenant.AccessTokenPrefix):
			id, err = as.AccessTokenInstallation(ctx, bearer)
		default:
			return
		}
		if err == nil {
			_, err = oauth.RevokeRefused(ctx, id, creds.Token, code)
		}
		if err != nil {
			log.Warn().Err(err).Str("token", fp).Str("error_code", code).Msg("installation refused by Slack not revoked")
		}
	}
}
