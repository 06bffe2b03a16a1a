package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestToolsetsOfPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rest string
		want []string
		ok   bool
	}{
		{"/readonly", []string{"read"}, true},
		{"/readonly/", []string{"read"}, true},
		{"/x/search", []string{"search"}, true},
		{"/x/conversations,reactions", []string{"conversations", "reactions"}, true},
		{"/x/conversations/readonly", []string{"conversations", "read"}, true},
		{"", nil, false},
		{"/", nil, false},
		{"/x", nil, false},
		{"/x/", nil, false},
		{"/x/search/writeonly", nil, false},
		{"/x/search/readonly/more", nil, false},
		{"/y/search", nil, false},
		{"/writeonly", nil, false},
	} {
		got, ok := ToolsetsOfPath(tc.rest)
		assert.Equal(t, tc.ok, ok, tc.rest)
		assert.Equal(t, tc.want, got, tc.rest)
	}
}

// FuzzToolsetsOfPath: URL paths come from anyone; no path panics, and the
// names found are never empty lists.
func FuzzToolsetsOfPath(f *testing.F) {
	for _, s := range []string{"/readonly", "/x/a,b/readonly", "//x//", "/x/,/readonly"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		if names, ok := ToolsetsOfPath(rest); ok && len(names) == 0 {
			t.Fatalf("%q: ok without names", rest)
		}
	})
}
