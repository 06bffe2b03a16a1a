package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// RunAuthServer runs the store.AuthServer conformance tests against stores
// made by open, which must return a new, empty store each call
// (RunAuthServer closes it).
func RunAuthServer(t *testing.T, open func(t *testing.T) store.AuthServerStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.AuthServerStore)
	}{
		{"ClientRoundTrip", testClientRoundTrip},
		{"ClientReplace", testClientReplace},
		{"ClientValidation", testClientValidation},
		{"TouchClient", testTouchClient},
		{"DeleteUnusedClients", testDeleteUnusedClients},
		{"TxnRoundTrip", testTxnRoundTrip},
		{"TxnExpiry", testTxnExpiry},
		{"TxnSlackState", testTxnSlackState},
		{"TxnConcurrentConsume", testTxnConcurrentConsume},
		{"TxnConcurrentSetSlackState", testTxnConcurrentSetSlackState},
		{"CodeRoundTrip", testCodeRoundTrip},
		{"CodeRedeemOnce", testCodeRedeemOnce},
		{"CodeExpiry", testCodeExpiry},
		{"CodeConcurrentRedeem", testCodeConcurrentRedeem},
		{"CodeErrors", testCodeErrors},
		{"TokenRoundTrip", testTokenRoundTrip},
		{"TokenExpiry", testTokenExpiry},
		{"TokenErrors", testTokenErrors},
		{"RotateRefresh", testRotateRefresh},
		{"RotateRefreshRefusals", testRotateRefreshRefusals},
		{"RotateRefreshConcurrent", testRotateRefreshConcurrent},
		{"RevokeToken", testRevokeToken},
		{"RevokeFamily", testRevokeFamily},
		{"RedeemCodeIssues", testRedeemCodeIssues},
		{"RedeemCodeIssueFails", testRedeemCodeIssueFails},
		{"RedeemCodeIssueChecked", testRedeemCodeIssueChecked},
		{"RotateRefreshIssues", testRotateRefreshIssues},
		{"RotateRefreshIssueFails", testRotateRefreshIssueFails},
		{"RevokedFamilyRecorded", testRevokedFamilyRecorded},
		{"RefreshReuseRace", testRefreshReuseRace},
		{"CodeReplayRace", testCodeReplayRace},
		{"BrowserSessions", testBrowserSessions},
		{"Consents", testConsents},
		{"RevokeClientGrants", testRevokeClientGrants},
		{"RevokeClientGrantsPartial", testRevokeClientGrantsPartial},
		{"RevokeInstallationCascade", testRevokeInstallationCascade},
		{"ReinstallDoesNotResurrect", testReinstallDoesNotResurrect},
		{"AuthCanceledContext", testAuthCanceledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			tt.fn(t, s)
		})
	}
}

