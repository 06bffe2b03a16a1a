package seal

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey returns a deterministic 32-byte key; tests never need real
// randomness for keys.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func std(b byte) string    { return base64.StdEncoding.EncodeToString(testKey(b)) }
func rawStd(b byte) string { return base64.RawStdEncoding.EncodeToString(testKey(b)) }

// url64 returns a key whose encodings contain '-' or '_', so the URL
// alphabet is really exercised.
func url64(padded bool) (string, []byte) {
	key := bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 11)[:KeySize]
	if padded {
		return base64.URLEncoding.EncodeToString(key), key
	}
	return base64.RawURLEncoding.EncodeToString(key), key
}

func mustKeyring(t testing.TB, s string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(s)
	require.NoError(t, err)
	return k
}

func TestParseKeyring(t *testing.T) {
	t.Parallel()
	urlPadded, _ := url64(true)
	urlRaw, _ := url64(false)
	require.True(t, strings.ContainsAny(urlRaw, "-_"))
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	long := base64.StdEncoding.EncodeToString(make([]byte, 33))

	tests := []struct {
		name    string
		in      string
		primary string
		ids     []string
		wantErr string // substring; "" = success
	}{
		{name: "bare std padded", in: std(1), primary: "k1", ids: []string{"k1"}},
		{name: "bare std unpadded", in: rawStd(1), primary: "k1", ids: []string{"k1"}},
		{name: "bare url padded", in: urlPadded, primary: "k1", ids: []string{"k1"}},
		{name: "bare url unpadded", in: urlRaw, primary: "k1", ids: []string{"k1"}},
		{name: "surrounding space and newline", in: "  " + std(1) + "\n", primary: "k1", ids: []string{"k1"}},
		{name: "list", in: "k2:" + std(2) + ",k1:" + std(1), primary: "k2", ids: []string{"k2", "k1"}},
		{name: "list with spaces", in: " new : " + std(2) + " , old:" + urlRaw, primary: "new", ids: []string{"new", "old"}},
		{name: "single list entry", in: "2025-06_a:" + std(3), primary: "2025-06_a", ids: []string{"2025-06_a"}},

		{name: "empty", in: "", wantErr: "empty"},
		{name: "blank", in: "  \t", wantErr: "openssl rand -base64 32"},
		{name: "too short", in: short, wantErr: "decodes to 16 bytes, want 32"},
		{name: "too long", in: long, wantErr: "decodes to 33 bytes, want 32"},
		{name: "bad base64", in: "not*base64*at*all", wantErr: "not valid base64"},
		{name: "hex is not base64 of 32 bytes", in: strings.Repeat("ab", 32), wantErr: "decodes to 48 bytes"},
		{name: "duplicate kid", in: "a:" + std(1) + ",a:" + std(2), wantErr: `entry 2: duplicate key ID "a"`},
		{name: "missing kid", in: std(1) + "," + std(2), wantErr: "entry 1 has no key ID"},
		{name: "empty kid", in: ":" + std(1), wantErr: "key ID is empty"},
		{name: "bad kid", in: "k.1:" + std(1), wantErr: "key ID may contain only"},
		{name: "long kid", in: strings.Repeat("k", 33) + ":" + std(1), wantErr: "at most 32"},
		{name: "stray comma", in: "k1:" + std(1) + ",", wantErr: "entry 2 is empty"},
		{name: "empty key in list", in: "k1:" + std(1) + ",k2:", wantErr: `entry 2 (key ID "k2"): key is empty`},
		{name: "short key in list", in: "k1:" + std(1) + ",k2:" + short, wantErr: `entry 2 (key ID "k2"): key decodes to 16 bytes`},
		{name: "bad base64 in list", in: "k1:" + std(1) + ",k2:" + std(2)[:40] + "!!!", wantErr: `entry 2 (key ID "k2"): key is not valid base64`},
		{name: "mixed alphabets", in: "ab+-" + rawStd(1)[4:], wantErr: "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParseKeyring(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Nil(t, k)
				assert.Contains(t, err.Error(), tt.wantErr)
				assertNoKeyMaterial(t, err.Error(), tt.in)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.primary, k.PrimaryID())
			assert.Equal(t, tt.ids, k.ids)
			// Every key can open what it sealed; the primary seals.
			sealed, err := k.Seal([]byte("xoxp-1"), []byte("aad"))
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(sealed, "v1."+tt.primary+"."), sealed)
		})
	}
}

