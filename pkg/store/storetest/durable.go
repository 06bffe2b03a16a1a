package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// What RunDurable checks: persistence across a restart, and that only
// ciphertext and hashes are at rest.

func testRestart(t *testing.T, db Durable) {
	ctx := context.Background()
	s := db.Open(t)
	in := mustUpsert(t, s, installation("E1", "", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "pat", InstallationID: in.ID, CreatedAt: t0}))
	require.NoError(t, s.CreatePending(ctx, pending("st")))
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_completed", TeamID: "T1"}))
	as, isAuth := s.(store.AuthServerStore)
	if isAuth {
		// A restart loses no client, grant, consent or token either.
		grants(t, as, "r", in.ID)
		require.NoError(t, as.PutClient(ctx, client("mcpc_1", store.ClientDynamic)))
		require.NoError(t, as.CreateTxn(ctx, txn("tx")))
		require.NoError(t, as.SetTxnSlackState(ctx, "tx", "slack", nil, t0))
	}
	require.NoError(t, s.Close())

	s = db.Open(t)
	if isAuth {
		as = s.(store.AuthServerStore)
		assert.Equal(t, allAlive(true), grantsAlive(t, as, "r", in.ID))
		c, err := as.GetClient(ctx, "mcpc_1")
		require.NoError(t, err)
		assert.Equal(t, normClient(client("mcpc_1", store.ClientDynamic)), c)
		_, err = as.RedeemCode(ctx, "r-used-code", t0, nil)
		require.ErrorIs(t, err, store.ErrAlreadyExists, "a code used before the restart stays used")
		_, err = as.RedeemCode(ctx, "r-code", t0, nil)
		require.NoError(t, err)
		_, err = as.RotateRefresh(ctx, "r-rt", t0, nil)
		require.NoError(t, err)
		x, err := as.ConsumeTxnBySlackState(ctx, "slack", t0)
		require.NoError(t, err)
		assert.Equal(t, "tx", x.IDHash)
	}
	got, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, in, got)
	p, err := s.GetPAT(ctx, "pat")
	require.NoError(t, err)
	assert.Equal(t, in.ID, p.InstallationID)
	pe, err := s.ConsumePending(ctx, "st", t0)
	require.NoError(t, err)
	assert.Equal(t, normPending(pending("st")), pe)
	ev, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, ev, 1)
	require.NoError(t, s.RevokeInstallation(ctx, in.ID, t0))
	require.NoError(t, s.Close())

	// The consume and the revoke persisted too.
	s = db.Open(t)
	defer func() { _ = s.Close() }()
	_, err = s.ConsumePending(ctx, "st", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetPAT(ctx, "pat")
	require.ErrorIs(t, err, store.ErrNotFound)
	got, err = s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, store.StatusRevoked, got.Status)
	if as, ok := s.(store.AuthServerStore); ok {
		assert.Equal(t, allAlive(false), grantsAlive(t, as, "r", in.ID))
		_, err = as.RotateRefresh(ctx, "r-rt", t0, nil)
		require.ErrorIs(t, err, store.ErrNotFound, "the rotation persisted, then the revoke")
	}
}

// testOnlyCiphertext: the store keeps exactly the (already sealed) values
// it is given; no plaintext Slack token can appear at rest that the caller
// did not hand over.
func testOnlyCiphertext(t *testing.T, db Durable) {
	ctx := context.Background()
	const (
		access  = "v1.k1.c2VhbGVkLWFjY2Vzcy1jaXBoZXJ0ZXh0LW9ubHk"
		refresh = "v1.k1.c2VhbGVkLXJlZnJlc2gtY2lwaGVydGV4dC1vbmx5"
		patHash = "5f2b1c0e9d8a7b6c5f2b1c0e9d8a7b6c5f2b1c0e9d8a7b6c5f2b1c0e9d8a7b6c"
	)
	s := db.Open(t)
	in := installation("", "T0123", "U0456")
	in.AccessToken, in.RefreshToken = access, refresh
	got := mustUpsert(t, s, in)
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: patHash, InstallationID: got.ID, CreatedAt: t0}))
	require.NoError(t, s.UpdateTokens(ctx, got.ID, access, refresh, t0))
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_completed", TeamID: "T0123", UserID: "U0456"}))
	var hashes []string
	if as, ok := s.(store.AuthServerStore); ok {
		hashes = authServerAtRest(t, as, got.ID)
	}
	require.NoError(t, s.Close())

	raw := db.Dump(t)
	require.NotEmpty(t, raw)
	assert.True(t, bytes.Contains(raw, []byte(access)), "the sealed access token is stored verbatim")
	assert.True(t, bytes.Contains(raw, []byte(refresh)), "the sealed refresh token is stored verbatim")
	assert.True(t, bytes.Contains(raw, []byte(patHash)), "the token hash is stored verbatim")
	for _, h := range hashes {
		assert.True(t, bytes.Contains(raw, []byte(h)), "the hash %s is stored verbatim", h)
	}
	for _, plain := range []string{"xoxp-", "xoxb-", "xoxe-", "xoxc-", "xoxd-", "smcp_", "mcp_at_", "mcp_rt_", "mcp_code_", "mcpc_secret_", "mcp_txn_", "mcp_bs_"} {
		assert.False(t, bytes.Contains(raw, []byte(plain)), "raw database contains %q", plain)
	}
}

// authServerAtRest writes one of every authorization server row, each
// secret as the SHA-256 of a plaintext value the caller would hand out
// (mcp_at_..., mcp_rt_...), and returns the hashes. The plaintexts must
// not be at rest; the hashes must.
func authServerAtRest(t *testing.T, s store.AuthServerStore, installationID string) []string {
	t.Helper()
	ctx := context.Background()
	h := func(plain string) string { sum := sha256.Sum256([]byte(plain)); return hex.EncodeToString(sum[:]) }
	var (
		secret  = h("mcpc_secret_0123456789abcdef")
		txnID   = h("mcp_txn_0123456789abcdef")
		csrf    = h("mcp_csrf_0123456789abcdef")
		nonce   = h("mcp_nonce_0123456789abcdef")
		slack   = h("slack_state_0123456789abcdef")
		code    = h("mcp_code_0123456789abcdef")
		access  = h("mcp_at_0123456789abcdef")
		refresh = h("mcp_rt_0123456789abcdef")
		session = h("mcp_bs_0123456789abcdef")
	)
	c := client("mcpc_1", store.ClientDynamic)
	c.AuthMethod, c.SecretHash = "client_secret_post", secret
	require.NoError(t, s.PutClient(ctx, c))
	x := txn(txnID)
	x.CSRFHash, x.NonceHash = csrf, nonce
	require.NoError(t, s.CreateTxn(ctx, x))
	require.NoError(t, s.SetTxnSlackState(ctx, txnID, slack, nil, t0))
	require.NoError(t, s.CreateCode(ctx, store.AuthCode{Hash: code, ClientID: "mcpc_1", InstallationID: installationID, CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}))
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: access, Kind: store.TokenAccess, FamilyID: code, ClientID: "mcpc_1", InstallationID: installationID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: refresh, Kind: store.TokenRefresh, FamilyID: code, ClientID: "mcpc_1", InstallationID: installationID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	require.NoError(t, s.CreateBrowserSession(ctx, session, installationID, t0.Add(time.Hour)))
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: installationID, ClientID: "mcpc_1", Scope: "slack:read", GrantedAt: t0}))
	return []string{secret, txnID, csrf, nonce, slack, code, access, refresh, session}
}
