package slackoauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

func rawKey(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func keyring(t testing.TB, s string) *seal.Keyring {
	t.Helper()
	k, err := seal.ParseKeyring(s)
	require.NoError(t, err)
	return k
}

// withKeyring is a Service over the same store with another keyring, as
// after a restart with a new SLACK_MCP_ENCRYPTION_KEY.
func (h *harness) withKeyring(k *seal.Keyring) *Service {
	h.t.Helper()
	o := h.opts
	o.Keys = k
	svc, err := New(o)
	require.NoError(h.t, err)
	return svc
}

// seedInstallations stores n installations whose tokens are sealed by k.
func seedInstallations(t *testing.T, st store.Store, k *seal.Keyring, n int) []store.Installation {
	t.Helper()
	var out []store.Installation
	for i := range n {
		in := store.Installation{TeamID: "T1", UserID: fmt.Sprintf("U%03d", i), Scopes: []string{"users:read"}}
		var err error
		in.AccessToken, err = k.Seal([]byte(fmt.Sprintf("xoxp-access-%d", i)), identityAAD(in))
		require.NoError(t, err)
		in.RefreshToken, err = k.Seal([]byte(fmt.Sprintf("xoxe-refresh-%d", i)), identityAAD(in))
		require.NoError(t, err)
		got, err := st.UpsertInstallation(context.Background(), in)
		require.NoError(t, err)
		out = append(out, got)
	}
	return out
}

func labelOf(t *testing.T, st store.Store, id string) string {
	t.Helper()
	in, err := st.GetInstallation(context.Background(), id)
	require.NoError(t, err)
	kid, ok := seal.KeyID(in.AccessToken)
	require.True(t, ok)
	rkid, _ := seal.KeyID(in.RefreshToken)
	require.Equal(t, kid, rkid, "both tokens are sealed under one key")
	return kid
}

// The rotation exactly as the docs describe it, on a store made with a
// bare key (issue 7, finding 4): the installation keeps working and its
// tokens are re-sealed under the new key by their first use, after which
// the old key can go.
func TestKeyRotationAsDocumentedResealsOnUse(t *testing.T) {
	t.Parallel()
	oldKey, newKey := rawKey(t), rawKey(t)
	h := newHarness(t, withKeys(keyring(t, oldKey)))
	ins := seedInstallations(t, h.store, h.keys, 1)
	ctx := context.Background()

	rotated := h.withKeyring(keyring(t, "new:"+newKey+",old:"+oldKey))
	creds, err := rotated.CredentialsFor(ctx, ins[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "xoxp-access-0", creds.Token)
	assert.Equal(t, "new", labelOf(t, h.store, ins[0].ID), "re-sealed under the primary key on use")

	onlyNew := h.withKeyring(keyring(t, "new:"+newKey))
	creds, err = onlyNew.CredentialsFor(ctx, ins[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "xoxp-access-0", creds.Token)
}

func TestResealAll(t *testing.T) {
	t.Parallel()
	oldKey, newKey := rawKey(t), rawKey(t)
	h := newHarness(t, withKeys(keyring(t, oldKey)))
	ins := seedInstallations(t, h.store, h.keys, 7)
	ctx := context.Background()

	rotated := h.withKeyring(keyring(t, "new:"+newKey+",old:"+oldKey))
	r, err := rotated.ResealAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 7, r.Checked)
	assert.Equal(t, 7, r.Resealed)
	assert.Equal(t, map[string]int{"k1": 7}, r.Labels)
	assert.Empty(t, r.MissingKeys())
	for _, in := range ins {
		assert.Equal(t, "new", labelOf(t, h.store, in.ID))
	}
	assert.Contains(t, r.String(), "7 re-sealed")

	// A second pass has nothing to do; the old key can go.
	onlyNew := h.withKeyring(keyring(t, "new:"+newKey))
	r, err = onlyNew.ResealAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, r.Resealed)
	assert.Empty(t, r.Unreadable)
	for _, in := range ins {
		creds, err := onlyNew.CredentialsFor(ctx, in.ID)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(creds.Token, "xoxp-access-"))
	}

	// A keyring without the key that sealed them: a missing key, named.
	r, err = h.withKeyring(keyring(t, "k9:"+rawKey(t))).ResealAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"new"}, r.MissingKeys())
	assert.Len(t, r.Unreadable["new"], 7)
}

// One damaged row among readable ones is reported, not a missing key.
func TestResealAllDamagedRow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ins := seedInstallations(t, h.store, h.keys, 3)
	ctx := context.Background()
	bad := ins[1]
	other, err := h.keys.Seal([]byte("xoxp-elsewhere"), []byte("another row"))
	require.NoError(t, err)
	require.NoError(t, h.store.UpdateTokens(ctx, bad.ID, other, "", bad.TokenExpiresAt))

	r, err := h.svc.ResealAll(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{bad.ID}, r.Unreadable["k1"])
	assert.Equal(t, 2, r.Opened["k1"])
	assert.Empty(t, r.MissingKeys())
}