// assertNoKeyMaterial fails when msg contains any base64 run of 8+
// characters that appears in the configuration string.
func assertNoKeyMaterial(t *testing.T, msg, config string) {
	t.Helper()
	for _, entry := range strings.Split(config, ",") {
		_, key, ok := strings.Cut(entry, ":")
		if !ok {
			key = entry
		}
		key = strings.TrimSpace(key)
		for i := 0; i+8 <= len(key); i++ {
			if strings.Contains(msg, key[i:i+8]) {
				t.Fatalf("error %q echoes key material %q", msg, key[i:i+8])
			}
		}
	}
}

func TestParseKeyringDecodesTheKey(t *testing.T) {
	t.Parallel()
	// The URL-alphabet key and the std one are the same bytes: a value
	// sealed under one configuration opens under the other.
	urlRaw, key := url64(false)
	a := mustKeyring(t, urlRaw)
	b := mustKeyring(t, base64.StdEncoding.EncodeToString(key))
	sealed, err := a.Seal([]byte("xoxp-secret"), nil)
	require.NoError(t, err)
	got, err := b.Open(sealed, nil)
	require.NoError(t, err)
	assert.Equal(t, "xoxp-secret", string(got))
}

func TestSealOpenRoundTrip(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, std(7))
	tests := []struct {
		name       string
		plain, aad []byte
	}{
		{"token", []byte("xoxp-123-456-789-abcdef"), []byte("access|E1|T1|U1")},
		{"empty plaintext", nil, []byte("row")},
		{"empty aad", []byte("xoxe.xoxp-1-refresh"), nil},
		{"binary", []byte{0, 1, 2, 0xff, '.', '\n'}, []byte{0, '.', 0xfe}},
		{"large", bytes.Repeat([]byte("z"), 10000), []byte("x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sealed, err := k.Seal(tt.plain, tt.aad)
			require.NoError(t, err)
			parts := strings.Split(sealed, ".")
			require.Len(t, parts, 3)
			assert.Equal(t, "v1", parts[0])
			assert.Equal(t, "k1", parts[1])
			raw, err := base64.RawURLEncoding.DecodeString(parts[2])
			require.NoError(t, err)
			assert.Len(t, raw, nonceSize+len(tt.plain)+16)
			if len(tt.plain) > 0 {
				assert.NotContains(t, sealed, string(tt.plain))
			}
			got, err := k.Open(sealed, tt.aad)
			require.NoError(t, err)
			assert.Equal(t, string(tt.plain), string(got))
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, std(7))
	seen := map[string]bool{}
	for range 200 {
		s, err := k.Seal([]byte("same"), []byte("same"))
		require.NoError(t, err)
		nonce := s[:len("v1.k1.")+16] // 12 bytes = 16 base64 characters
		require.False(t, seen[nonce], "nonce reused")
		seen[nonce] = true
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, "k2:"+std(2)+",k1:"+std(1))
	other := mustKeyring(t, "k2:"+std(9)) // same kid, different key
	plain := []byte("xoxp-very-secret-token")
	aad := []byte("access|E1|T1|U1")
	sealed, err := k.Seal(plain, aad)
	require.NoError(t, err)
	body := strings.TrimPrefix(sealed, "v1.k2.")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	require.NoError(t, err)
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 0x01
		return "v1.k2." + base64.RawURLEncoding.EncodeToString(b)
	}

	tests := []struct {
		name   string
		ring   *Keyring
		sealed string
		aad    []byte
		want   error
	}{
		{"empty", k, "", aad, ErrMalformed},
		{"no dots", k, "garbage", aad, ErrMalformed},
		{"unknown version", k, "v2.k2." + body, aad, ErrMalformed},
		{"missing body", k, "v1.k2.", aad, ErrMalformed},
		{"missing kid", k, "v1.." + body, aad, ErrMalformed},
		{"bad kid characters", k, "v1.k 2." + body, aad, ErrMalformed},
		{"padded body", k, sealed + "=", aad, ErrMalformed},
		{"std alphabet body", k, "v1.k2." + base64.RawStdEncoding.EncodeToString(raw) + "+/", aad, ErrMalformed},
		{"truncated below nonce+tag", k, "v1.k2." + base64.RawURLEncoding.EncodeToString(raw[:27]), aad, ErrMalformed},
		{"too long", k, "v1.k2." + strings.Repeat("A", maxSealedLen), aad, ErrMalformed},
		{"unknown kid", k, "v1.k3." + body, aad, ErrUnknownKey},
		{"kid swapped to other known key", k, "v1.k1." + body, aad, ErrDecrypt},
		{"same kid different key", other, sealed, aad, ErrDecrypt},
		{"nonce bit flipped", k, flip(0), aad, ErrDecrypt},
		{"ciphertext bit flipped", k, flip(nonceSize + 1), aad, ErrDecrypt},
		{"tag bit flipped", k, flip(len(raw) - 1), aad, ErrDecrypt},
		{"truncated tag", k, "v1.k2." + base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1]), aad, ErrDecrypt},
		{"appended byte", k, "v1.k2." + base64.RawURLEncoding.EncodeToString(append(bytes.Clone(raw), 0)), aad, ErrDecrypt},
		{"wrong aad", k, sealed, []byte("access|E1|T1|U2"), ErrDecrypt},
		{"nil aad", k, sealed, nil, ErrDecrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.ring.Open(tt.sealed, tt.aad)
			require.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
			assert.NotContains(t, err.Error(), string(plain))
			assert.NotContains(t, err.Error(), body[:16])
		})
	}
	// The untampered value still opens.
	got, err := k.Open(sealed, aad)
	require.NoError(t, err)
	assert.Equal(t, plain, got)
}

