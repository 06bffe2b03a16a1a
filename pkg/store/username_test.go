package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// TestInstallationUserNameSurvivesReopen: the person's Slack name is a
// column of migration 0004, kept across a reopen of the file (the
// conformance suite checks the rest on every backend).
func TestInstallationUserNameSurvivesReopen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s := openSQLite(t, path)
	in := store.Installation{TeamID: "T1", TeamName: "Acme", UserID: "U1", Scopes: []string{"users:read"}}
	for _, tc := range []struct{ send, want string }{
		{"", ""},
		{"Alice Ames", "Alice Ames"},
		{"", ""},
		{"Alice B. Ames", "Alice B. Ames"},
	} {
		in.UserName = tc.send
		got, err := s.UpsertInstallation(ctx, in)
		require.NoError(t, err)
		require.Equal(t, tc.want, got.UserName, "sent %q", tc.send)
		found, err := s.FindInstallation(ctx, "", "T1", "U1")
		require.NoError(t, err)
		require.Equal(t, tc.want, found.UserName)
	}
	require.NoError(t, s.Close())

	s = openSQLite(t, path)
	defer s.Close()
	found, err := s.FindInstallation(ctx, "", "T1", "U1")
	require.NoError(t, err)
	require.Equal(t, "Alice B. Ames", found.UserName)
}