func testClientRoundTrip(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	c := client("mcpc_1", store.ClientDynamic)
	c.AuthMethod = "client_secret_post"
	c.SecretHash = "sha256-of-secret"
	c.LastUsedAt = t0.Add(time.Minute)
	require.NoError(t, s.PutClient(ctx, c))
	got, err := s.GetClient(ctx, "mcpc_1")
	require.NoError(t, err)
	assert.Equal(t, normClient(c), got)

	cimd := client("https://app.example.com/oauth/client.json", store.ClientMetadata)
	cimd.ExpiresAt = t0.Add(time.Hour)
	require.NoError(t, s.PutClient(ctx, cimd))
	got, err = s.GetClient(ctx, cimd.ID)
	require.NoError(t, err)
	assert.Equal(t, normClient(cimd), got)

	// Empty optional fields come back nil/zero; a zero CreatedAt is
	// filled in by the backend clock.
	bare := store.Client{ID: "static-1", Kind: store.ClientStatic}
	require.NoError(t, s.PutClient(ctx, bare))
	got, err = s.GetClient(ctx, "static-1")
	require.NoError(t, err)
	assert.Nil(t, got.RedirectURIs)
	assert.Nil(t, got.Metadata)
	assert.False(t, got.CreatedAt.IsZero())
	assert.True(t, got.ExpiresAt.IsZero())
	assert.True(t, got.LastUsedAt.IsZero())

	_, err = s.GetClient(ctx, "mcpc_unknown")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetClient(ctx, "")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testClientReplace(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	c := client("https://app.example.com/c.json", store.ClientMetadata)
	c.ExpiresAt = t0.Add(time.Hour)
	c.LastUsedAt = t0.Add(time.Minute)
	require.NoError(t, s.PutClient(ctx, c))

	// A refetched document replaces the client but keeps its CreatedAt,
	// and a zero LastUsedAt keeps the stored one.
	again := c
	again.Name = "Renamed"
	again.RedirectURIs = []string{"https://app.example.com/cb"}
	again.Metadata = []byte(`{"client_name":"Renamed"}`)
	again.CreatedAt = t0.Add(2 * time.Hour)
	again.ExpiresAt = t0.Add(3 * time.Hour)
	again.LastUsedAt = time.Time{}
	require.NoError(t, s.PutClient(ctx, again))
	got, err := s.GetClient(ctx, c.ID)
	require.NoError(t, err)
	expect := normClient(again)
	expect.CreatedAt = ms(c.CreatedAt)
	expect.LastUsedAt = ms(c.LastUsedAt)
	assert.Equal(t, expect, got)

	// Optional fields can be cleared.
	again.Metadata, again.RedirectURIs, again.ExpiresAt = nil, nil, time.Time{}
	require.NoError(t, s.PutClient(ctx, again))
	got, err = s.GetClient(ctx, c.ID)
	require.NoError(t, err)
	assert.Nil(t, got.Metadata)
	assert.Nil(t, got.RedirectURIs)
	assert.True(t, got.ExpiresAt.IsZero())
}

func testClientValidation(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.Error(t, s.PutClient(ctx, client("", store.ClientDynamic)), "empty ID")
	require.Error(t, s.PutClient(ctx, client("mcpc_x", "weird")), "unknown kind")
	require.Error(t, s.PutClient(ctx, client("mcpc_y", "")), "empty kind")
	for _, id := range []string{"mcpc_x", "mcpc_y"} {
		_, err := s.GetClient(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound, "a refused client must not be stored")
	}
}

func testTouchClient(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.PutClient(ctx, client("mcpc_1", store.ClientDynamic)))
	later := t0.Add(time.Hour)
	require.NoError(t, s.TouchClient(ctx, "mcpc_1", later))
	require.NoError(t, s.TouchClient(ctx, "mcpc_1", t0), "an older touch is accepted ...")
	got, err := s.GetClient(ctx, "mcpc_1")
	require.NoError(t, err)
	assert.Equal(t, ms(later), got.LastUsedAt, "... but LastUsedAt never moves backwards")
	require.ErrorIs(t, s.TouchClient(ctx, "mcpc_unknown", t0), store.ErrNotFound)
}

