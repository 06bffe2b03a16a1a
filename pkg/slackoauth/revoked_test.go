package slackoauth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Finding 5: Slack refusing an installation's token for good revokes the
// installation and its personal access tokens, once, with an audit
// event; a refusal of a token the installation no longer holds does not.
func TestRevokeRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	pat := patOf(t, h.connect(h.browser, "").Body)
	id, err := h.svc.PATInstallation(ctx, pat)
	require.NoError(t, err)
	creds, err := h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)

	for _, bad := range []string{"smcp_short", "xoxp-not-ours", tenant.PATPrefix + newRandom()} {
		_, err := h.svc.PATInstallation(ctx, bad)
		require.ErrorIs(t, err, authn.ErrInvalidToken, bad)
	}

	revoked, err := h.svc.RevokeRefused(ctx, id, "xoxp-an-older-token", "token_revoked")
	require.NoError(t, err)
	require.False(t, revoked, "the installation holds another token now")
	_, err = h.svc.ResolvePAT(ctx, pat)
	require.NoError(t, err)

	revoked, err = h.svc.RevokeRefused(ctx, id, creds.Token, "token_revoked")
	require.NoError(t, err)
	require.True(t, revoked)
	in, err := h.store.GetInstallation(ctx, id)
	require.NoError(t, err)
	require.Equal(t, store.StatusRevoked, in.Status)
	_, err = h.svc.ResolvePAT(ctx, pat)
	require.True(t, isRefusal(err), "%v", err)
	_, err = h.svc.PATInstallation(ctx, pat)
	require.ErrorIs(t, err, authn.ErrInvalidToken)

	revoked, err = h.svc.RevokeRefused(ctx, id, creds.Token, "token_revoked")
	require.NoError(t, err)
	require.False(t, revoked, "once")
	events, err := h.store.ListAudit(ctx, store.AuditFilter{Event: "token_revoked"})
	require.NoError(t, err)
	require.Len(t, events, 1)
	require.Equal(t, "slack_token_revoked", events[0].Outcome)
	require.Equal(t, testUser, events[0].UserID)
	require.NotContains(t, events[0].Detail, "xox")

	// Connecting again goes through Slack and works.
	pat2 := patOf(t, h.connect(h.browser, "").Body)
	_, err = h.svc.ResolvePAT(ctx, pat2)
	require.NoError(t, err)
}

// Finding 5, rotation: Slack refusing the refresh token revokes the
// installation with an audit event, for each definitive answer; an outage
// does not.
func TestRefreshRefusedRevokes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code    string
		revoked bool
	}{
		{"invalid_refresh_token", true},
		{"token_revoked", true},
		{"internal_error", false},
		{"ratelimited", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			h := newHarness(t, withApp(slackemu.OAuthApp{TokenRotation: true, TokenTTL: time.Hour}))
			pat := patOf(t, h.connect(h.browser, "").Body)
			h.clock.Advance(55 * time.Minute)
			h.emu.FailNextWith("oauth.v2.access", tc.code, 1)
			_, err := h.svc.ResolvePAT(ctx, pat)
			in, ferr := h.store.FindInstallation(ctx, "", testTeam, testUser)
			require.NoError(t, ferr)
			events, aerr := h.store.ListAudit(ctx, store.AuditFilter{Event: "token_revoked"})
			require.NoError(t, aerr)
			if !tc.revoked {
				require.NoError(t, err, "still valid for five minutes")
				require.Equal(t, store.StatusActive, in.Status)
				require.Empty(t, events)
				return
			}
			require.ErrorIs(t, err, authn.ErrRevokedToken)
			require.Equal(t, store.StatusRevoked, in.Status)
			require.Len(t, events, 1)
			require.Equal(t, "refresh_"+tc.code, events[0].Outcome)
		})
	}
}

func isRefusal(err error) bool {
	return err != nil && (errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken))
}
