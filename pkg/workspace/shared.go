package workspace

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Directories shared between replicas. With Options.Shared, a sweep first
// asks the shared store for a snapshot another replica took within TTL and
// installs it without a Slack call; otherwise it claims the sweep of the
// key for a while, so of N replicas one pages through Slack and the
// others wait for its snapshot (or sweep themselves if it never comes).
// A new replica's first sweep is then one store read: it starts warm.

// SharedSnapshots keeps directory snapshots where every replica sees them
// (the store of a multi-replica deployment). Data is opaque here; the
// implementation seals it at rest.
type SharedSnapshots interface {
	LoadSnapshot(ctx context.Context, key string) (data []byte, takenAt time.Time, ok bool, err error)
	SaveSnapshot(ctx context.Context, key string, data []byte, takenAt time.Time) error
	// ClaimSweep claims the sweep of key for holder until until, unless
	// another holder's claim is still live; it reports whether holder has it.
	ClaimSweep(ctx context.Context, key, holder string, until time.Time) (bool, error)
}

// ShareableSweeps is implemented by a UsersAPI that knows whether its
// next sweep sees the whole directory (a member with users:read and
// users:read.email, not a guest): only such sweeps are published, so a
// replica never serves another a directory poorer than its own could be.
type ShareableSweeps interface {
	SweepShareable() bool
}

// Timing of shared sweeps.
const (
	claimFor  = time.Minute            // a claimed sweep must finish within
	pollEvery = 250 * time.Millisecond // how often a waiting replica looks
)

// newHolder names one directory in sweep claims: each directory (one per
// key in a process) claims for itself.
func newHolder() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sharedFresh returns the shared snapshot when one fresher than TTL, of
// this workspace and layout, exists.
func (c *core) sharedFresh(ctx context.Context) *cacheFile {
	if c.o.Shared == nil {
		return nil
	}
	data, at, ok, err := c.o.Shared.LoadSnapshot(ctx, c.o.SharedKey)
	if err != nil {
		c.o.Logger.Warn().Err(err).Str("directory", c.kind).Msg("reading the shared snapshot; sweeping Slack instead")
		return nil
	}
	if !ok || c.o.Now().Sub(at) >= c.o.TTL {
		return nil
	}
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil || f.Version != cacheVersion || f.TeamID != c.o.CacheTeamID {
		c.o.Logger.Warn().Str("directory", c.kind).Msg("ignoring a shared snapshot of another version or team")
		return nil
	}
	f.SavedAt = at
	return &f
}

// mustSweep reports whether this replica sweeps Slack now: no shared
// store, it claimed the sweep, or the replica that did left no snapshot
// in time. Otherwise it returns the snapshot that replica published. A
// replica whose sweep may not be shared (!shareable) takes a fresh
// snapshot when there is one, else sweeps at once, claiming nothing: it
// must not hold the others back for a sweep they would not get.
func (c *core) mustSweep(ctx context.Context, shareable bool) (bool, *cacheFile) {
	if c.o.Shared == nil {
		return true, nil
	}
	if f := c.sharedFresh(ctx); f != nil {
		return false, f
	}
	if !shareable {
		return true, nil
	}
	claimed, err := c.o.Shared.ClaimSweep(ctx, c.o.SharedKey, c.holder, c.o.Now().Add(claimFor))
	if err != nil || claimed {
		return true, nil
	}
	deadline := time.Now().Add(claimFor)
	for time.Now().Before(deadline) {
		if err := sleep(ctx, pollEvery); err != nil {
			return true, nil
		}
		if f := c.sharedFresh(ctx); f != nil {
			return false, f
		}
	}
	return true, nil
}

// publish shares a completed sweep, stamped like a cache file.
func (c *core) publish(ctx context.Context, f *cacheFile) {
	if c.o.Shared == nil {
		return
	}
	at := c.o.Now().UTC()
	f.Version, f.TeamID, f.SavedAt = cacheVersion, c.o.CacheTeamID, at
	data, err := json.Marshal(f)
	if err == nil {
		err = c.o.Shared.SaveSnapshot(ctx, c.o.SharedKey, data, at)
	}
	if err != nil {
		c.o.Logger.Warn().Err(err).Str("directory", c.kind).Msg("sharing the directory snapshot")
	}
}
