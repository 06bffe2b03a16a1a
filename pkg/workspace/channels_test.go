package workspace

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

func warmChannels(t *testing.T, c *Channels) {
	t.Helper()
	c.Start(t.Context())
	require.Eventually(t, c.Ready, waitFor, tick)
}

func TestChannelsAnswerBeforeWarm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := NewChannels(e.api, e.opts())

	got, err := c.Get(t.Context(), "C1")
	require.NoError(t, err)
	assert.Equal(t, Channel{
		ID: "C1", Name: "general", Topic: "Company news", Purpose: "Everyone",
		MemberCount: 3, Created: 1700000000, IsMember: true,
	}, got)
	assert.Equal(t, 1, e.totalCalls())

	_, err = c.Get(t.Context(), "C1")
	require.NoError(t, err)
	assert.Equal(t, 1, e.calls("conversations.info"), "the result is cached")
	assert.True(t, e.sent("conversations.info")[0].Get("include_num_members") == "true")

	_, err = c.Get(t.Context(), "C404")
	require.ErrorIs(t, err, ErrNotFound)
	assert.False(t, c.Ready())
}

func TestChannelsWarm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := NewChannels(e.api, e.opts())
	warmChannels(t, c)
	before := e.totalCalls()

	require.Equal(t, 6, c.Len())
	byID := map[string]Channel{}
	for _, ch := range c.All() {
		byID[ch.ID] = ch
	}
	assert.Equal(t, Channel{ID: "C2", Name: "secret-plans", MemberCount: 2, IsPrivate: true, IsMember: true}, byID["C2"])
	assert.True(t, byID["C3"].IsArchived, "archived conversations are listed")
	assert.True(t, byID["C4"].IsExtShared)
	assert.Equal(t, Channel{ID: "D1", Name: "U1", IsPrivate: true, IsIM: true, IsMember: true, PeerUserID: "U1"}, withoutCreated(byID["D1"]))
	mpim := byID["G1"]
	assert.True(t, mpim.IsMPIM && mpim.IsPrivate)
	assert.True(t, strings.HasPrefix(mpim.Name, "mpdm-") && strings.HasSuffix(mpim.Name, "-1"), mpim.Name)

	tests := []struct {
		name, query, want string
	}{
		{"plain", "general", "C1"},
		{"hash", "#general", "C1"},
		{"case-insensitive", "#GENERAL", "C1"},
		{"private", "Secret-Plans", "C2"},
		{"archived", "old-stuff", "C3"},
		{"ID", "C4", "C4"},
		{"mpim", mpim.Name, "G1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.Find(t.Context(), tt.query)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.ID)
		})
	}
	t.Cleanup(func() {
		assert.Equal(t, before, e.totalCalls(), "a warm directory answers without Slack")
	})
}

func withoutCreated(ch Channel) Channel {
	ch.Created = 0
	return ch
}

func TestChannelsFindMissRefreshesAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := NewChannels(e.api, e.opts()) // MinRefreshInterval 30s
	warmChannels(t, c)
	require.Equal(t, 1, e.calls("conversations.list"))

	e.ws.AddChannel(slackemu.Channel{ID: "C9", Name: "launch", Members: []string{"U0"}})
	_, err := c.Find(t.Context(), "launch")
	require.ErrorIs(t, err, ErrNotFound, "a sweep ran less than 30s ago")
	assert.Equal(t, 1, e.calls("conversations.list"))

	e.clock.Advance(31 * time.Second)
	got, err := c.Find(t.Context(), "#launch")
	require.NoError(t, err, "the miss refreshed the directory")
	assert.Equal(t, "C9", got.ID)
	assert.Equal(t, 2, e.calls("conversations.list"))

	for range 3 {
		_, err = c.Find(t.Context(), "nope")
		require.ErrorIs(t, err, ErrNotFound)
	}
	assert.Equal(t, 2, e.calls("conversations.list"))

	e.clock.Advance(31 * time.Second)
	_, err = c.Find(t.Context(), "nope")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, 3, e.calls("conversations.list"))
}

