package tools

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckFilename: an accepted name is a plain, printable name Slack can show.
func FuzzCheckFilename(f *testing.F) {
	for _, s := range []string{"notes.md", "", "..", "a/b", `a\b`, "a\x00b", strings.Repeat("é", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if checkFilename(name) != nil {
			return
		}
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || utf8.RuneCountInString(name) > 255 ||
			strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			t.Fatalf("accepted %q", name)
		}
	})
}

// FuzzDecodeBase64: every standard or URL-safe encoding, padded or not, decodes back.
func FuzzDecodeBase64(f *testing.F) {
	f.Add([]byte("hello there"))
	f.Add([]byte{0xfb, 0xff, 0xfe})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			got, err := decodeBase64(enc.EncodeToString(b))
			if err != nil || !bytes.Equal(got, b) {
				t.Fatalf("%q: got %q, %v", enc.EncodeToString(b), got, err)
			}
		}
	})
}

func TestReadUploadPath(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "ok.txt"), "hello")
	write(filepath.Join(dir, "big.txt"), strings.Repeat("x", 20))
	write(filepath.Join(outside, "secret.txt"), "secret")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "escape.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "ok.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	errBig := errors.New("too big")
	tooBig := func(int64) error { return errBig }
	for _, tc := range []struct {
		dir, path, want, err string
	}{
		{dir, "ok.txt", "hello", ""},
		{dir, filepath.Join(dir, "ok.txt"), "hello", ""},
		{dir, "link.txt", "hello", ""}, // a link that stays inside is fine
		{dir, "escape.txt", "", "outside the upload directory"},
		{dir, "../" + filepath.Base(outside) + "/secret.txt", "", "outside the upload directory"},
		{dir, filepath.Join(outside, "secret.txt"), "", "outside the upload directory"},
		{dir, "missing.txt", "", "does not exist"},
		{dir, "sub", "", "not a regular file"},
		{dir, "big.txt", "", "too big"},
		{"", "ok.txt", "", "SLACK_MCP_UPLOAD_DIR"},
	} {
		got, err := readUploadPath(tc.dir, tc.path, 10, tooBig)
		if tc.err == "" {
			if err != nil || string(got) != tc.want {
				t.Errorf("%s: got %q, %v", tc.path, got, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.path, err, tc.err)
		}
	}
}
