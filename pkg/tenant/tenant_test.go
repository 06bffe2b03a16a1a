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
