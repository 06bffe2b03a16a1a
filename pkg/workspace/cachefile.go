package workspace

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// cacheVersion is bumped whenever the file layout or the meaning of a field
// changes; files of another version are ignored and rebuilt by a sweep.
const cacheVersion = 1

// cacheFile is the on-disk form of a directory. Users files fill Users,
// channels files fill Channels.
type cacheFile struct {
	Version  int       `json:"version"`
	TeamID   string    `json:"team_id"`
	SavedAt  time.Time `json:"saved_at"`
	Users    []User    `json:"users,omitempty"`
	Channels []Channel `json:"channels,omitempty"`
}

// writeCacheFile writes f to path atomically: a temporary file in the same
// directory (created 0600, since it holds emails) is synced and renamed
// over path. The directory is created 0700 if missing.
func writeCacheFile(path string, f *cacheFile) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create cache file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("chmod cache file: %w", err)
	}
	w := bufio.NewWriterSize(tmp, 64<<10)
	if err := json.NewEncoder(w).Encode(f); err != nil {
		return fmt.Errorf("encode cache file: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write cache file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync cache file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close cache file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename cache file: %w", err)
	}
	return nil
}

// errCacheMismatch reports a cache file of another version or team.
var errCacheMismatch = errors.New("cache file is of another version or team")

// readCacheFile loads path. A missing file returns (nil, nil); a file of
// another version or team returns errCacheMismatch.
func readCacheFile(path, teamID string) (*cacheFile, error) {
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open cache file: %w", err)
	}
	defer func() { _ = fh.Close() }()
	var f cacheFile
	if err := json.NewDecoder(bufio.NewReaderSize(fh, 64<<10)).Decode(&f); err != nil {
		return nil, fmt.Errorf("decode cache file: %w", err)
	}
	if f.Version != cacheVersion || f.TeamID != teamID {
		return nil, fmt.Errorf("%w (version %d, team %q)", errCacheMismatch, f.Version, f.TeamID)
	}
	return &f, nil
}
