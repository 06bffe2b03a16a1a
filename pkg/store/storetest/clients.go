package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// OAuth clients: round trip, replacement, use, removal of unused ones.

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
