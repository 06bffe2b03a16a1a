package oauthserver

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// AccessTokenInstallation finds the installation behind a valid access
// token (for revoking it when Slack refuses its token, finding 5), and
// nothing for anything else.
func TestAccessTokenInstallation(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		ctx := context.Background()
		clientID := h.publicClient()
		tok := h.tokens(clientID)
		at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
		g, err := h.as.ResolveAccessToken(ctx, at)
		require.NoError(t, err)
		id, err := h.as.AccessTokenInstallation(ctx, at)
		require.NoError(t, err)
		require.Equal(t, g.InstallationID, id)

		for _, bad := range []string{"", "xoxp-123", "mcp_at_short", tenant.AccessTokenPrefix + newRandom(), rt, strings.Replace(rt, "mcp_rt_", "mcp_at_", 1)} {
			_, err := h.as.AccessTokenInstallation(ctx, bad)
			require.ErrorIs(t, err, authn.ErrInvalidToken, "%.12q", bad)
		}
		require.NoError(t, h.store.RevokeInstallation(ctx, id, h.clock.Now()))
		_, err = h.as.AccessTokenInstallation(ctx, at)
		require.ErrorIs(t, err, authn.ErrInvalidToken, "revoked with its installation")
	})
}
