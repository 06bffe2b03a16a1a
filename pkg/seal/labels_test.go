package seal

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The rotation the docs once described, "new:<key>,old:<key>", on a store
// made with a bare key (labelled k1): every value must still open
// (issue 7, finding 4), and re-seal under "new".
func TestRotationWithOtherLabels(t *testing.T) {
	t.Parallel()
	bare := mustKeyring(t, std(1))
	sealed, err := bare.Seal([]byte("xoxp-1"), []byte("row"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(sealed, "v1.k1."))

	for _, tt := range []struct {
		name, keyring string
	}{
		{"documented new,old", "new:" + std(2) + ",old:" + std(1)},
		{"k2,k1", "k2:" + std(2) + ",k1:" + std(1)},
		{"labels swapped", "k1:" + std(2) + ",k2:" + std(1)},
		{"old key relabelled as primary", "main:" + std(1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k := mustKeyring(t, tt.keyring)
			plain, stale, err := k.OpenStale(sealed, []byte("row"))
			require.NoError(t, err)
			assert.Equal(t, "xoxp-1", string(plain))
			assert.True(t, stale, "opened by a key other than the primary, or labelled otherwise")

			resealed, err := k.Seal(plain, []byte("row"))
			require.NoError(t, err)
			_, stale, err = k.OpenStale(resealed, []byte("row"))
			require.NoError(t, err)
			assert.False(t, stale)
			// The additional data still binds the row under a trial key.
			_, err = k.Open(sealed, []byte("other row"))
			require.Error(t, err)
		})
	}
}

func TestOpenNamesMissingKey(t *testing.T) {
	t.Parallel()
	sealed, err := mustKeyring(t, std(1)).Seal([]byte("xoxp-1"), nil)
	require.NoError(t, err)

	_, err = mustKeyring(t, "new:"+std(2)).Open(sealed, nil)
	require.ErrorIs(t, err, ErrUnknownKey)
	assert.Contains(t, err.Error(), `key ID "k1"`)
	assert.Contains(t, err.Error(), "configured: new")

	// Same label, wrong key: a decryption failure, not an unknown key.
	_, err = mustKeyring(t, "k1:"+std(3)).Open(sealed, nil)
	require.ErrorIs(t, err, ErrDecrypt)
}

func TestKeyIDAndIDs(t *testing.T) {
	t.Parallel()
	kid, ok := KeyID("v1.abc.AAAA")
	assert.True(t, ok)
	assert.Equal(t, "abc", kid)
	_, ok = KeyID("xoxp-1")
	assert.False(t, ok)
	assert.Equal(t, []string{"a", "b"}, mustKeyring(t, "a:"+std(1)+",b:"+std(2)).IDs())
}
