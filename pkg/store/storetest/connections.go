package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// ConnectionsStore is a Store that also lists and revokes one person's
// tokens (SQLite and Postgres).
type ConnectionsStore interface {
	store.Store
	store.Connections
	store.Admin
	store.Policies
	store.UsageLog
}

// RunConnections checks store.Connections against stores made by open
// (new and empty each call; RunConnections closes them).
func RunConnections(t *testing.T, open func(t *testing.T) ConnectionsStore) {
	t.Helper()
	t.Run("Failures", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		in := mustUpsert(t, s, installation("", "T1", "U1"))
		_, err := s.Failure(ctx, in.ID)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.NoError(t, s.SetFailure(ctx, in.ID, "ratelimited", t0))
		require.NoError(t, s.SetFailure(ctx, in.ID, "slack_unreachable", t0.Add(time.Minute)))
		f, err := s.Failure(ctx, in.ID)
		require.NoError(t, err)
		assert.Equal(t, store.Failure{Code: "slack_unreachable", At: ms(t0.Add(time.Minute))}, f, "the last one replaces")
		require.NoError(t, s.SetFailure(ctx, in.ID, strings.Repeat("x", 500), t0))
		f, err = s.Failure(ctx, in.ID)
		require.NoError(t, err)
		assert.Len(t, f.Code, 100, "bounded")
		require.NoError(t, s.SetFailure(ctx, in.ID, "", t0))
		_, err = s.Failure(ctx, in.ID)
		require.ErrorIs(t, err, store.ErrNotFound, "cleared")
		require.NoError(t, s.SetFailure(ctx, "nobody", "", t0), "clearing nothing is fine")

		// The admin filter: failed is active with a failure.
		other := mustUpsert(t, s, installation("", "T1", "U2"))
		require.NoError(t, s.SetFailure(ctx, other.ID, "ratelimited", t0))
		failed, err := s.ListInstallations(ctx, store.InstallationFilter{Status: store.StatusFailed})
		require.NoError(t, err)
		require.Len(t, failed, 1)
		assert.Equal(t, other.ID, failed[0].ID)
		active, err := s.ListInstallations(ctx, store.InstallationFilter{Status: store.StatusActive})
		require.NoError(t, err)
		assert.Len(t, active, 2, "a failed installation is still active")
	})
	t.Run("ListAndRevokePATs", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		mine := mustUpsert(t, s, installation("", "T1", "U1"))
		theirs := mustUpsert(t, s, installation("", "T1", "U2"))
		for _, p := range []store.PAT{
			{Hash: "old", InstallationID: mine.ID, CreatedAt: t0},
			{Hash: "new", InstallationID: mine.ID, CreatedAt: t0.Add(time.Hour), LastUsedAt: t0.Add(2 * time.Hour)},
			{Hash: "gone", InstallationID: mine.ID, CreatedAt: t0, RevokedAt: t0},
			{Hash: "other", InstallationID: theirs.ID, CreatedAt: t0},
		} {
			require.NoError(t, s.CreatePAT(ctx, p))
		}
		got, err := s.ListPATs(ctx, mine.ID)
		require.NoError(t, err)
		require.Len(t, got, 2, "revoked and other people's tokens are left out")
		assert.Equal(t, "new", got[0].Hash, "newest first")
		assert.Equal(t, ms(t0.Add(2*time.Hour)), got[0].LastUsedAt)
		assert.Equal(t, "old", got[1].Hash)

		require.ErrorIs(t, s.RevokePAT(ctx, mine.ID, "other", t0), store.ErrNotFound, "another installation's token cannot be named")
		_, err = s.GetPAT(ctx, "other")
		require.NoError(t, err, "and stays valid")
		require.ErrorIs(t, s.RevokePAT(ctx, mine.ID, "nope", t0), store.ErrNotFound)
		require.NoError(t, s.RevokePAT(ctx, mine.ID, "old", t0))
		require.NoError(t, s.RevokePAT(ctx, mine.ID, "old", t0), "revoking again succeeds")
		_, err = s.GetPAT(ctx, "old")
		require.ErrorIs(t, err, store.ErrNotFound)
		got, err = s.ListPATs(ctx, mine.ID)
		require.NoError(t, err)
		require.Len(t, got, 1)

		require.NoError(t, s.RevokeInstallation(ctx, mine.ID, t0))
		got, err = s.ListPATs(ctx, mine.ID)
		require.NoError(t, err)
		assert.Empty(t, got, "a revoked installation has no tokens")
	})
	t.Run("ListInstallations", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		a := mustUpsert(t, s, installation("", "T1", "U1"))
		b := mustUpsert(t, s, installation("", "T1", "U2"))
		c := mustUpsert(t, s, installation("E1", "T2", "U3"))
		require.NoError(t, s.TouchInstallation(ctx, a.ID, t0.Add(time.Hour)))
		require.NoError(t, s.TouchInstallation(ctx, c.ID, t0.Add(2*time.Hour)))
		require.NoError(t, s.RevokeInstallation(ctx, b.ID, t0))
		ids := func(f store.InstallationFilter) []string {
			list, err := s.ListInstallations(ctx, f)
			require.NoError(t, err)
			var out []string
			for _, in := range list {
				out = append(out, in.ID)
			}
			return out
		}
		assert.Equal(t, []string{c.ID, a.ID, b.ID}, ids(store.InstallationFilter{}), "most recently used first, never used last")
		assert.Equal(t, []string{a.ID, b.ID}, ids(store.InstallationFilter{TeamID: "T1"}))
		assert.Equal(t, []string{b.ID}, ids(store.InstallationFilter{Status: store.StatusRevoked}))
		assert.Equal(t, []string{c.ID}, ids(store.InstallationFilter{UsedSince: t0.Add(90 * time.Minute)}))
		assert.Equal(t, []string{a.ID, b.ID}, ids(store.InstallationFilter{UsedBefore: t0.Add(90 * time.Minute)}))
		assert.Equal(t, []string{c.ID}, ids(store.InstallationFilter{Limit: 1}))
	})
	t.Run("WorkspacePolicies", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		_, err := s.GetWorkspacePolicy(ctx, "T1")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.ErrorIs(t, s.DeleteWorkspacePolicy(ctx, "T1"), store.ErrNotFound)
		p := store.WorkspacePolicy{TeamID: "T1", Rules: map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "C1,C2"}, UpdatedAt: t0, UpdatedBy: "U1"}
		require.NoError(t, s.PutWorkspacePolicy(ctx, p))
		got, err := s.GetWorkspacePolicy(ctx, "T1")
		require.NoError(t, err)
		assert.Equal(t, store.WorkspacePolicy{TeamID: "T1", Rules: p.Rules, UpdatedAt: ms(t0), UpdatedBy: "U1"}, got)
		p.Rules = map[string]string{"SLACK_MCP_STATUS_TOOL": "false"}
		require.NoError(t, s.PutWorkspacePolicy(ctx, p), "replacing")
		require.NoError(t, s.PutWorkspacePolicy(ctx, store.WorkspacePolicy{TeamID: "T0", UpdatedAt: t0, UpdatedBy: "token"}))
		list, err := s.ListWorkspacePolicies(ctx)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, "T0", list[0].TeamID)
		assert.Equal(t, map[string]string{"SLACK_MCP_STATUS_TOOL": "false"}, list[1].Rules)
		require.NoError(t, s.DeleteWorkspacePolicy(ctx, "T1"))
		_, err = s.GetWorkspacePolicy(ctx, "T1")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.Error(t, s.PutWorkspacePolicy(ctx, store.WorkspacePolicy{}), "a team ID is required")
	})
	t.Run("People", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		up := func(team, user string, at time.Time) store.Installation {
			in := installation("", team, user)
			in.InstalledAt = at
			return mustUpsert(t, s, in)
		}
		a, b, c := up("T1", "U1", t0), up("T2", "U9", t0.Add(time.Minute)), up("T3", "U7", t0.Add(2*time.Minute))
		stranger := up("T1", "U2", t0)
		ids := func(id string) []string {
			list, err := s.PersonInstallations(ctx, id)
			require.NoError(t, err)
			var out []string
			for _, in := range list {
				out = append(out, in.ID)
			}
			return out
		}
		assert.Equal(t, []string{a.ID}, ids(a.ID), "alone at first")
		require.NoError(t, s.LinkInstallations(ctx, a.ID, b.ID))
		require.NoError(t, s.LinkInstallations(ctx, a.ID, b.ID), "linking again changes nothing")
		assert.Equal(t, []string{a.ID, b.ID}, ids(b.ID), "oldest first, from either side")
		// c links to b: the whole person comes together.
		require.NoError(t, s.LinkInstallations(ctx, c.ID, b.ID))
		assert.Equal(t, []string{a.ID, b.ID, c.ID}, ids(a.ID))
		assert.Equal(t, []string{stranger.ID}, ids(stranger.ID), "another person is untouched")
		require.ErrorIs(t, s.LinkInstallations(ctx, a.ID, "nope"), store.ErrNotFound)
		_, err := s.PersonInstallations(ctx, "nope")
		require.ErrorIs(t, err, store.ErrNotFound)
		require.NoError(t, s.RevokeInstallation(ctx, b.ID, t0))
		assert.Equal(t, []string{a.ID, b.ID, c.ID}, ids(c.ID), "revoked ones still listed")
	})
	t.Run("Usage", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		require.NoError(t, s.AddUsage(ctx, nil))
		require.NoError(t, s.AddUsage(ctx, []store.UsageDelta{
			{TeamID: "T1", Day: "2025-03-13", ToolCalls: 100},
			{TeamID: "T1", Day: "2025-03-14", ToolCalls: 5, RateLimited: 1},
			{TeamID: "T2", Day: "2025-03-14", ToolCalls: 7},
		}))
		require.NoError(t, s.AddUsage(ctx, []store.UsageDelta{{TeamID: "T1", Day: "2025-03-14", ToolCalls: 3, RateLimited: 2}}), "replicas add up")
		got, err := s.ListUsage(ctx, "2025-03-14")
		require.NoError(t, err)
		assert.Equal(t, []store.Usage{{TeamID: "T1", ToolCalls: 8, RateLimited: 3}, {TeamID: "T2", ToolCalls: 7}}, got)
		got, err = s.ListUsage(ctx, "2025-03-01")
		require.NoError(t, err)
		assert.Equal(t, int64(108), got[0].ToolCalls)
	})
	t.Run("ClientUses", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		ctx := context.Background()
		require.NoError(t, s.TouchClientUse(ctx, "i1", "c1", t0.Add(time.Hour)))
		require.NoError(t, s.TouchClientUse(ctx, "i1", "c1", t0), "never backwards")
		require.NoError(t, s.TouchClientUse(ctx, "i1", "c2", t0))
		require.NoError(t, s.TouchClientUse(ctx, "i2", "c1", t0.Add(2*time.Hour)))
		got, err := s.ClientUses(ctx, "i1")
		require.NoError(t, err)
		assert.Equal(t, map[string]time.Time{"c1": ms(t0.Add(time.Hour)), "c2": ms(t0)}, got)
	})
}
