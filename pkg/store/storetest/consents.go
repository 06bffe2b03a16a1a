package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Browser sessions, consents, and revoking what one client holds.

func testBrowserSessions(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T2", "U1"))
	exp := ms(t0.Add(24 * time.Hour))
	require.NoError(t, s.CreateBrowserSession(ctx, "bs", in.ID, exp))
	got, err := s.GetBrowserSession(ctx, "bs", t0)
	require.NoError(t, err)
	assert.Equal(t, in.ID, got)
	_, err = s.GetBrowserSession(ctx, "bs", exp.Add(-time.Millisecond))
	require.NoError(t, err)
	_, err = s.GetBrowserSession(ctx, "bs", exp)
	require.ErrorIs(t, err, store.ErrNotFound, "expired at the expiry instant")

	require.ErrorIs(t, s.CreateBrowserSession(ctx, "bs", other.ID, exp), store.ErrAlreadyExists)
	got, err = s.GetBrowserSession(ctx, "bs", t0)
	require.NoError(t, err)
	assert.Equal(t, in.ID, got, "a duplicate must not re-point a session to another tenant")

	require.ErrorIs(t, s.CreateBrowserSession(ctx, "x", "inst_missing", exp), store.ErrNotFound)
	require.Error(t, s.CreateBrowserSession(ctx, "", in.ID, exp), "empty hash")
	require.Error(t, s.CreateBrowserSession(ctx, "y", in.ID, time.Time{}), "no expiry")
	for _, h := range []string{"x", "y", "unknown", ""} {
		_, err := s.GetBrowserSession(ctx, h, t0)
		require.ErrorIs(t, err, store.ErrNotFound, h)
	}

	require.NoError(t, s.DeleteBrowserSession(ctx, "bs"))
	_, err = s.GetBrowserSession(ctx, "bs", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.DeleteBrowserSession(ctx, "bs"), store.ErrNotFound)
}

func testConsents(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T2", "U1"))
	c := store.Consent{InstallationID: in.ID, ClientID: "mcpc_1", Scope: "slack:read",
		RedirectURI: "http://127.0.0.1/cb", GrantedAt: t0, RevokedAt: t0}
	require.NoError(t, s.PutConsent(ctx, c))
	got, err := s.GetConsent(ctx, in.ID, "mcpc_1")
	require.NoError(t, err)
	expect := c
	expect.GrantedAt, expect.RevokedAt = ms(t0), time.Time{} // RevokedAt is ignored by Put
	assert.Equal(t, expect, got)
	_, err = s.GetConsent(ctx, other.ID, "mcpc_1")
	require.ErrorIs(t, err, store.ErrNotFound, "consents are per installation")

	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "mcpc_2", Scope: "slack:read", GrantedAt: t0.Add(time.Hour)}))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: other.ID, ClientID: "mcpc_1", Scope: "slack:read", GrantedAt: t0}))
	list, err := s.ListConsents(ctx, in.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "mcpc_2", list[0].ClientID, "newest grant first")
	assert.Equal(t, "mcpc_1", list[1].ClientID)

	// Revoke: gone from Get and List, idempotent.
	require.NoError(t, s.RevokeConsent(ctx, in.ID, "mcpc_1", t0.Add(2*time.Hour)))
	_, err = s.GetConsent(ctx, in.ID, "mcpc_1")
	require.ErrorIs(t, err, store.ErrNotFound)
	list, err = s.ListConsents(ctx, in.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "mcpc_2", list[0].ClientID)
	require.NoError(t, s.RevokeConsent(ctx, in.ID, "mcpc_1", t0.Add(3*time.Hour)))
	require.ErrorIs(t, s.RevokeConsent(ctx, in.ID, "unknown", t0), store.ErrNotFound)
	_, err = s.GetConsent(ctx, other.ID, "mcpc_1")
	require.NoError(t, err, "another installation's consent is untouched")

	// Put again (step-up): replaces scope and redirect, clears the
	// revocation.
	step := store.Consent{InstallationID: in.ID, ClientID: "mcpc_1", Scope: "slack:read slack:write",
		RedirectURI: "http://127.0.0.1/other", GrantedAt: t0.Add(4 * time.Hour)}
	require.NoError(t, s.PutConsent(ctx, step))
	got, err = s.GetConsent(ctx, in.ID, "mcpc_1")
	require.NoError(t, err)
	step.GrantedAt = ms(step.GrantedAt)
	assert.Equal(t, step, got)
	list, err = s.ListConsents(ctx, in.ID)
	require.NoError(t, err)
	assert.Len(t, list, 2)

	// A zero GrantedAt is filled in by the backend clock.
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "mcpc_3"}))
	got, err = s.GetConsent(ctx, in.ID, "mcpc_3")
	require.NoError(t, err)
	assert.False(t, got.GrantedAt.IsZero())

	require.ErrorIs(t, s.PutConsent(ctx, store.Consent{InstallationID: "inst_missing", ClientID: "mcpc_1"}), store.ErrNotFound)
	require.Error(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID}), "empty client ID")
	list, err = s.ListConsents(ctx, "inst_missing")
	require.NoError(t, err)
	assert.Nil(t, list)
}

