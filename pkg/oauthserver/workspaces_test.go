package oauthserver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// An access token reaches its own installation and, of the same person's
// others, only the active ones where its client holds an unrevoked
// consent covering the token's scopes: links alone grant nothing.
func TestAccessTokenWorkspaces(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		var person []store.Installation
		h := newHarness(t, kind, func(o *hopts) {
			o.mod = func(o *Options) {
				o.PersonInstallations = func(context.Context, string) ([]store.Installation, error) { return person, nil }
			}
		})
		ctx := context.Background()
		clientID := h.publicClient()
		at := h.tokens(clientID)["access_token"].(string)
		own, err := h.as.AccessTokenInstallation(ctx, at)
		require.NoError(t, err)
		ownIn, err := h.store.GetInstallation(ctx, own)
		require.NoError(t, err)

		add := func(team string, consentScope string, revoked, inactive bool) store.Installation {
			in, err := h.store.UpsertInstallation(ctx, store.Installation{TeamID: team, TeamName: "Team " + team, UserID: "U0SAME",
				Scopes: readScopes, AccessToken: "sealed-" + team, InstalledAt: h.clock.Now()})
			require.NoError(t, err)
			if consentScope != "" {
				c := storeConsent(in.ID, clientID, consentScope)
				c.GrantedAt = h.clock.Now()
				require.NoError(t, h.store.PutConsent(ctx, c))
				if revoked {
					require.NoError(t, h.store.RevokeConsent(ctx, in.ID, clientID, h.clock.Now()))
				}
			}
			if inactive {
				require.NoError(t, h.store.RevokeInstallation(ctx, in.ID, h.clock.Now()))
				in.Status = store.StatusRevoked
			}
			return in
		}
		consented := add("T0B", ScopeRead, false, false)
		wider := add("T0C", ScopeWrite, false, false) // write implies read
		revoked := add("T0D", ScopeRead, true, false)
		none := add("T0E", "", false, false)
		gone := add("T0F", ScopeRead, false, true)
		person = []store.Installation{none, ownIn, consented, revoked, wider, gone}

		list, err := h.as.AccessTokenWorkspaces(ctx, at)
		require.NoError(t, err)
		var teams []string
		for _, w := range list {
			teams = append(teams, w.TeamID)
		}
		assert.Equal(t, []string{ownIn.TeamID, "T0B", "T0C"}, teams, "its own first, then the consented ones")
		assert.Equal(t, "Team T0B", list[1].Name)

		for _, in := range []store.Installation{revoked, none, gone} {
			_, err := h.as.ResolveAccessTokenIn(ctx, at, in.ID)
			require.ErrorIs(t, err, authn.ErrInvalidToken, in.TeamID)
		}
		g, err := h.as.ResolveAccessTokenIn(ctx, at, own)
		require.NoError(t, err)
		assert.Equal(t, own, g.InstallationID)

		_, err = h.as.AccessTokenWorkspaces(ctx, "mcp_at_not-a-token")
		require.ErrorIs(t, err, authn.ErrInvalidToken)
	})
}

func TestScopesCover(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		have, want []string
		ok         bool
	}{
		{[]string{ScopeRead}, []string{ScopeRead}, true},
		{[]string{ScopeWrite}, []string{ScopeRead}, true},
		{[]string{ScopeRead}, []string{ScopeWrite}, false},
		{[]string{ScopeRead}, []string{ScopeRead, ScopeWrite}, false},
		{nil, []string{ScopeRead}, false},
		{nil, nil, true},
	} {
		assert.Equal(t, tc.ok, scopesCover(tc.have, tc.want), "%v covers %v", tc.have, tc.want)
	}
}
