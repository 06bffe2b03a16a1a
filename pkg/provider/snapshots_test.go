package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/memory"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

// Two replicas sharing the store: the second serves the workspace's users
// and the person's channels from the first one's snapshots, with no
// users.list or conversations.list of its own; the snapshots are sealed
// at rest.
func TestMultiReplicasShareDirectories(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 3), slackemu.Options{})
	st := memory.New(store.Options{})
	snaps := SealedSnapshots{Store: st, Keys: testkit.Keyring(t)}
	replica := func() testMulti {
		m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) { o.Snapshots = snaps })
		return m
	}
	ready := func(m testMulti, tok string) {
		s, err := m.Session(withCaller(t, m, tok))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, s.Users.WaitReady(ctx))
		require.NoError(t, s.Channels.WaitReady(ctx))
	}
	ready(replica(), userToken("T1", 0))
	require.Equal(t, 1, emu.Calls("users.list"))
	require.Equal(t, 1, emu.Calls("conversations.list"))

	second := replica()
	ready(second, userToken("T1", 0))
	assert.Equal(t, 1, emu.Calls("users.list"), "the second replica starts warm")
	assert.Equal(t, 1, emu.Calls("conversations.list"))
	s, err := second.Session(withCaller(t, second, userToken("T1", 0)))
	require.NoError(t, err)
	u, ok := s.Users.Cached(userID(1))
	require.True(t, ok)
	assert.Equal(t, "user1", u.Name)

	raw, _, found, err := st.LoadSnapshot(context.Background(), "users//T1")
	require.NoError(t, err)
	require.True(t, found)
	assert.False(t, strings.Contains(string(raw), "user1"), "sealed at rest")
}
