//go:build unix

package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// victim is a file the store must never change: a stand-in for
// /etc/passwd.
func victim(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "passwd")
	require.NoError(t, os.WriteFile(p, []byte("root:x:0:0:root:/root:/bin/sh\n"), 0o644))
	require.NoError(t, os.Chmod(p, 0o644))
	return p
}

func requireUntouched(t *testing.T, p string) {
	t.Helper()
	fi, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "the victim's mode is unchanged")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "root:x:0:0:root:/root:/bin/sh\n", string(b), "the victim's content is unchanged")
}

// sqliteDB makes a real, closed database at p.
func sqliteDB(t *testing.T, p string) {
	t.Helper()
	require.NoError(t, openSQLite(t, p).Close())
}

// TestSQLiteRefusesUnsafePaths: issue 7, finding 10. The store path (and
// its -wal and -shm companions) must be our own regular file: links,
// directories, FIFOs, other users' files and files that are not SQLite
// databases are refused with a clear error and left exactly as they were.
func TestSQLiteRefusesUnsafePaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// setup prepares dir and returns the store path and a check run
		// after the refused open.
		setup func(t *testing.T, dir string) (string, func(t *testing.T))
		want  string
	}{
		{"symlink to another file", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			v := victim(t, dir)
			p := filepath.Join(dir, "store.db")
			require.NoError(t, os.Symlink(v, p))
			return p, func(t *testing.T) { requireUntouched(t, v) }
		}, "is a symbolic link"},
		{"symlink to a database", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			real := filepath.Join(dir, "real.db")
			sqliteDB(t, real)
			p := filepath.Join(dir, "store.db")
			require.NoError(t, os.Symlink(real, p))
			return p, func(*testing.T) {}
		}, "is a symbolic link"},
		{"dangling symlink", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			target := filepath.Join(dir, "created-through-link")
			p := filepath.Join(dir, "store.db")
			require.NoError(t, os.Symlink(target, p))
			return p, func(t *testing.T) {
				_, err := os.Lstat(target)
				require.ErrorIs(t, err, os.ErrNotExist, "nothing is created through the link")
			}
		}, "is a symbolic link"},
		{"directory", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			p := filepath.Join(dir, "store.db")
			require.NoError(t, os.Mkdir(p, 0o755))
			return p, func(t *testing.T) {
				fi, err := os.Stat(p)
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o755), fi.Mode().Perm())
			}
		}, "is a directory"},
		{"FIFO", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			p := filepath.Join(dir, "store.db")
			require.NoError(t, syscall.Mkfifo(p, 0o644))
			return p, func(*testing.T) {}
		}, "named pipe"},
		{"a file that is not a database", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			v := victim(t, dir) // what running as root with the path at /etc/passwd looks like
			return v, func(t *testing.T) { requireUntouched(t, v) }
		}, "not an SQLite database"},
		{"another user's file", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			if os.Geteuid() != 0 {
				t.Skip("needs root to give a file to another user")
			}
			p := filepath.Join(dir, "store.db")
			sqliteDB(t, p)
			require.NoError(t, os.Chmod(p, 0o644))
			require.NoError(t, os.Chown(p, 4242, 4242))
			return p, func(t *testing.T) {
				fi, err := os.Stat(p)
				require.NoError(t, err)
				assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "another user's file is not chmod-ed")
			}
		}, "owned by user 4242"},
		{"-wal symlink to another file", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			v := victim(t, dir)
			p := filepath.Join(dir, "store.db")
			sqliteDB(t, p)
			require.NoError(t, os.Symlink(v, p+"-wal"))
			return p, func(t *testing.T) { requireUntouched(t, v) }
		}, "-wal is a symbolic link"},
		{"-shm FIFO", func(t *testing.T, dir string) (string, func(t *testing.T)) {
			p := filepath.Join(dir, "store.db")
			sqliteDB(t, p)
			require.NoError(t, syscall.Mkfifo(p+"-shm", 0o600))
			return p, func(*testing.T) {}
		}, "-shm is not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path, after := tc.setup(t, t.TempDir())
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := store.OpenSQLite(ctx, path, store.Options{})
			if err == nil {
				_ = s.Close()
			}
			after(t)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestSQLiteCompanionModesTightened: loose -wal and -shm files left by an
// older run are tightened through their descriptors, like the database.
func TestSQLiteCompanionModesTightened(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "store.db")
	sqliteDB(t, p)
	for _, c := range []string{p + "-wal", p + "-shm"} {
		require.NoError(t, os.WriteFile(c, nil, 0o644))
		require.NoError(t, os.Chmod(c, 0o644))
	}
	s := openSQLite(t, p)
	defer func() { _ = s.Close() }()
	for _, c := range []string{p, p + "-wal", p + "-shm"} {
		fi, err := os.Stat(c)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), c)
	}
}

// TestSQLiteWarnsAboutSharedDirectory: a directory others can write to is
// accepted (shared volumes are common) with a warning, since whoever can
// write there can swap the files between our checks and SQLite's opens.
func TestSQLiteWarnsAboutSharedDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "shared")
	require.NoError(t, os.Mkdir(dir, 0o700))
	require.NoError(t, os.Chmod(dir, 0o770))
	var logs bytes.Buffer
	s, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "store.db"), store.Options{Logger: zerolog.New(&logs)})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.Contains(t, logs.String(), "another user can write to the database directory")
}
