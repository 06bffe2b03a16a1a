package usage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

type fakeLog struct {
	fail  bool
	added []store.UsageDelta
}

func (f *fakeLog) AddUsage(_ context.Context, d []store.UsageDelta) error {
	if f.fail {
		return errors.New("database down")
	}
	f.added = append(f.added, d...)
	return nil
}

func (f *fakeLog) ListUsage(context.Context, string) ([]store.Usage, error) { return nil, nil }

func TestCounterFlushes(t *testing.T) {
	now := time.Date(2025, 3, 14, 23, 59, 0, 0, time.UTC)
	c := New(func() time.Time { return now })
	c.ToolCall("T1")
	c.ToolCall("T1")
	c.RateLimited("T1")
	c.ToolCall("")    // no workspace: not counted
	var nilC *Counter // a server without a store counts nothing
	nilC.ToolCall("T1")
	now = now.Add(2 * time.Minute) // the next UTC day
	c.ToolCall("T1")

	log := &fakeLog{fail: true}
	require.Error(t, c.Flush(context.Background(), log))
	log.fail = false
	c.ToolCall("T2")
	require.NoError(t, c.Flush(context.Background(), log))
	assert.ElementsMatch(t, []store.UsageDelta{
		{TeamID: "T1", Day: "2025-03-14", ToolCalls: 2, RateLimited: 1},
		{TeamID: "T1", Day: "2025-03-15", ToolCalls: 1},
		{TeamID: "T2", Day: "2025-03-15", ToolCalls: 1},
	}, log.added, "a failed flush keeps its counts")
	log.added = nil
	require.NoError(t, c.Flush(context.Background(), log))
	assert.Empty(t, log.added, "nothing twice")
}
