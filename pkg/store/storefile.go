package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"
)

// The database file is opened by a path an operator configures, often as
// root. Before SQLite sees the path we make sure it names our own regular
// file (issue 7, finding 10: a path pointed at /etc/passwd used to get
// that file chmod-ed to 0600): no symbolic link at the last component, no
// directory, FIFO, device or socket, no file of another user, and an
// existing file must already be an SQLite database. New files are created
// 0600 with O_EXCL|O_NOFOLLOW; a looser mode is tightened through the
// open descriptor, never by path. The -wal and -shm companions get the
// same checks. Symbolic links in the directories above are followed.

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// dbFile is the checked database file, held open while SQLite opens the
// path, so OpenSQLite can confirm SQLite got the same file.
type dbFile struct {
	path string
	f    *os.File
	fi   os.FileInfo
}

func (d *dbFile) Close() error { return d.f.Close() }

// prepareFile creates the parent directory (0700) when missing, then
// checks or creates the database file and checks its companions.
func prepareFile(path string, log zerolog.Logger) (*dbFile, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: database path: %w", err)
	}
	dir := filepath.Dir(abs)
	if di, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("store: creating database directory: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("store: database directory: %w", err)
	} else if !di.IsDir() {
		return nil, fmt.Errorf("store: the database's parent %s is not a directory", dir)
	} else if owner, _, mine := ownedByMe(di); (!mine && owner != 0) || (di.Mode().Perm()&0o022 != 0 && di.Mode()&fs.ModeSticky == 0) {
		// Not refused (shared volumes are common), but whoever can write
		// here can swap the files between our checks and SQLite's opens.
		log.Warn().Str("dir", dir).Str("mode", di.Mode().Perm().String()).Int("owner", owner).
			Msg("store: another user can write to the database directory and could replace the database files; use a directory only this user can write to")
	}
	d, err := openChecked(abs, true, log)
	if err != nil {
		return nil, err
	}
	if err := checkCompanions(abs, true, log); err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

// openChecked opens path without following a link at its last component
// (creating it 0600 when create is set and it is missing) and checks the
// open descriptor: a regular file of ours; for the database itself (main)
// empty or an SQLite database. A mode readable or writable by others is
// tightened to 0600 through the descriptor.
func openChecked(path string, main bool, log zerolog.Logger) (*dbFile, error) {
	d, err := openCheckedOnce(path, main, log)
	if errors.Is(err, fs.ErrExist) {
		// Only the O_EXCL create fails so: another process (a replica
		// starting at the same moment) created the file after our Lstat.
		// Check it again, as the existing file it now is.
		d, err = openCheckedOnce(path, main, log)
	}
	return d, err
}

func openCheckedOnce(path string, main bool, log zerolog.Logger) (*dbFile, error) {
	what := "database file"
	if !main {
		what = "database companion file"
	}
	li, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !main {
			return nil, nil // SQLite creates it with the database file's mode
		}
	case err != nil:
		return nil, fmt.Errorf("store: %s %s: %w", what, path, err)
	default:
		if err := checkKind(path, what, li); err != nil {
			return nil, err
		}
	}
	flags := os.O_RDWR | openNoFollow
	if li == nil {
		// O_EXCL: fails if anything, even a dangling link, appeared since.
		flags |= os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		if isLoop(err) {
			return nil, fmt.Errorf("store: %s %s is a symbolic link; refusing to follow it (point the path at the file itself)", what, path)
		}
		return nil, fmt.Errorf("store: opening %s %s: %w", what, path, err)
	}
	d := &dbFile{path: path, f: f}
	if err := d.check(what, main, log); err != nil {
		_ = f.Close()
		return nil, err
	}
	return d, nil
}

// check inspects the open descriptor, so a swap of the path after Lstat
// cannot make us judge (or chmod) another file than the one we hold.
func (d *dbFile) check(what string, main bool, log zerolog.Logger) error {
	fi, err := d.f.Stat()
	if err != nil {
		return fmt.Errorf("store: %s %s: %w", what, d.path, err)
	}
	if err := checkKind(d.path, what, fi); err != nil {
		return err
	}
	d.fi = fi
	if main && fi.Size() > 0 {
		head := make([]byte, len(sqliteMagic))
		if _, err := d.f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("store: reading %s %s: %w", what, d.path, err)
		}
		if !bytes.Equal(head, sqliteMagic) {
			return fmt.Errorf("store: %s %s exists and is not an SQLite database; refusing to use or change it", what, d.path)
		}
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		if err := d.f.Chmod(0o600); err != nil {
			return fmt.Errorf("store: tightening the mode of %s %s: %w", what, d.path, err)
		}
		log.Warn().Str("path", d.path).Str("was", perm.String()).Msg("store: database file was open to other users; changed to 0600")
	}
	return nil
}

// checkKind refuses anything but a regular file owned by this process's
// user.
func checkKind(path, what string, fi os.FileInfo) error {
	m := fi.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return fmt.Errorf("store: %s %s is a symbolic link; refusing to follow it (point the path at the file itself)", what, path)
	case m.IsDir():
		return fmt.Errorf("store: %s %s is a directory, not a file", what, path)
	case !m.IsRegular():
		return fmt.Errorf("store: %s %s is not a regular file (it is a %s)", what, path, kindName(m))
	}
	if owner, me, ok := ownedByMe(fi); !ok {
		return fmt.Errorf("store: %s %s is owned by user %d, not by this process's user %d; refusing to use it", what, path, owner, me)
	}
	return nil
}

func kindName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	default:
		return "special file"
	}
}

// checkCompanions checks the -wal and -shm files that exist. Before SQLite
// opens the database (tighten set) a loose mode is tightened; afterwards
// they are only checked, so a link planted while SQLite opened them is
// caught.
func checkCompanions(abs string, tighten bool, log zerolog.Logger) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		p := abs + suffix
		if !tighten {
			li, err := os.Lstat(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("store: database companion file %s: %w", p, err)
			}
			if err := checkKind(p, "database companion file", li); err != nil {
				return err
			}
			continue
		}
		d, err := openChecked(p, false, log)
		if err != nil {
			return err
		}
		if d != nil {
			_ = d.Close()
		}
	}
	return nil
}

// stillSame confirms, after SQLite opened the path, that the path still
// names the file we checked and its companions are still sound.
func (d *dbFile) stillSame(log zerolog.Logger) error {
	li, err := os.Lstat(d.path)
	if err != nil {
		return fmt.Errorf("store: database file %s: %w", d.path, err)
	}
	if !os.SameFile(li, d.fi) {
		return fmt.Errorf("store: database file %s was replaced while it was being opened; refusing to use it", d.path)
	}
	return checkCompanions(d.path, false, log)
}
