package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Revoking an installation ends everything the authorization server
// built on it, and a reinstall brings none of it back.

// grants creates one of everything the authorization server builds on an
// installation, all named after prefix.
func grants(t *testing.T, s store.AuthServerStore, prefix, installationID string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.CreateCode(ctx, code(prefix+"-code", installationID)))
	require.NoError(t, s.CreateCode(ctx, code(prefix+"-used-code", installationID)))
	_, err := s.RedeemCode(ctx, prefix+"-used-code", t0, nil)
	require.NoError(t, err)
	mustToken(t, s, token(prefix+"-at", store.TokenAccess, prefix+"-fam", installationID))
	mustToken(t, s, token(prefix+"-rt", store.TokenRefresh, prefix+"-fam", installationID))
	require.NoError(t, s.CreateBrowserSession(ctx, prefix+"-bs", installationID, t0.Add(24*time.Hour)))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: installationID, ClientID: "mcpc_1", Scope: "slack:read", GrantedAt: t0}))
}

// grantsAlive reports, for each grant made by grants, whether it still
// works.
func grantsAlive(t *testing.T, s store.AuthServerStore, prefix, installationID string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	alive := map[string]bool{}
	check := func(name string, err error, dead error) {
		if err == nil {
			alive[name] = true
			return
		}
		require.ErrorIs(t, err, dead, name)
		alive[name] = false
	}
	_, err := s.GetToken(ctx, prefix+"-at", t0)
	check("access token", err, store.ErrNotFound)
	_, err = s.GetToken(ctx, prefix+"-rt", t0)
	check("refresh token", err, store.ErrNotFound)
	_, err = s.GetBrowserSession(ctx, prefix+"-bs", t0)
	check("browser session", err, store.ErrNotFound)
	_, err = s.GetConsent(ctx, installationID, "mcpc_1")
	check("consent", err, store.ErrNotFound)
	list, err := s.ListConsents(ctx, installationID)
	require.NoError(t, err)
	alive["consent list"] = len(list) > 0
	return alive
}

func allAlive(alive bool) map[string]bool {
	return map[string]bool{"access token": alive, "refresh token": alive, "browser session": alive, "consent": alive, "consent list": alive}
}

func testRevokeInstallationCascade(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	victim := mustUpsert(t, s, installation("", "T1", "U1"))
	bystander := mustUpsert(t, s, installation("", "T1", "U2"))
	grants(t, s, "v", victim.ID)
	grants(t, s, "b", bystander.ID)
	require.Equal(t, allAlive(true), grantsAlive(t, s, "v", victim.ID))

	require.NoError(t, s.RevokeInstallation(ctx, victim.ID, t0.Add(time.Minute)))
	assert.Equal(t, allAlive(false), grantsAlive(t, s, "v", victim.ID))
	_, err := s.RedeemCode(ctx, "v-code", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "an unredeemed code of a revoked installation")
	_, err = s.RedeemCode(ctx, "v-used-code", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "a replayed code of a revoked installation")
	_, err = s.RotateRefresh(ctx, "v-rt", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound)

	// Nothing new can be built on a revoked installation.
	require.ErrorIs(t, s.CreateCode(ctx, code("v-late-code", victim.ID)), store.ErrNotFound)
	require.ErrorIs(t, s.CreateToken(ctx, token("v-late-at", store.TokenAccess, "v-late", victim.ID)), store.ErrNotFound)
	require.ErrorIs(t, s.CreateBrowserSession(ctx, "v-late-bs", victim.ID, t0.Add(time.Hour)), store.ErrNotFound)
	require.ErrorIs(t, s.PutConsent(ctx, store.Consent{InstallationID: victim.ID, ClientID: "mcpc_9"}), store.ErrNotFound)

	assert.Equal(t, allAlive(true), grantsAlive(t, s, "b", bystander.ID), "another installation is untouched")
	_, err = s.RedeemCode(ctx, "b-code", t0, nil)
	require.NoError(t, err)
	_, err = s.RotateRefresh(ctx, "b-rt", t0, nil)
	require.NoError(t, err)
}

func testReinstallDoesNotResurrect(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	first := mustUpsert(t, s, installation("", "T1", "U1"))
	grants(t, s, "old", first.ID)
	require.NoError(t, s.RevokeInstallation(ctx, first.ID, t0.Add(time.Minute)))

	again := mustUpsert(t, s, installation("", "T1", "U1"))
	require.Equal(t, first.ID, again.ID, "a reinstall keeps the installation ID")
	assert.Equal(t, allAlive(false), grantsAlive(t, s, "old", first.ID),
		"what was revoked with the grant stays dead after reinstall")
	_, err := s.RedeemCode(ctx, "old-code", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.RotateRefresh(ctx, "old-rt", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound)

	// New grants on the reinstalled installation work.
	grants(t, s, "new", again.ID)
	assert.Equal(t, allAlive(true), grantsAlive(t, s, "new", again.ID))
}