// TestAADBindsRow: a ciphertext moved to another row (or to the other token
// column of the same row) does not open there.
func TestAADBindsRow(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, std(4))
	type row struct{ enterprise, team, user string }
	aad := func(column string, r row) []byte {
		return []byte(column + "|" + r.enterprise + "|" + r.team + "|" + r.user)
	}
	alice := row{"", "T1", "U_ALICE"}
	mallory := row{"", "T1", "U_MALLORY"}
	grid := row{"E1", "", "U_ALICE"}

	aliceAccess, err := k.Seal([]byte("xoxp-alice"), aad("access", alice))
	require.NoError(t, err)
	got, err := k.Open(aliceAccess, aad("access", alice))
	require.NoError(t, err)
	assert.Equal(t, "xoxp-alice", string(got))

	for name, wrong := range map[string][]byte{
		"another user":      aad("access", mallory),
		"another team":      aad("access", row{"", "T2", "U_ALICE"}),
		"grid identity":     aad("access", grid),
		"refresh column":    aad("refresh", alice),
		"no row identity":   nil,
		"prefix of aad":     aad("access", alice)[:5],
		"aad with a suffix": append(aad("access", alice), 'x'),
	} {
		_, err := k.Open(aliceAccess, wrong)
		assert.ErrorIs(t, err, ErrDecrypt, name)
	}
}

