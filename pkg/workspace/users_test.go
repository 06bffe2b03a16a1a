package workspace

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// warmUsers starts u and waits for its first sweep.
func warmUsers(t *testing.T, u *Users) {
	t.Helper()
	u.Start(t.Context())
	require.Eventually(t, u.Ready, waitFor, tick)
}

func TestUsersAnswerBeforeWarm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts())

	got, err := u.Get(t.Context(), "U1")
	require.NoError(t, err)
	assert.Equal(t, User{
		ID: "U1", Name: "jsmith", RealName: "John Smith", DisplayName: "Johnny",
		Email: "john.smith@acme.test", Title: "Engineer", TZ: "Europe/Paris",
	}, got)
	assert.Equal(t, 1, e.totalCalls(), "a miss costs exactly one users.info")

	_, err = u.Get(t.Context(), "U1")
	require.NoError(t, err)
	cached, ok := u.Cached("U1")
	assert.True(t, ok)
	assert.Equal(t, got, cached)
	assert.Equal(t, 1, e.calls("users.info"), "the result is cached")

	_, err = u.Get(t.Context(), "U404")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = u.Get(t.Context(), "")
	require.ErrorIs(t, err, ErrNotFound)
	assert.False(t, u.Ready())
}

func TestUsersStartReturnsAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := e.hold(t, "users.list")
	u := NewUsers(e.api, e.opts())
	u.Start(t.Context()) // must not wait for the held sweep
	assert.False(t, u.Ready())

	got, err := u.Get(t.Context(), "U3")
	require.NoError(t, err, "answers through users.info while warming")
	assert.Equal(t, "ana", got.Name)
	assert.True(t, got.IsRestricted)

	release()
	require.Eventually(t, u.Ready, waitFor, tick)
	assert.Equal(t, 8, u.Len())
	assert.Equal(t, 1, e.calls("users.list"))
}

func TestUsersWarmThenNoCalls(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts())
	warmUsers(t, u)
	before := e.totalCalls()

	for _, id := range []string{"U0", "U1", "U2", "U3", "U4", "U5", "U6", "U7"} {
		_, err := u.Get(t.Context(), id)
		require.NoError(t, err, id)
	}
	got := u.GetMany(t.Context(), []string{"U1", "U3", "U1"})
	assert.Len(t, got, 2)
	_, err := u.Find(t.Context(), "John Smith")
	require.NoError(t, err)
	assert.Equal(t, before, e.totalCalls(), "a warm directory answers without Slack")

	bot, _ := u.Cached("U6")
	assert.True(t, bot.IsBot)
	ghost, _ := u.Cached("U5")
	assert.True(t, ghost.Deleted)
	all := u.All()
	require.Len(t, all, 8)
	assert.IsNonDecreasing(t, []string{all[0].ID, all[1].ID, all[7].ID})
}

func TestUsersFind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts())
	warmUsers(t, u)
	before := e.totalCalls()

	tests := []struct {
		name, query, want string
	}{
		{"real name", "John Smith", "U1"},
		{"real name lower", "john smith", "U1"},
		{"real name upper", "JOHN SMITH", "U1"},
		{"display name", "johnny", "U1"},
		{"handle", "jsmith", "U1"},
		{"handle with at", "@JSmith", "U1"},
		{"email", "John.Smith@acme.test", "U1"},
		{"user ID", "U3", "U3"},
		{"accented real name", "ana lópez", "U3"},
		{"display name with dot", "ANA.L", "U3"},
		{"deleted when only match", "jsmith.old", "U2"},
		{"surrounding space", "  dora  ", "U7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := u.Find(t.Context(), tt.query)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.ID)
		})
	}
	t.Run("unknown", func(t *testing.T) {
		t.Parallel()
		_, err := u.Find(t.Context(), "nobody")
		require.ErrorIs(t, err, ErrNotFound)
	})
	t.Cleanup(func() {
		assert.Equal(t, before, e.totalCalls(), "Find on a warm directory makes no call")
	})
}

func TestUsersFindEmailFallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts()) // never started: nothing cached

	got, err := u.Find(t.Context(), "Ana@Acme.test")
	require.NoError(t, err)
	assert.Equal(t, "U3", got.ID)
	assert.Equal(t, 1, e.calls("users.lookupByEmail"))
	_, ok := u.Cached("U3")
	assert.True(t, ok, "the looked-up user is cached")

	_, err = u.Find(t.Context(), "ana@acme.test")
	require.NoError(t, err)
	assert.Equal(t, 1, e.calls("users.lookupByEmail"), "second lookup is a cache hit")

	_, err = u.Find(t.Context(), "nobody@acme.test")
	require.ErrorIs(t, err, ErrNotFound)
	assert.NotContains(t, err.Error(), "nobody@acme.test", "emails stay out of error text")
	assert.Equal(t, 2, e.calls("users.lookupByEmail"))
	assert.Zero(t, e.calls("users.list"))
}

func TestUsersFindWaitsForWarmSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := e.hold(t, "users.list")
	u := NewUsers(e.api, e.opts())
	u.Start(t.Context())

	short, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := u.Find(short, "dora")
	require.ErrorIs(t, err, context.DeadlineExceeded, "the wait is bounded by ctx")

	type result struct {
		u   User
		err error
	}
	res := make(chan result, 1)
	go func() {
		got, err := u.Find(t.Context(), "dora")
		res <- result{got, err}
	}()
	release()
	r := <-res
	require.NoError(t, r.err)
	assert.Equal(t, "U7", r.u.ID)
	assert.Zero(t, e.calls("users.info")+e.calls("users.lookupByEmail"))

	_, err = u.Find(t.Context(), "still-nobody")
	require.ErrorIs(t, err, ErrNotFound, "a ready directory does not sweep on a miss")
	assert.Equal(t, 1, e.calls("users.list"))
}

func TestUsersGetCoalesces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := e.hold(t, "users.info")
	u := NewUsers(e.api, e.opts())

	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			got, err := u.Get(t.Context(), "U4")
			if err == nil && got.Name != "bob" {
				err = errors.New("wrong user " + got.ID)
			}
			errs <- err
		})
	}
	// The first call is held at the server; the others join it, or, if
	// they start late, find its result cached. Either way: one call.
	require.Eventually(t, func() bool { return len(e.sent("users.info")) == 1 }, waitFor, tick)
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, e.calls("users.info"))
}

func TestUsersGetCallerCancelDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := e.hold(t, "users.info")
	u := NewUsers(e.api, e.opts())

	ctx, cancel := context.WithCancel(t.Context())
	first := make(chan error, 1)
	go func() { _, err := u.Get(ctx, "U4"); first <- err }()
	require.Eventually(t, func() bool { return len(e.sent("users.info")) == 1 }, waitFor, tick)
	cancel()
	require.ErrorIs(t, <-first, context.Canceled)

	second := make(chan error, 1)
	go func() { _, err := u.Get(t.Context(), "U4"); second <- err }()
	release()
	require.NoError(t, <-second)
	assert.Equal(t, 1, e.calls("users.info"))
}

func TestUsersGetMany(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts())
	_, err := u.Get(t.Context(), "U0")
	require.NoError(t, err)

	got := u.GetMany(t.Context(), []string{"U0", "U1", "U3", "U1", "", "U404"})
	assert.Len(t, got, 3)
	assert.Equal(t, "jsmith", got["U1"].Name)
	assert.Equal(t, "ana", got["U3"].Name)
	assert.Equal(t, 4, e.calls("users.info"), "U0 was cached; U1, U3, U404 cost one call each")

	got = u.GetMany(t.Context(), []string{"U1", "U3"})
	assert.Len(t, got, 2)
	assert.Equal(t, 4, e.calls("users.info"))

	assert.Empty(t, u.GetMany(t.Context(), nil))
}