func testDeleteUnusedClients(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	cutoff := t0.Add(30 * 24 * time.Hour)

	put := func(id, kind string, created, used time.Time) {
		c := client(id, kind)
		c.CreatedAt, c.LastUsedAt = created, used
		require.NoError(t, s.PutClient(ctx, c))
	}
	put("old-never-used", store.ClientDynamic, t0, time.Time{})
	put("old-used-long-ago", store.ClientDynamic, t0, t0.Add(time.Hour))
	put("used-recently", store.ClientDynamic, t0, cutoff.Add(time.Hour))
	put("used-at-cutoff", store.ClientDynamic, t0, cutoff)
	put("created-recently", store.ClientDynamic, cutoff.Add(time.Minute), time.Time{})
	put("old-with-live-token", store.ClientDynamic, t0, time.Time{})
	put("old-with-dead-token", store.ClientDynamic, t0, time.Time{})
	put("https://app.example.com/c.json", store.ClientMetadata, t0, time.Time{})
	put("static", store.ClientStatic, t0, time.Time{})

	live := token("live", store.TokenRefresh, "f-live", in.ID)
	live.ClientID = "old-with-live-token"
	live.ExpiresAt = cutoff.Add(time.Hour) // still valid after the cutoff
	mustToken(t, s, live)
	dead := token("dead", store.TokenRefresh, "f-dead", in.ID)
	dead.ClientID = "old-with-dead-token"
	dead.ExpiresAt = cutoff.Add(time.Hour)
	dead.RevokedAt = t0.Add(time.Hour) // revoked: does not keep the client
	mustToken(t, s, dead)
	require.NoError(t, s.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "old-never-used", Scope: "slack:read", GrantedAt: t0}))

	n, err := s.DeleteUnusedClients(ctx, cutoff)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for id, kept := range map[string]bool{
		"old-never-used": false, "old-used-long-ago": false, "old-with-dead-token": false,
		"used-recently": true, "used-at-cutoff": true, "created-recently": true, "old-with-live-token": true,
		"https://app.example.com/c.json": true, "static": true,
	} {
		_, err := s.GetClient(ctx, id)
		if kept {
			require.NoError(t, err, id)
		} else {
			require.ErrorIs(t, err, store.ErrNotFound, id)
		}
	}
	// A removed client's consents and tokens go with it.
	_, err = s.GetConsent(ctx, in.ID, "old-never-used")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.RevokeFamily(ctx, "f-dead", cutoff), store.ErrNotFound, "the dead token was removed")
	_, err = s.GetToken(ctx, "live", cutoff)
	require.NoError(t, err)

	n, err = s.DeleteUnusedClients(ctx, cutoff)
	require.NoError(t, err)
	assert.Zero(t, n, "idempotent")
}

func testTxnRoundTrip(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	x := txn("tx1")
	require.NoError(t, s.CreateTxn(ctx, x))
	got, err := s.GetTxn(ctx, "tx1", t0)
	require.NoError(t, err)
	assert.Equal(t, normTxn(x), got)
	got, err = s.GetTxn(ctx, "tx1", t0.Add(time.Minute))
	require.NoError(t, err, "GetTxn does not consume")
	assert.Empty(t, got.SlackStateHash)

	other := txn("tx1")
	other.ClientID = "attacker"
	require.ErrorIs(t, s.CreateTxn(ctx, other), store.ErrAlreadyExists)
	got, err = s.GetTxn(ctx, "tx1", t0)
	require.NoError(t, err)
	assert.Equal(t, "mcpc_1", got.ClientID, "the first writer keeps the transaction")

	// A zero CreatedAt is filled in by the backend clock.
	bare := store.AuthTxn{IDHash: "tx2", ExpiresAt: t0.Add(time.Minute)}
	require.NoError(t, s.CreateTxn(ctx, bare))
	got, err = s.GetTxn(ctx, "tx2", t0)
	require.NoError(t, err)
	assert.False(t, got.CreatedAt.IsZero())

	require.Error(t, s.CreateTxn(ctx, store.AuthTxn{ExpiresAt: t0.Add(time.Minute)}), "no ID hash")
	require.Error(t, s.CreateTxn(ctx, store.AuthTxn{IDHash: "tx3"}), "no expiry")
	_, err = s.GetTxn(ctx, "tx3", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetTxn(ctx, "unknown", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTxnExpiry(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	x := txn("tx")
	require.NoError(t, s.CreateTxn(ctx, x))
	exp := ms(x.ExpiresAt)
	_, err := s.GetTxn(ctx, "tx", exp.Add(-time.Millisecond))
	require.NoError(t, err)
	_, err = s.GetTxn(ctx, "tx", exp)
	require.ErrorIs(t, err, store.ErrNotFound, "expiry is exclusive")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx", "slack", exp), store.ErrNotFound)
	require.NoError(t, s.SetTxnSlackState(ctx, "tx", "slack", exp.Add(-time.Millisecond)))
	_, err = s.ConsumeTxnBySlackState(ctx, "slack", exp)
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ConsumeTxnBySlackState(ctx, "slack", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "an expired transaction is deleted by consume all the same")
}

func testTxnSlackState(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx1")))
	require.NoError(t, s.CreateTxn(ctx, txn("tx2")))

	_, err := s.ConsumeTxnBySlackState(ctx, "slack-1", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "no Slack state yet")
	_, err = s.ConsumeTxnBySlackState(ctx, "", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "an empty state matches nothing")

	require.NoError(t, s.SetTxnSlackState(ctx, "tx1", "slack-1", t0))
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx1", "slack-other", t0), store.ErrAlreadyExists, "only once")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx1", "slack-1", t0), store.ErrAlreadyExists, "not even the same value")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "tx2", "slack-1", t0), store.ErrAlreadyExists, "taken by another transaction")
	require.ErrorIs(t, s.SetTxnSlackState(ctx, "unknown", "slack-9", t0), store.ErrNotFound)
	require.Error(t, s.SetTxnSlackState(ctx, "tx2", "", t0), "empty Slack state")

	got, err := s.GetTxn(ctx, "tx1", t0)
	require.NoError(t, err)
	assert.Equal(t, "slack-1", got.SlackStateHash)

	got, err = s.ConsumeTxnBySlackState(ctx, "slack-1", t0)
	require.NoError(t, err)
	expect := normTxn(txn("tx1"))
	expect.SlackStateHash = "slack-1"
	assert.Equal(t, expect, got)
	_, err = s.ConsumeTxnBySlackState(ctx, "slack-1", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "single use")
	_, err = s.GetTxn(ctx, "tx1", t0)
	require.ErrorIs(t, err, store.ErrNotFound, "consumed means gone")
	_, err = s.GetTxn(ctx, "tx2", t0)
	require.NoError(t, err, "the other transaction is untouched")

	// A Slack state set at creation works the same.
	pre := txn("tx3")
	pre.SlackStateHash = "slack-3"
	require.NoError(t, s.CreateTxn(ctx, pre))
	dup := txn("tx4")
	dup.SlackStateHash = "slack-3"
	require.ErrorIs(t, s.CreateTxn(ctx, dup), store.ErrAlreadyExists, "Slack state hashes are unique")
	got, err = s.ConsumeTxnBySlackState(ctx, "slack-3", t0)
	require.NoError(t, err)
	assert.Equal(t, "tx3", got.IDHash)
}

