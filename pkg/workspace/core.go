package workspace

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"
)

// core is what the users and the channels directory share: the
// background refresher, the one-time start, targeted calls shared by
// concurrent callers, and the cache file. Each directory keeps its own
// index and lock.
type core struct {
	kind  string // "users" or "channels", for logs
	o     Options
	r     *refresher
	calls singleflight.Group
	start sync.Once
	// holder names this directory in shared sweep claims (shared.go).
	holder string
}

func newCore(kind string, o Options) core {
	return core{kind: kind, o: o.withDefaults(), holder: newHolder()}
}

// startOnce runs load (a local read of the cache file) and starts the
// refresher, the first time only.
func (c *core) startOnce(ctx context.Context, load func()) {
	c.start.Do(func() {
		load()
		c.r.start(ctx)
	})
}

// Stopped waits until a sweep in flight, and its cache file write, has
// ended. Call it after the context given to Start is done, so a process
// never exits (or a test removes the cache directory) mid-write.
func (c *core) Stopped() { c.r.stopped() }

// writeFile saves f, stamped with this directory's workspace and the
// time, when a cache file is configured; a failure is logged, not fatal.
func (c *core) writeFile(f *cacheFile) {
	if c.o.CacheFile == "" {
		return
	}
	f.Version, f.TeamID, f.SavedAt = cacheVersion, c.o.CacheTeamID, c.o.Now().UTC()
	if err := writeCacheFile(c.o.CacheFile, f); err != nil {
		c.o.Logger.Warn().Err(err).Str("directory", c.kind).Msg("cannot write cache file")
	}
}

// readFile returns the cache file, or nil when there is none or it cannot
// be used (logged: another workspace's file at info, damage at warn).
func (c *core) readFile() *cacheFile {
	if c.o.CacheFile == "" {
		return nil
	}
	f, err := readCacheFile(c.o.CacheFile, c.o.CacheTeamID)
	if err != nil {
		lvl := c.o.Logger.Warn()
		if errors.Is(err, errCacheMismatch) {
			lvl = c.o.Logger.Info()
		}
		lvl.Err(err).Str("directory", c.kind).Msg("ignoring cache file")
		return nil
	}
	return f
}

// loaded records that n entries of a cache file saved at f.SavedAt are
// installed.
func (c *core) loaded(f *cacheFile, n int, fresh func() bool) {
	c.r.loaded(f.SavedAt)
	c.o.Logger.Debug().Str("directory", c.kind).Int("count", n).Bool("fresh", fresh()).Msg("cache file loaded")
}

// targeted runs one targeted Slack call, shared by concurrent callers of
// the same method and key. It runs detached from the first caller's
// cancellation (so one caller giving up fails nobody else), bounded by
// targetedCallTimeout. cached (nil for none) is asked first inside the
// flight: a caller delayed between its own directory check and the flight
// may arrive after an earlier flight installed the answer, and must not
// pay a second call. found converts and installs Slack's answer, false
// when it holds no such object (what is a "noun" to errors). label is
// what errors may show of key: IDs, never emails.
func targeted[S, T any](ctx context.Context, c *core, method, key, label, noun string, cached func() (T, bool),
	call func(context.Context) (*S, error), found func(*S) (T, bool)) (T, error) {
	res := c.calls.DoChan(method+"\x00"+key, func() (any, error) {
		if cached != nil {
			if v, ok := cached(); ok {
				return v, nil
			}
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), targetedCallTimeout)
		defer cancel()
		s, err := call(cctx)
		if err != nil {
			return nil, apiError(method, label, err)
		}
		if s == nil {
			return nil, fmt.Errorf("%w: %s returned no %s", ErrNotFound, method, noun)
		}
		v, ok := found(s)
		if !ok {
			return nil, fmt.Errorf("%w: %s returned no %s", ErrNotFound, method, noun)
		}
		return v, nil
	})
	var zero T
	select {
	case r := <-res:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(T), nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}
