package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// testSealedInstallations: pages of active installations that hold a
// token, in ID order; revoked ones are skipped.
func testSealedInstallations(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ids []string
	for _, u := range []string{"U1", "U2", "U3", "U4", "U5"} {
		ids = append(ids, mustUpsert(t, s, installation("", "T1", u)).ID)
	}
	require.NoError(t, s.RevokeInstallation(ctx, ids[2], t0))
	want := map[string]bool{ids[0]: true, ids[1]: true, ids[3]: true, ids[4]: true}

	got := map[string]bool{}
	after := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10, "paging does not end")
		page, err := s.SealedInstallations(ctx, after, 2)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.LessOrEqual(t, len(page), 2)
		for _, in := range page {
			assert.Greater(t, in.ID, after, "pages are in ID order")
			assert.NotEmpty(t, in.AccessToken)
			assert.Equal(t, store.StatusActive, in.Status)
			got[in.ID] = true
			after = in.ID
		}
	}
	assert.Equal(t, want, got)
}

// testResealTokens: a re-seal replaces the tokens only while they are the
// ones that were read, so it never undoes a refresh or a revocation.
func testResealTokens(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	exp := in.TokenExpiresAt

	require.NoError(t, s.ResealTokens(ctx, in.ID, in.AccessToken, in.RefreshToken, "v1.k2.access", "v1.k2.refresh"))
	got, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, "v1.k2.access", got.AccessToken)
	assert.Equal(t, "v1.k2.refresh", got.RefreshToken)
	assert.Equal(t, exp, got.TokenExpiresAt, "a re-seal keeps the expiry")

	// Stale: the values read are no longer stored (a refresh happened).
	require.NoError(t, s.UpdateTokens(ctx, in.ID, "v1.k2.refreshed", "v1.k2.refreshed-r", t0))
	require.ErrorIs(t, s.ResealTokens(ctx, in.ID, "v1.k2.access", "v1.k2.refresh", "v1.k3.old", "v1.k3.old-r"), store.ErrNotFound)
	got, err = s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, "v1.k2.refreshed", got.AccessToken, "a stale re-seal must not undo a refresh")

	require.NoError(t, s.RevokeInstallation(ctx, in.ID, t0))
	require.ErrorIs(t, s.ResealTokens(ctx, in.ID, "", "", "v1.k3.a", "v1.k3.r"), store.ErrNotFound,
		"a re-seal must not resurrect a revoked installation")
	require.ErrorIs(t, s.ResealTokens(ctx, "inst_missing", "a", "b", "c", "d"), store.ErrNotFound)
}
