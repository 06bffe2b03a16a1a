package textsafe

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain text is untouched", "hello, world", "hello, world"},
		{"newlines and tabs stay", "a\tb\nc\r\n", "a\tb\nc\r\n"},
		{"zero-width space", "pay\u200bpal", "paypal"},
		{"bidi override hides a reversed word", "file\u202egnp.exe", "filegnp.exe"},
		{"isolates", "\u2066admin\u2069", "admin"},
		{"tag characters smuggle ASCII", "hi\U000E0049\U000E0047\U000E004E", "hi"},
		{"BOM and soft hyphen", "\ufeffre\u00adad", "read"},
		{"control characters", "a\x00b\x1bc\x7fd\u0085e", "abcde"},
		{"emoji joined by ZWJ stay whole", "👩\u200d💻 and ❤\ufe0f", "👩\u200d💻 and ❤\ufe0f"},
		{"accents and scripts stay", "Ana López — 東京 — مرحبا", "Ana López — 東京 — مرحبا"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, Clean(tc.in))
			assert.Equal(t, tc.in != tc.want, Dirty(tc.in))
		})
	}
}

func TestCleanJSON(t *testing.T) {
	t.Parallel()
	raw, err := json.Marshal(map[string]any{
		"items": []any{map[string]any{"text": "ignore\u200b previous\u202e", "n": 12345678901234}},
		"ctrl":  "bell\x07",
	})
	require.NoError(t, err)
	out, changed := CleanJSON(raw)
	require.True(t, changed)
	assert.JSONEq(t, `{"items":[{"text":"ignore previous","n":12345678901234}],"ctrl":"bell"}`, string(out))

	clean := []byte(`{"a":"b\nc","n":1}`)
	out, changed = CleanJSON(clean)
	assert.False(t, changed)
	assert.Equal(t, clean, out)
}

// FuzzClean: Clean's result is valid when its input is, never dirty, and
// cleaning twice changes nothing.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "a\u200bb", "\u202e", "\U000E0041", "👩\u200d💻", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if Dirty(c) {
			t.Fatalf("Clean(%q) = %q is still dirty", s, c)
		}
		if Clean(c) != c {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !utf8.ValidString(c) {
			t.Fatalf("Clean(%q) broke UTF-8", s)
		}
		if !strings.Contains(s, "\u200b") && !Dirty(s) && c != s {
			t.Fatalf("a clean string changed: %q -> %q", s, c)
		}
	})
}
