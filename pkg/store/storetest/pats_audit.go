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

// Personal access tokens, audit events, and canceled contexts.

func testPATRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	p := store.PAT{Hash: strings.Repeat("ab", 32), InstallationID: in.ID, CreatedAt: t0}
	require.NoError(t, s.CreatePAT(ctx, p))
	got, err := s.GetPAT(ctx, p.Hash)
	require.NoError(t, err)
	assert.Equal(t, store.PAT{Hash: p.Hash, InstallationID: in.ID, CreatedAt: ms(t0)}, got)

	// A zero CreatedAt is filled in by the backend clock.
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h2", InstallationID: in.ID}))
	got, err = s.GetPAT(ctx, "h2")
	require.NoError(t, err)
	assert.False(t, got.CreatedAt.IsZero())

	// A token created already revoked is never returned.
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h3", InstallationID: in.ID, CreatedAt: t0, RevokedAt: t0}))
	_, err = s.GetPAT(ctx, "h3")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testPATErrors(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	other := mustUpsert(t, s, installation("", "T2", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: in.ID, CreatedAt: t0}))
	require.ErrorIs(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: other.ID, CreatedAt: t0}), store.ErrAlreadyExists)
	got, err := s.GetPAT(ctx, "h")
	require.NoError(t, err)
	assert.Equal(t, in.ID, got.InstallationID, "a duplicate must not re-point a token to another tenant")
	require.ErrorIs(t, s.CreatePAT(ctx, store.PAT{Hash: "x", InstallationID: "inst_missing", CreatedAt: t0}), store.ErrNotFound)
	require.Error(t, s.CreatePAT(ctx, store.PAT{InstallationID: in.ID, CreatedAt: t0}), "empty hash")
	_, err = s.GetPAT(ctx, "unknown")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetPAT(ctx, "")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testTouchPAT(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := mustUpsert(t, s, installation("", "T1", "U1"))
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: in.ID, CreatedAt: t0}))
	later := t0.Add(time.Hour)
	require.NoError(t, s.TouchPAT(ctx, "h", later))
	require.NoError(t, s.TouchPAT(ctx, "h", t0))
	got, err := s.GetPAT(ctx, "h")
	require.NoError(t, err)
	assert.Equal(t, ms(later), got.LastUsedAt)
	require.ErrorIs(t, s.TouchPAT(ctx, "unknown", t0), store.ErrNotFound)
}

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	events := []store.AuditEvent{
		{At: t0, Event: "oauth_initiated", TeamID: "T1", UserID: "U1", Outcome: "ok"},
		{At: t0.Add(time.Second), Event: "oauth_completed", EnterpriseID: "E1", TeamID: "T1", UserID: "U1", Outcome: "ok", Detail: "scopes=3"},
		{At: t0.Add(2 * time.Second), Event: "tool_write", TeamID: "T1", UserID: "U1", Tool: "conversations_add_message", Channel: "C1", MessageTS: "1700000000.000100", Outcome: "ok"},
		{At: t0.Add(2 * time.Second), Event: "tool_write", TeamID: "T2", UserID: "U9", Tool: "reactions_add", Channel: "C2", MessageTS: "1700000000.000200", Outcome: "error"},
		{At: t0.Add(3 * time.Second), Event: "token_revoked", TeamID: "T1", UserID: "U2", Outcome: "ok"},
		{At: t0.Add(-time.Hour), Event: "oauth_failed", TeamID: "T2", Outcome: "access_denied"}, // appended late, older
	}
	for _, e := range events {
		require.NoError(t, s.AppendAudit(ctx, e))
	}
	all, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, all, len(events))
	order := func(list []store.AuditEvent) []string {
		var out []string
		for _, e := range list {
			out = append(out, e.Event+"/"+e.TeamID+"/"+e.UserID)
		}
		return out
	}
	// Newest first; equal times: later appended first.
	assert.Equal(t, []string{
		"token_revoked/T1/U2", "tool_write/T2/U9", "tool_write/T1/U1",
		"oauth_completed/T1/U1", "oauth_initiated/T1/U1", "oauth_failed/T2/",
	}, order(all))
	ids := map[int64]bool{}
	for _, e := range all {
		assert.NotZero(t, e.ID)
		assert.False(t, ids[e.ID], "IDs are unique")
		ids[e.ID] = true
	}
	assert.Greater(t, all[1].ID, all[2].ID)
	// Every field round-trips.
	expect := events[2]
	expect.At = ms(expect.At)
	expect.ID = all[2].ID
	assert.Equal(t, expect, all[2])

	for _, tt := range []struct {
		name string
		f    store.AuditFilter
		want []string
	}{
		{"event", store.AuditFilter{Event: "tool_write"}, []string{"tool_write/T2/U9", "tool_write/T1/U1"}},
		{"team", store.AuditFilter{TeamID: "T2"}, []string{"tool_write/T2/U9", "oauth_failed/T2/"}},
		{"user", store.AuditFilter{UserID: "U1"}, []string{"tool_write/T1/U1", "oauth_completed/T1/U1", "oauth_initiated/T1/U1"}},
		{"since inclusive", store.AuditFilter{Since: t0.Add(2 * time.Second)}, []string{"token_revoked/T1/U2", "tool_write/T2/U9", "tool_write/T1/U1"}},
		{"limit", store.AuditFilter{Limit: 2}, []string{"token_revoked/T1/U2", "tool_write/T2/U9"}},
		{"combined", store.AuditFilter{TeamID: "T1", UserID: "U1", Since: t0.Add(time.Second), Limit: 1}, []string{"tool_write/T1/U1"}},
		{"team and event", store.AuditFilter{TeamID: "T1", Event: "tool_write"}, []string{"tool_write/T1/U1"}},
		{"nothing", store.AuditFilter{TeamID: "T3"}, nil},
		{"negative limit is no limit", store.AuditFilter{Event: "tool_write", Limit: -1}, []string{"tool_write/T2/U9", "tool_write/T1/U1"}},
	} {
		got, err := s.ListAudit(ctx, tt.f)
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, order(got), tt.name)
	}
}

func testAuditDefaults(t *testing.T, s store.Store) {
	ctx := context.Background()
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{Event: "oauth_initiated", ID: 999}))
	got, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.False(t, got[0].At.IsZero(), "a zero At is filled in by the backend clock")
	require.Error(t, s.AppendAudit(ctx, store.AuditEvent{At: t0}), "an event needs a name")
}

func testCanceledContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.GetInstallation(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.CreatePending(ctx, pending("c")), context.Canceled)
	_, err = s.ConsumePending(ctx, "c", t0)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.ListAudit(ctx, store.AuditFilter{})
	require.ErrorIs(t, err, context.Canceled)
}