// clientGrants creates, for one client on one installation, a consent,
// an unredeemed code and two token families (the first one rotated), all
// named after prefix.
func clientGrants(t *testing.T, s store.AuthServerStore, prefix, installationID, clientID string) {
	t.Helper()
	ctx := context.Background()
	c := code(prefix+"-code", installationID)
	c.ClientID = clientID
	require.NoError(t, s.CreateCode(ctx, c))
	for _, tok := range []store.Token{
		token(prefix+"-at1", store.TokenAccess, prefix+"-fam1", installationID),
		token(prefix+"-rt1", store.TokenRefresh, prefix+"-fam1", installationID),
		token(prefix+"-at2", store.TokenAccess, prefix+"-fam2", installationID),
		token(prefix+"-rt2", store.TokenRefresh, prefix+"-fam2", installationID),
	} {
		tok.ClientID = clientID
		mustToken(t, s, tok)
	}
	_, err := s.RotateRefresh(ctx, prefix+"-rt1", t0, nil)
	require.NoError(t, err)
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: installationID, ClientID: clientID, Scope: "slack:read", GrantedAt: t0}))
}

// clientGrantsAlive reports, for each grant made by clientGrants, whether
// it still works.
func clientGrantsAlive(t *testing.T, s store.AuthServerStore, prefix, installationID, clientID string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	alive := map[string]bool{}
	for _, h := range []string{"-at1", "-at2", "-rt2"} {
		_, err := s.GetToken(ctx, prefix+h, t0)
		if err != nil {
			require.ErrorIs(t, err, store.ErrNotFound, h)
		}
		alive[h] = err == nil
	}
	// The rotated refresh token is not probed here: presenting it is reuse,
	// which revokes its family (see rotatedAlive).
	_, err := s.GetConsent(ctx, installationID, clientID)
	if err != nil {
		require.ErrorIs(t, err, store.ErrNotFound, "consent")
	}
	alive["consent"] = err == nil
	list, err := s.ListConsents(ctx, installationID)
	require.NoError(t, err)
	listed := false
	for _, c := range list {
		listed = listed || c.ClientID == clientID
	}
	alive["consent listed"] = listed
	return alive
}

func allClientGrants(alive bool) map[string]bool {
	return map[string]bool{"-at1": alive, "-at2": alive, "-rt2": alive, "consent": alive, "consent listed": alive}
}

// rotatedAlive presents clientGrants' rotated refresh token once: true
// when that is detected as reuse (its family was alive, and is revoked
// now), false when the token is simply not found.
func rotatedAlive(t *testing.T, s store.AuthServerStore, prefix string) bool {
	t.Helper()
	_, err := s.RotateRefresh(context.Background(), prefix+"-rt1", t0, nil)
	if !errors.Is(err, store.ErrAlreadyExists) {
		require.ErrorIs(t, err, store.ErrNotFound, "rotated refresh token")
	}
	return err == nil || errors.Is(err, store.ErrAlreadyExists)
}

