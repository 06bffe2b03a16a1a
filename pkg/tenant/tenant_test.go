package tenant

import (
	"context"
	"testing"
)

func TestAllows(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		c           *Caller
		read, write bool
	}{
		{name: "no caller", c: nil},
		{name: "unrestricted", c: &Caller{}, read: true, write: true},
		{name: "empty grant", c: &Caller{Scopes: []string{}}},
		{name: "read", c: &Caller{Scopes: []string{ScopeRead}}, read: true},
		{name: "write implies read", c: &Caller{Scopes: []string{ScopeWrite}}, read: true, write: true},
		{name: "both", c: &Caller{Scopes: []string{ScopeRead, ScopeWrite}}, read: true, write: true},
		{name: "foreign scope", c: &Caller{Scopes: []string{"offline_access", "slack:admin"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.c.Allows(ScopeRead); got != tc.read {
				t.Errorf("Allows(read) = %v", got)
			}
			if got := tc.c.Allows(ScopeWrite); got != tc.write {
				t.Errorf("Allows(write) = %v", got)
			}
		})
	}
}

func TestWithFrom(t *testing.T) {
	t.Parallel()
	if From(context.Background()) != nil {
		t.Fatal("empty context has a caller")
	}
	c := &Caller{Key: "k"}
	if From(With(context.Background(), c)) != c {
		t.Fatal("caller lost")
	}
}

func TestKeyOf(t *testing.T) {
	t.Parallel()
	// The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	for _, tc := range []struct{ in, key, fp string }{
		{"abc", abc, abc[:12]},
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc"},
	} {
		if got := KeyOf(tc.in); got != tc.key {
			t.Errorf("KeyOf(%q) = %s, want %s", tc.in, got, tc.key)
		}
		if got := Fingerprint(tc.in); got != tc.fp {
			t.Errorf("Fingerprint(%q) = %s, want %s", tc.in, got, tc.fp)
		}
	}
}
