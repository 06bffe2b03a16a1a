package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DirectorySnapshots keep the directories replicas share (pkg/workspace's
// SharedSnapshots): opaque, already sealed data by key.
type DirectorySnapshots interface {
	// LoadSnapshot returns the snapshot of key and when it was taken; ok
	// is false when none was saved.
	LoadSnapshot(ctx context.Context, key string) (data []byte, takenAt time.Time, ok bool, err error)
	// SaveSnapshot stores data as key's snapshot unless a newer one is
	// stored already.
	SaveSnapshot(ctx context.Context, key string, data []byte, takenAt time.Time) error
	// ClaimSweep gives holder the sweep of key until until, unless another
	// holder's claim is still live at the store's now; it reports whether
	// holder has it.
	ClaimSweep(ctx context.Context, key, holder string, until time.Time) (bool, error)
}

type snapshotQueries struct{ loadSnapshot, saveSnapshot, claimSweep string }

func newSnapshotQueries(d dialect) snapshotQueries {
	r := d.rebind
	return snapshotQueries{
		loadSnapshot: r(`SELECT data, taken_at FROM directory_snapshots WHERE key = ? AND data IS NOT NULL`),
		saveSnapshot: r(`INSERT INTO directory_snapshots (key, taken_at, data, claim_holder, claim_until) VALUES (?, ?, ?, '', 0)
ON CONFLICT (key) DO UPDATE SET data = excluded.data, taken_at = excluded.taken_at
WHERE directory_snapshots.taken_at IS NULL OR directory_snapshots.taken_at < excluded.taken_at`),
		claimSweep: r(`INSERT INTO directory_snapshots (key, taken_at, data, claim_holder, claim_until) VALUES (?, NULL, NULL, ?, ?)
ON CONFLICT (key) DO UPDATE SET claim_holder = excluded.claim_holder, claim_until = excluded.claim_until
WHERE directory_snapshots.claim_until <= ? OR directory_snapshots.claim_holder = excluded.claim_holder`),
	}
}

// CheckSnapshotKey validates a snapshot key.
func CheckSnapshotKey(key string) error {
	if key == "" {
		return errors.New("store: a directory snapshot needs a key")
	}
	return nil
}

// LoadSnapshot implements DirectorySnapshots.
func (s *sqlStore) LoadSnapshot(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	var data []byte
	var at sql.NullInt64
	err := s.r.QueryRowContext(ctx, s.q.loadSnapshot, key).Scan(&data, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, time.Time{}, false, nil
	case err != nil:
		return nil, time.Time{}, false, fmt.Errorf("store: load snapshot: %w", err)
	}
	return data, fromMillis(at), true, nil
}

// SaveSnapshot implements DirectorySnapshots.
func (s *sqlStore) SaveSnapshot(ctx context.Context, key string, data []byte, takenAt time.Time) error {
	if err := CheckSnapshotKey(key); err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	if _, err := s.w.ExecContext(ctx, s.q.saveSnapshot, key, takenAt.UnixMilli(), data); err != nil {
		return fmt.Errorf("store: save snapshot: %w", err)
	}
	return nil
}

// ClaimSweep implements DirectorySnapshots in one statement, so of
// replicas claiming at once exactly one gets the claim.
func (s *sqlStore) ClaimSweep(ctx context.Context, key, holder string, until time.Time) (bool, error) {
	if err := CheckSnapshotKey(key); err != nil {
		return false, err
	}
	res, err := s.w.ExecContext(ctx, s.q.claimSweep, key, holder, until.UnixMilli(), s.now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: claim sweep: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim sweep: %w", err)
	}
	return n == 1, nil
}