func testRevokeClientGrants(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T1", "U2"))
	clientGrants(t, s, "v", in.ID, "mcpc_1")     // the victim
	clientGrants(t, s, "bc", in.ID, "mcpc_2")    // bystander client, same installation
	clientGrants(t, s, "bi", other.ID, "mcpc_1") // bystander installation, same client
	require.Equal(t, allClientGrants(true), clientGrantsAlive(t, s, "v", in.ID, "mcpc_1"))

	require.NoError(t, s.RevokeClientGrants(ctx, in.ID, "mcpc_1", t0.Add(time.Minute)))
	assert.Equal(t, allClientGrants(false), clientGrantsAlive(t, s, "v", in.ID, "mcpc_1"))
	_, err := s.RedeemCode(ctx, "v-code", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "an unredeemed code of the client is gone")

	assert.Equal(t, allClientGrants(true), clientGrantsAlive(t, s, "bc", in.ID, "mcpc_2"), "another client of the installation is untouched")
	assert.Equal(t, allClientGrants(true), clientGrantsAlive(t, s, "bi", other.ID, "mcpc_1"), "the client on another installation is untouched")
	for _, h := range []string{"bc-code", "bi-code"} {
		_, err := s.RedeemCode(ctx, h, t0, nil)
		require.NoError(t, err, h)
	}
	_, err = s.RotateRefresh(ctx, "bc-rt2", t0, nil)
	require.NoError(t, err)
	assert.False(t, rotatedAlive(t, s, "v"), "a rotated token of the revoked client is not even reuse")
	assert.True(t, rotatedAlive(t, s, "bc"), "a rotated token of another client is still detected as reuse")

	// Idempotent; the installation stays active.
	require.NoError(t, s.RevokeClientGrants(ctx, in.ID, "mcpc_1", t0.Add(time.Hour)))
	assert.Equal(t, allClientGrants(false), clientGrantsAlive(t, s, "v", in.ID, "mcpc_1"))
	got, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StatusActive, got.Status)

	// Consenting again starts afresh: the old tokens stay dead.
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "mcpc_1", Scope: "slack:read", GrantedAt: t0.Add(2 * time.Hour)}))
	_, err = s.GetConsent(ctx, in.ID, "mcpc_1")
	require.NoError(t, err)
	for _, h := range []string{"v-at1", "v-at2", "v-rt2"} {
		_, err := s.GetToken(ctx, h, t0)
		require.ErrorIs(t, err, store.ErrNotFound, h)
	}
	fresh := token("v-new-at", store.TokenAccess, "v-new", in.ID)
	mustToken(t, s, fresh)
	_, err = s.GetToken(ctx, "v-new-at", t0)
	require.NoError(t, err, "new tokens of the client work")

	require.ErrorIs(t, s.RevokeClientGrants(ctx, in.ID, "mcpc_never", t0), store.ErrNotFound)
	require.ErrorIs(t, s.RevokeClientGrants(ctx, "inst_missing", "mcpc_1", t0), store.ErrNotFound)
	assert.Equal(t, allClientGrants(true), clientGrantsAlive(t, s, "bi", other.ID, "mcpc_1"))

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, s.RevokeClientGrants(cctx, other.ID, "mcpc_1", t0), context.Canceled)
	assert.Equal(t, allClientGrants(true), clientGrantsAlive(t, s, "bi", other.ID, "mcpc_1"))
}

// testRevokeClientGrantsPartial: a consent without tokens, and tokens
// without a consent, are each enough to revoke.
func testRevokeClientGrantsPartial(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "mcpc_consent", Scope: "slack:read", GrantedAt: t0}))
	require.NoError(t, s.RevokeClientGrants(ctx, in.ID, "mcpc_consent", t0))
	_, err := s.GetConsent(ctx, in.ID, "mcpc_consent")
	require.ErrorIs(t, err, store.ErrNotFound)

	tok := token("only-at", store.TokenAccess, "only", in.ID)
	tok.ClientID = "mcpc_tokens"
	mustToken(t, s, tok)
	require.NoError(t, s.RevokeClientGrants(ctx, in.ID, "mcpc_tokens", t0))
	_, err = s.GetToken(ctx, "only-at", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, s.RevokeClientGrants(ctx, in.ID, "mcpc_tokens", t0.Add(time.Minute)), "idempotent")
}