func testTxnConcurrentConsume(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx")))
	require.NoError(t, s.SetTxnSlackState(ctx, "tx", "slack", t0))
	var wins atomic.Int32
	race(t, 32, func() error {
		_, err := s.ConsumeTxnBySlackState(ctx, "slack", t0)
		if err == nil {
			wins.Add(1)
			return nil
		}
		return expectErr(err, store.ErrNotFound)
	})
	assert.EqualValues(t, 1, wins.Load())
}

func testTxnConcurrentSetSlackState(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	require.NoError(t, s.CreateTxn(ctx, txn("tx")))
	var (
		wins atomic.Int32
		n    atomic.Int32
	)
	race(t, 16, func() error {
		err := s.SetTxnSlackState(ctx, "tx", fmt.Sprint("slack-", n.Add(1)), t0)
		if err == nil {
			wins.Add(1)
			return nil
		}
		return expectErr(err, store.ErrAlreadyExists)
	})
	assert.EqualValues(t, 1, wins.Load())
}

func testCodeRoundTrip(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	c := code("c1", in.ID)
	c.UsedAt = t0 // ignored: a new code is unused
	require.NoError(t, s.CreateCode(ctx, c))
	now := t0.Add(time.Minute)
	got, err := s.RedeemCode(ctx, "c1", now, nil)
	require.NoError(t, err)
	expect := normCode(code("c1", in.ID))
	expect.UsedAt = ms(now)
	assert.Equal(t, expect, got)

	// A zero CreatedAt is filled in by the backend clock.
	require.NoError(t, s.CreateCode(ctx, store.AuthCode{Hash: "c2", InstallationID: in.ID, ExpiresAt: t0.Add(time.Minute)}))
	got, err = s.RedeemCode(ctx, "c2", t0, nil)
	require.NoError(t, err)
	assert.False(t, got.CreatedAt.IsZero())
}

