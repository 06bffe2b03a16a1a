package provider

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// Validated tells the Bearer middleware which tokens cost no Slack call:
// validated ones and cached refusals, until they expire.
func TestValidatedKnowsWhatCostsNoSlackCall(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 1), slackemu.Options{})
	m, clock := newMultiFor(t, newFactory(t, emu.URL), nil)
	good, bad := userToken("T1", 0), "xoxp-made-up-0001"
	require.False(t, m.Validated(good))
	require.False(t, m.Validated(bad))

	_, err := m.Authenticate(context.Background(), good)
	require.NoError(t, err)
	_, err = m.Authenticate(context.Background(), bad)
	require.Error(t, err)
	require.True(t, m.Validated(good))
	require.True(t, m.Validated(" "+good+" "), "as Authenticate, surrounding space is ignored")
	require.True(t, m.Validated(bad), "a cached refusal costs no call either")

	clock.Advance(24 * time.Hour)
	require.False(t, m.Validated(good))
	require.False(t, m.Validated(bad))
}