func TestRotation(t *testing.T) {
	t.Parallel()
	old := mustKeyring(t, std(1)) // bare key = k1
	oldSealed, err := old.Seal([]byte("xoxp-old"), []byte("r"))
	require.NoError(t, err)
	assert.False(t, old.NeedsReseal(oldSealed))

	rotated := mustKeyring(t, "k2:"+std(2)+", k1:"+std(1))
	assert.Equal(t, "k2", rotated.PrimaryID())
	assert.True(t, rotated.NeedsReseal(oldSealed))
	plain, err := rotated.Open(oldSealed, []byte("r"))
	require.NoError(t, err)
	assert.Equal(t, "xoxp-old", string(plain))

	resealed, err := rotated.Seal(plain, []byte("r"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(resealed, "v1.k2."))
	assert.False(t, rotated.NeedsReseal(resealed))

	// After k1 is dropped, old values are refused with ErrUnknownKey.
	dropped := mustKeyring(t, "k2:"+std(2))
	_, err = dropped.Open(oldSealed, []byte("r"))
	require.ErrorIs(t, err, ErrUnknownKey)
	got, err := dropped.Open(resealed, []byte("r"))
	require.NoError(t, err)
	assert.Equal(t, "xoxp-old", string(got))
}

func TestNeedsReseal(t *testing.T) {
	t.Parallel()
	k := mustKeyring(t, "k2:"+std(2)+",k1:"+std(1))
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"v1.k2.AAAA", false},
		{"v1.k1.AAAA", true},
		{"v1.gone.AAAA", true}, // unknown keys need resealing too (and will not open)
		{"", false},
		{"xoxp-123", false},
		{"v2.k1.AAAA", false},
		{"v1.k1.", false},
	} {
		assert.Equal(t, tt.want, k.NeedsReseal(tt.in), tt.in)
	}
}

func TestKeyringDoesNotPrintKeys(t *testing.T) {
	t.Parallel()
	cfg := "k2:" + std(2) + ",k1:" + std(1)
	k := mustKeyring(t, cfg)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, k)
		assertNoKeyMaterial(t, out, cfg)
		assert.Contains(t, out, "primary: k2")
	}
}

func TestEmptyKeyringCannotSeal(t *testing.T) {
	t.Parallel()
	var k Keyring
	_, err := k.Seal([]byte("x"), nil)
	require.Error(t, err)
	_, err = k.Open("v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil)
	require.ErrorIs(t, err, ErrUnknownKey)
}

func FuzzOpen(f *testing.F) {
	k := mustKeyring(f, "k2:"+std(2)+",k1:"+std(1))
	good, err := k.Seal([]byte("xoxp-seed"), []byte("aad"))
	require.NoError(f, err)
	f.Add(good, []byte("aad"))
	f.Add("v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", []byte(nil))
	f.Add("v1..", []byte{})
	f.Add("v1.k9.=", []byte("x"))
	f.Add("....", []byte("."))
	f.Fuzz(func(t *testing.T, sealed string, aad []byte) {
		plain, err := k.Open(sealed, aad)
		if err != nil {
			if plain != nil {
				t.Fatal("plaintext returned with an error")
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrDecrypt) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		// Anything that opens must be authentic: re-sealing round-trips.
		again, err := k.Seal(plain, aad)
		if err != nil {
			t.Fatal(err)
		}
		back, err := k.Open(again, aad)
		if err != nil || !bytes.Equal(back, plain) {
			t.Fatalf("round trip failed: %v", err)
		}
		_ = k.NeedsReseal(sealed)
	})
}

func FuzzParseKeyring(f *testing.F) {
	for _, s := range []string{
		std(1), rawStd(2), "k2:" + std(2) + ",k1:" + std(1), "", ",", ":", "k1:", ":" + std(1),
		"a:b:c", "k1:" + std(1) + ",k1:" + std(1), "====", "\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKeyring(s)
		if err != nil {
			if k != nil {
				t.Fatal("keyring returned with an error")
			}
			return
		}
		if k.PrimaryID() == "" || len(k.ids) == 0 || len(k.ids) != len(k.aeads) {
			t.Fatalf("inconsistent keyring %v", k)
		}
		sealed, err := k.Seal([]byte("p"), []byte("a"))
		if err != nil {
			t.Fatal(err)
		}
		if k.NeedsReseal(sealed) {
			t.Fatal("fresh value needs reseal")
		}
		got, err := k.Open(sealed, []byte("a"))
		if err != nil || string(got) != "p" {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}