func testCodeRedeemOnce(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	require.NoError(t, s.CreateCode(ctx, code("c", in.ID)))
	first, err := s.RedeemCode(ctx, "c", t0.Add(time.Second), nil)
	require.NoError(t, err)
	// A replay returns the code, so the caller can revoke what it issued.
	again, err := s.RedeemCode(ctx, "c", t0.Add(2*time.Second), nil)
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	assert.Equal(t, first, again, "the replay sees the first redemption's UsedAt")
	_, err = s.RedeemCode(ctx, "c", t0.Add(3*time.Second), nil)
	require.ErrorIs(t, err, store.ErrAlreadyExists, "and every later one")
}

func testCodeExpiry(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	c := code("c", in.ID)
	require.NoError(t, s.CreateCode(ctx, c))
	require.NoError(t, s.CreateCode(ctx, code("used", in.ID)))
	exp := ms(c.ExpiresAt)
	_, err := s.RedeemCode(ctx, "c", exp, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "expired at the expiry instant")
	_, err = s.RedeemCode(ctx, "used", exp.Add(-time.Millisecond), nil)
	require.NoError(t, err, "valid one millisecond before")
	_, err = s.RedeemCode(ctx, "used", exp, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "an expired used code is not found either")
	_, err = s.RedeemCode(ctx, "c", t0, nil)
	require.NoError(t, err, "a failed redeem does not use the code")
}

func testCodeConcurrentRedeem(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	require.NoError(t, s.CreateCode(ctx, code("c", in.ID)))
	var wins atomic.Int32
	race(t, 32, func() error {
		got, err := s.RedeemCode(ctx, "c", t0, nil)
		if got.Hash != "c" {
			return fmt.Errorf("got code %q", got.Hash)
		}
		if err == nil {
			wins.Add(1)
			return nil
		}
		return expectErr(err, store.ErrAlreadyExists)
	})
	assert.EqualValues(t, 1, wins.Load())
}

func testCodeErrors(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T2", "U1"))
	require.NoError(t, s.CreateCode(ctx, code("c", in.ID)))
	require.ErrorIs(t, s.CreateCode(ctx, code("c", other.ID)), store.ErrAlreadyExists)
	got, err := s.RedeemCode(ctx, "c", t0, nil)
	require.NoError(t, err)
	assert.Equal(t, in.ID, got.InstallationID, "a duplicate must not re-point a code to another tenant")
	require.ErrorIs(t, s.CreateCode(ctx, code("x", "inst_missing")), store.ErrNotFound)
	require.Error(t, s.CreateCode(ctx, code("", in.ID)), "empty hash")
	noExp := code("y", in.ID)
	noExp.ExpiresAt = time.Time{}
	require.Error(t, s.CreateCode(ctx, noExp), "no expiry")
	for _, h := range []string{"x", "y", "unknown", ""} {
		_, err := s.RedeemCode(ctx, h, t0, nil)
		require.ErrorIs(t, err, store.ErrNotFound, h)
	}
}