func TestUsersSearch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts())
	warmUsers(t, u)

	tests := []struct {
		name  string
		query string
		limit int
		want  []string
	}{
		{"exact before prefix before contains", "smith", 0, []string{"U1", "U4"}},
		{"exact real name", "john smith", 0, []string{"U1"}},
		{"case-insensitive handle", "ANA", 0, []string{"U3"}},
		{"leading at", "@ana", 0, []string{"U3"}},
		{"prefix before word prefix", "bo", 0, []string{"U4", "U6"}},
		{"email domain", "acme.test", 0, []string{"U3", "U4", "U1", "U0"}},
		{"limit", "acme.test", 2, []string{"U3", "U4"}},
		{"deleted only when nothing else", "ghost", 0, []string{"U5"}},
		{"live hides deleted", "jsmith", 0, []string{"U1"}},
		{"no match", "zzz", 0, nil},
		{"empty", "  ", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var ids []string
			for _, usr := range u.Search(tt.query, tt.limit) {
				ids = append(ids, usr.ID)
			}
			assert.Equal(t, tt.want, ids)
		})
	}
}

func TestUsersTTLRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	o := e.opts()
	o.TTL = time.Hour
	u := NewUsers(e.api, o)
	warmUsers(t, u)
	require.Equal(t, 1, e.calls("users.list"))

	e.ws.AddUser(slackemu.User{ID: "U9", Name: "newbie"})
	e.clock.Advance(59 * time.Minute)
	_, err := u.Get(t.Context(), "U1")
	require.NoError(t, err)
	assert.Nil(t, u.r.running(), "fresh data is not refreshed")
	_, ok := u.Cached("U9")
	assert.False(t, ok)

	e.clock.Advance(2 * time.Minute)
	_, err = u.Get(t.Context(), "U1") // answered from the old data at once
	require.NoError(t, err)
	require.Eventually(t, func() bool { _, ok := u.Cached("U9"); return ok }, waitFor, tick)
	assert.Equal(t, 2, e.calls("users.list"))
	assert.Zero(t, e.calls("users.info"))
}

func TestUsersFailedSweepKeepsData(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := NewUsers(e.api, e.opts())
	warmUsers(t, u)

	e.emu.FailNextWith("users.list", "internal_error", 1)
	e.clock.Advance(2 * time.Hour)
	u.Search("ana", 1) // stale: starts a background refresh
	require.Eventually(t, func() bool { return u.r.failureCount() == 1 }, waitFor, tick)
	assert.True(t, u.Ready())
	assert.Equal(t, 8, u.Len())
	_, err := u.Find(t.Context(), "jsmith")
	require.NoError(t, err)

	e.clock.Advance(10 * time.Second)
	u.Search("ana", 1)
	assert.Nil(t, u.r.running(), "a failure backs off for MinRefreshInterval")
	assert.Equal(t, 2, e.calls("users.list"))

	e.clock.Advance(30 * time.Second)
	u.Search("ana", 1)
	require.Eventually(t, func() bool { return u.r.failureCount() == 0 }, waitFor, tick)
	assert.Equal(t, 3, e.calls("users.list"))
}

func TestUsersSweepWaitsOutRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.emu.FailNext("users.list", 1, time.Second)
	u := NewUsers(e.api, e.opts())
	u.Start(t.Context())
	require.Eventually(t, u.Ready, waitFor, 10*time.Millisecond)
	assert.Equal(t, 2, e.calls("users.list"))
	assert.Zero(t, u.r.failureCount())
}

func TestUsersStartCancelled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := e.hold(t, "users.list")
	ctx, cancel := context.WithCancel(t.Context())
	u := NewUsers(e.api, e.opts())
	u.Start(ctx)
	require.Eventually(t, func() bool { return len(e.sent("users.list")) == 1 }, waitFor, tick)
	cancel()
	require.Eventually(t, func() bool { return u.r.running() == nil }, waitFor, tick)
	release()
	assert.False(t, u.Ready())
	assert.Zero(t, u.Len())

	_, err := u.Get(t.Context(), "U1")
	require.NoError(t, err, "targeted calls still work")
	u.Search("x", 1)
	assert.Nil(t, u.r.running(), "no sweep after ctx is done")
}

func TestUsersTeamIDPassedThrough(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, teamID string
	}{
		{"grid org token", "T1"},
		{"plain workspace", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			o := e.opts()
			o.TeamID = tt.teamID
			u := NewUsers(e.api, o)
			warmUsers(t, u)
			sent := e.sent("users.list")
			require.Len(t, sent, 1)
			assert.Equal(t, tt.teamID, sent[0].Get("team_id"))
			assert.Equal(t, "1000", sent[0].Get("limit"))
		})
	}
}
