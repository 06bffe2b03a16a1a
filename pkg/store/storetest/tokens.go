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

// Authorization codes and tokens: single use, expiry, rotation,
// revocation (families.go has the issue callbacks and the races).

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