func testTokenRoundTrip(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	at := token("at", store.TokenAccess, "fam", in.ID)
	rt := token("rt", store.TokenRefresh, "fam", in.ID)
	mustToken(t, s, at)
	mustToken(t, s, rt)
	for _, tok := range []store.Token{at, rt} {
		got, err := s.GetToken(ctx, tok.Hash, t0)
		require.NoError(t, err)
		assert.Equal(t, normToken(tok), got)
	}
	// A zero CreatedAt is filled in by the backend clock.
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: "bare", Kind: store.TokenAccess, FamilyID: "f2",
		InstallationID: in.ID, ExpiresAt: t0.Add(time.Hour)}))
	got, err := s.GetToken(ctx, "bare", t0)
	require.NoError(t, err)
	assert.False(t, got.CreatedAt.IsZero())

	// A token created already revoked is never returned.
	dead := token("dead", store.TokenAccess, "f3", in.ID)
	dead.RevokedAt = t0
	mustToken(t, s, dead)
	_, err = s.GetToken(ctx, "dead", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTokenExpiry(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	at := token("at", store.TokenAccess, "fam", in.ID)
	mustToken(t, s, at)
	exp := ms(at.ExpiresAt)
	_, err := s.GetToken(ctx, "at", exp.Add(-time.Millisecond))
	require.NoError(t, err)
	_, err = s.GetToken(ctx, "at", exp)
	require.ErrorIs(t, err, store.ErrNotFound, "expired at the expiry instant")
	_, err = s.GetToken(ctx, "at", t0)
	require.NoError(t, err, "expiry is judged at the given now; nothing was deleted")
}

func testTokenErrors(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T2", "U1"))
	mustToken(t, s, token("h", store.TokenAccess, "fam", in.ID))
	require.ErrorIs(t, s.CreateToken(ctx, token("h", store.TokenAccess, "fam2", other.ID)), store.ErrAlreadyExists)
	got, err := s.GetToken(ctx, "h", t0)
	require.NoError(t, err)
	assert.Equal(t, in.ID, got.InstallationID, "a duplicate must not re-point a token to another tenant")
	assert.Equal(t, "fam", got.FamilyID)

	require.ErrorIs(t, s.CreateToken(ctx, token("x", store.TokenAccess, "f", "inst_missing")), store.ErrNotFound)
	bad := map[string]store.Token{
		"empty hash":   token("", store.TokenAccess, "f", in.ID),
		"empty family": token("y1", store.TokenAccess, "", in.ID),
		"unknown kind": token("y2", "id_token", "f", in.ID),
		"no expiry":    {Hash: "y3", Kind: store.TokenAccess, FamilyID: "f", InstallationID: in.ID},
	}
	for name, tok := range bad {
		require.Error(t, s.CreateToken(ctx, tok), name)
	}
	for _, h := range []string{"x", "y1", "y2", "y3", "unknown", ""} {
		_, err := s.GetToken(ctx, h, t0)
		require.ErrorIs(t, err, store.ErrNotFound, h)
	}
}

func testRotateRefresh(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	rt := token("rt", store.TokenRefresh, "fam", in.ID)
	mustToken(t, s, rt)
	now := t0.Add(time.Hour)
	got, err := s.RotateRefresh(ctx, "rt", now, nil)
	require.NoError(t, err)
	expect := normToken(rt)
	expect.RotatedAt = ms(now)
	assert.Equal(t, expect, got)

	// A rotated refresh token is no longer valid for GetToken ...
	_, err = s.GetToken(ctx, "rt", now)
	require.ErrorIs(t, err, store.ErrNotFound)
	// ... and presenting it again is reuse: the token comes back (for its
	// family) with ErrAlreadyExists.
	again, err := s.RotateRefresh(ctx, "rt", now.Add(time.Minute), nil)
	require.ErrorIs(t, err, store.ErrAlreadyExists)
	assert.Equal(t, expect, again)
	assert.Equal(t, "fam", again.FamilyID)

	// The caller's response: revoke the family. Then the rotated token is
	// simply not found.
	require.NoError(t, s.RevokeFamily(ctx, again.FamilyID, now.Add(time.Minute)))
	_, err = s.RotateRefresh(ctx, "rt", now.Add(2*time.Minute), nil)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testRotateRefreshRefusals(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	mustToken(t, s, token("access", store.TokenAccess, "f1", in.ID))
	exp := token("expired", store.TokenRefresh, "f2", in.ID)
	mustToken(t, s, exp)
	rev := token("revoked", store.TokenRefresh, "f3", in.ID)
	rev.RevokedAt = t0
	mustToken(t, s, rev)
	for name, tc := range map[string]struct {
		hash string
		now  time.Time
	}{
		"access token": {"access", t0},
		"expired":      {"expired", ms(exp.ExpiresAt)},
		"revoked":      {"revoked", t0},
		"unknown":      {"unknown", t0},
		"empty":        {"", t0},
	} {
		_, err := s.RotateRefresh(ctx, tc.hash, tc.now, nil)
		require.ErrorIs(t, err, store.ErrNotFound, name)
	}
	_, err := s.GetToken(ctx, "access", t0)
	require.NoError(t, err, "a refused rotation changes nothing")
	_, err = s.RotateRefresh(ctx, "expired", t0, nil)
	require.NoError(t, err, "a refused rotation changes nothing")
}

func testRotateRefreshConcurrent(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	mustToken(t, s, token("rt", store.TokenRefresh, "fam", in.ID))
	var wins, reuses atomic.Int32
	race(t, 48, func() error {
		got, err := s.RotateRefresh(ctx, "rt", t0.Add(time.Minute), nil)
		if errors.Is(err, store.ErrNotFound) {
			return nil // after the reuse that revoked the family
		}
		if got.Hash != "rt" || got.FamilyID != "fam" {
			return fmt.Errorf("got token %q of family %q", got.Hash, got.FamilyID)
		}
		if err == nil {
			wins.Add(1)
			return nil
		}
		reuses.Add(1)
		return expectErr(err, store.ErrAlreadyExists)
	})
	assert.EqualValues(t, 1, wins.Load(), "exactly one caller rotates")
	assert.EqualValues(t, 1, reuses.Load(), "the first reuse revokes the family; later callers find nothing")
}

func testRevokeToken(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	mustToken(t, s, token("a1", store.TokenAccess, "fam", in.ID))
	mustToken(t, s, token("a2", store.TokenAccess, "fam", in.ID))
	mustToken(t, s, token("r1", store.TokenRefresh, "fam", in.ID))
	require.NoError(t, s.RevokeToken(ctx, "a1", t0.Add(time.Minute)))
	_, err := s.GetToken(ctx, "a1", t0)
	require.ErrorIs(t, err, store.ErrNotFound)
	for _, h := range []string{"a2", "r1"} {
		_, err := s.GetToken(ctx, h, t0)
		require.NoError(t, err, "RevokeToken revokes one token: %s", h)
	}
	require.NoError(t, s.RevokeToken(ctx, "r1", t0.Add(time.Minute)))
	_, err = s.RotateRefresh(ctx, "r1", t0, nil)
	require.ErrorIs(t, err, store.ErrNotFound, "a revoked refresh token cannot be rotated")
	require.NoError(t, s.RevokeToken(ctx, "a1", t0.Add(time.Hour)), "idempotent")
	require.ErrorIs(t, s.RevokeToken(ctx, "unknown", t0), store.ErrNotFound)
}

func testRevokeFamily(t *testing.T, s store.AuthServerStore) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	mustToken(t, s, token("a1", store.TokenAccess, "fam", in.ID))
	mustToken(t, s, token("r1", store.TokenRefresh, "fam", in.ID))
	_, err := s.RotateRefresh(ctx, "r1", t0, nil)
	require.NoError(t, err)
	mustToken(t, s, token("a2", store.TokenAccess, "fam", in.ID))
	mustToken(t, s, token("r2", store.TokenRefresh, "fam", in.ID))
	mustToken(t, s, token("other-a", store.TokenAccess, "other", in.ID))
	mustToken(t, s, token("other-r", store.TokenRefresh, "other", in.ID))

	require.NoError(t, s.RevokeFamily(ctx, "fam", t0.Add(time.Minute)))
	for _, h := range []string{"a1", "a2", "r1", "r2"} {
		_, err := s.GetToken(ctx, h, t0)
		require.ErrorIs(t, err, store.ErrNotFound, h)
		_, err = s.RotateRefresh(ctx, h, t0, nil)
		require.ErrorIs(t, err, store.ErrNotFound, h)
	}
	for _, h := range []string{"other-a", "other-r"} {
		_, err := s.GetToken(ctx, h, t0)
		require.NoError(t, err, "another family is untouched: %s", h)
	}
	require.NoError(t, s.RevokeFamily(ctx, "fam", t0.Add(time.Hour)), "idempotent")
	require.ErrorIs(t, s.RevokeFamily(ctx, "unknown", t0), store.ErrNotFound)
}

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

func testAuthCanceledContext(t *testing.T, s store.AuthServerStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.GetClient(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.CreateTxn(ctx, txn("c")), context.Canceled)
	_, err = s.ConsumeTxnBySlackState(ctx, "c", t0)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.RedeemCode(ctx, "c", t0, nil)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.GetToken(ctx, "c", t0)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.RotateRefresh(ctx, "c", t0, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.CreateToken(ctx, token("c", store.TokenAccess, "f", "inst_x")), context.Canceled)
	_, err = s.ListConsents(ctx, "inst_x")
	require.ErrorIs(t, err, context.Canceled)
}
