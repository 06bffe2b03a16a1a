package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// testEndedSessions: an ended MCP session is remembered with its first
// end time.
func testEndedSessions(t *testing.T, s store.Store) {
	e, ok := s.(store.EndedSessions)
	if !ok {
		t.Skip("backend does not record ended sessions")
	}
	ctx := context.Background()
	now := t0
	_, ended, err := e.SessionEndedAt(ctx, "h1")
	require.NoError(t, err)
	assert.False(t, ended)

	require.NoError(t, e.EndSession(ctx, "h1", now))
	require.NoError(t, e.EndSession(ctx, "h1", now.Add(time.Hour)), "ending again is fine")
	at, ended, err := e.SessionEndedAt(ctx, "h1")
	require.NoError(t, err)
	assert.True(t, ended)
	assert.Equal(t, ms(now), at, "the first end time is kept")

	_, ended, err = e.SessionEndedAt(ctx, "h2")
	require.NoError(t, err)
	assert.False(t, ended, "only that session")

	require.Error(t, e.EndSession(ctx, "", now), "a session hash is required")
}
