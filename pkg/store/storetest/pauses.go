package storetest

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// testSlackPauses: a pause is kept per (scope, method, channel) with the
// latest end any replica recorded, and listed while it lasts.
func testSlackPauses(t *testing.T, s store.Store) {
	p, ok := s.(store.SlackPauses)
	if !ok {
		t.Skip("backend does not share Slack pauses")
	}
	ctx := context.Background()
	hist := store.SlackPause{Scope: "team:T1", Method: "conversations.history", Until: t0.Add(30 * time.Second)}
	require.NoError(t, p.PauseSlack(ctx, hist))
	shorter := hist
	shorter.Until = t0.Add(10 * time.Second)
	require.NoError(t, p.PauseSlack(ctx, shorter), "a shorter pause does not shorten it")
	post := store.SlackPause{Scope: "team:T1", Method: "chat.postMessage", Channel: "C1", Until: t0.Add(time.Minute)}
	require.NoError(t, p.PauseSlack(ctx, post))
	require.NoError(t, p.PauseSlack(ctx, store.SlackPause{Scope: "team:T2", Method: "users.list", Until: t0.Add(-time.Second)}))

	got, err := p.SlackPausesAfter(ctx, t0)
	require.NoError(t, err)
	sort.Slice(got, func(i, j int) bool { return got[i].Method < got[j].Method })
	require.Len(t, got, 2, "the ended one is not listed")
	assert.Equal(t, post.Channel, got[0].Channel)
	assert.Equal(t, ms(post.Until), got[0].Until)
	assert.Equal(t, ms(hist.Until), got[1].Until)

	longer := hist
	longer.Until = t0.Add(2 * time.Minute)
	require.NoError(t, p.PauseSlack(ctx, longer))
	got, err = p.SlackPausesAfter(ctx, t0.Add(90*time.Second))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, ms(longer.Until), got[0].Until, "a longer pause extends it")

	require.Error(t, p.PauseSlack(ctx, store.SlackPause{Method: "x", Until: t0}), "a scope is required")
}