func TestChannelsDMWith(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := NewChannels(e.api, e.opts())
	warmChannels(t, c)
	before := e.totalCalls()

	dm, err := c.DMWith(t.Context(), "U1")
	require.NoError(t, err)
	assert.Equal(t, "D1", dm.ID)
	assert.Equal(t, before, e.totalCalls(), "a known IM costs nothing")

	var wg sync.WaitGroup
	ids := make(chan string, 10)
	for range 10 {
		wg.Go(func() {
			dm, err := c.DMWith(t.Context(), "U4")
			assert.NoError(t, err)
			ids <- dm.ID
		})
	}
	wg.Wait()
	close(ids)
	var first string
	for id := range ids {
		if first == "" {
			first = id
		}
		assert.Equal(t, first, id)
	}
	assert.Equal(t, 1, e.calls("conversations.open"), "opened once")
	assert.Equal(t, []string{"U4"}, e.sent("conversations.open")[0]["users"])

	got, ok := c.Cached(first)
	require.True(t, ok)
	assert.True(t, got.IsIM)
	assert.Equal(t, "U4", got.PeerUserID)
	assert.Equal(t, "U4", got.Name)

	_, err = c.DMWith(t.Context(), "U404")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestChannelsPut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := NewChannels(e.api, e.opts())
	warmChannels(t, c)

	c.Put(Channel{ID: "C77", Name: "Shared-Elsewhere"})
	c.Put(Channel{ID: "C1", Name: "announcements", Topic: "renamed"})
	c.Put(Channel{}) // ignored

	got, ok := c.lookup("announcements", "announcements")
	require.True(t, ok)
	assert.Equal(t, "C1", got.ID)
	_, ok = c.lookup("general", "general")
	assert.False(t, ok, "the old name is gone")
	got, ok = c.lookup("shared-elsewhere", "shared-elsewhere")
	require.True(t, ok)
	assert.Equal(t, "C77", got.ID)
	assert.Equal(t, 7, c.Len())

	// The next sweep brings Slack's view of C1 back and keeps C77.
	e.clock.Advance(2 * time.Hour)
	_, err := c.Get(t.Context(), "C1")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return e.calls("conversations.list") == 2 && c.r.running() == nil }, waitFor, tick)
	ch, _ := c.Cached("C1")
	assert.Equal(t, "general", ch.Name)
	_, ok = c.Cached("C77")
	assert.True(t, ok, "learned conversations survive sweeps")
	all := c.All()
	require.Len(t, all, 7)
	assert.Equal(t, "C77", all[4].ID, "All is sorted by ID")
}

func TestChannelsTeamIDPassedThrough(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.opts()
	o.TeamID = "T1"
	c := NewChannels(e.api, o)
	warmChannels(t, c)
	sent := e.sent("conversations.list")
	require.Len(t, sent, 1)
	assert.Equal(t, "T1", sent[0].Get("team_id"))
	assert.Equal(t, "public_channel,private_channel,mpim,im", sent[0].Get("types"))
	assert.Empty(t, sent[0].Get("exclude_archived"))

	// Slack ignores team_id for workspace-level tokens
	// (docs.slack.dev/reference/methods/conversations.list); only org-wide
	// tokens are refused a workspace they were not granted.
	o.TeamID = "T-other"
	other := NewChannels(e.api, o)
	warmChannels(t, other)
	assert.True(t, other.Ready())
}

func TestChannelsFindWaitsForWarmSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := e.hold(t, "conversations.list")
	c := NewChannels(e.api, e.opts())
	c.Start(t.Context())

	short, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Find(short, "general")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	done := make(chan error, 1)
	go func() { _, err := c.Find(t.Context(), "general"); done <- err }()
	release()
	require.NoError(t, <-done)
	assert.Equal(t, 1, e.calls("conversations.list"))
}
