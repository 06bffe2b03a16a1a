package workspace

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsersCacheFilePersistsAndReloads(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache", "T1")
	path := filepath.Join(dir, "users.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(dir), 0o755))

	e := newEnv(t)
	o := e.opts()
	o.CacheFile = path
	u := NewUsers(e.api, o)
	warmUsers(t, u)

	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the file holds emails")
	di, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var f struct {
		Version int       `json:"version"`
		TeamID  string    `json:"team_id"`
		SavedAt time.Time `json:"saved_at"`
		Users   []User    `json:"users"`
	}
	require.NoError(t, json.Unmarshal(raw, &f))
	assert.Equal(t, 1, f.Version)
	assert.Equal(t, "", f.TeamID, "TeamID and CacheTeamID unset")
	assert.True(t, f.SavedAt.Equal(e.clock.Now()))
	assert.Len(t, f.Users, 8)

	// A second process, against a server that has never been called.
	e2 := newEnv(t)
	o2 := e2.opts()
	o2.CacheFile = path
	reloaded := NewUsers(e2.api, o2)
	reloaded.Start(t.Context())
	assert.True(t, reloaded.Ready(), "a fresh file makes the directory ready at once")
	assert.Equal(t, u.All(), reloaded.All())
	got, err := reloaded.Find(t.Context(), "john smith")
	require.NoError(t, err)
	assert.Equal(t, "U1", got.ID)
	assert.Zero(t, e2.totalCalls(), "reload costs no Slack call")
}

func TestUsersStaleCacheFileAnswersThenRefreshes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, writeCacheFile(path, &cacheFile{
		Version: cacheVersion,
		SavedAt: e.clock.Now().Add(-2 * time.Hour),
		Users:   []User{{ID: "U1", Name: "john-before-rename"}},
	}))
	release := e.hold(t, "users.list")
	o := e.opts()
	o.CacheFile = path
	u := NewUsers(e.api, o)
	u.Start(t.Context())

	assert.False(t, u.Ready(), "a stale file is not a complete directory")
	got, ok := u.Cached("U1")
	require.True(t, ok, "but it answers at once")
	assert.Equal(t, "john-before-rename", got.Name)

	release()
	require.Eventually(t, u.Ready, waitFor, tick)
	got, _ = u.Cached("U1")
	assert.Equal(t, "jsmith", got.Name)
	assert.Equal(t, 1, e.calls("users.list"))
}

func TestCacheFileIgnored(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		o       Options
	}{
		{"other version", `{"version":2,"team_id":"T1","saved_at":"2026-01-02T03:04:05Z","users":[{"id":"U1"}]}`, Options{TeamID: "T1"}},
		{"other team", `{"version":1,"team_id":"T2","saved_at":"2026-01-02T03:04:05Z","users":[{"id":"U1"}]}`, Options{TeamID: "T1"}},
		{"other cache team", `{"version":1,"team_id":"T1","saved_at":"2026-01-02T03:04:05Z","users":[{"id":"U1"}]}`, Options{CacheTeamID: "T2"}},
		{"corrupt", `{"version":1,"users":[{"id":`, Options{}},
		{"empty", ``, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			path := filepath.Join(t.TempDir(), "users.json")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			release := e.hold(t, "users.list")
			o := tt.o
			o.CacheFile, o.Now = path, e.clock.Now
			u := NewUsers(e.api, o)
			u.Start(t.Context())
			assert.Zero(t, u.Len())
			assert.False(t, u.Ready())

			release()
			if o.TeamID != "" { // the emulator's team is T1
				require.Eventually(t, u.Ready, waitFor, tick)
				f, err := readCacheFile(path, o.TeamID)
				require.NoError(t, err, "the sweep rewrites the file")
				assert.Len(t, f.Users, 8)
			}
		})
	}
}

func TestCacheFileAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	path := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, writeCacheFile(path, &cacheFile{
		Version: cacheVersion, TeamID: "T1", SavedAt: e.clock.Now(), Users: []User{{ID: "U1", Name: "jsmith"}, {ID: ""}},
	}))
	o := e.opts()
	o.CacheFile, o.CacheTeamID = path, "T1"
	u := NewUsers(e.api, o)
	u.Start(t.Context())
	assert.True(t, u.Ready())
	assert.Equal(t, 1, u.Len(), "entries without an ID are dropped")
}

func TestWriteCacheFileReplacesLooserMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "users.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	require.NoError(t, writeCacheFile(path, &cacheFile{Version: cacheVersion}))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestCacheFileWriteFailureKeepsSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))
	o := e.opts()
	o.CacheFile = filepath.Join(blocker, "users.json")
	u := NewUsers(e.api, o)
	warmUsers(t, u)
	assert.Equal(t, 8, u.Len())
	assert.Zero(t, u.r.failureCount())
}

func TestChannelsCacheFilePersistsAndReloads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "T1", "U0", "channels.json")
	e := newEnv(t)
	o := e.opts()
	o.CacheFile, o.CacheTeamID = path, "T1"
	c := NewChannels(e.api, o)
	warmChannels(t, c)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	e2 := newEnv(t)
	o2 := e2.opts()
	o2.CacheFile, o2.CacheTeamID = path, "T1"
	reloaded := NewChannels(e2.api, o2)
	reloaded.Start(t.Context())
	assert.True(t, reloaded.Ready())
	assert.Equal(t, c.All(), reloaded.All())
	dm, err := reloaded.DMWith(t.Context(), "U1")
	require.NoError(t, err)
	assert.Equal(t, "D1", dm.ID)
	got, err := reloaded.Find(t.Context(), "#secret-plans")
	require.NoError(t, err)
	assert.Equal(t, "C2", got.ID)
	assert.Zero(t, e2.totalCalls())
}
