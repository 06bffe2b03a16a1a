package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Failure is the last failure of an installation's Slack token that did
// not end the grant (those revoke it): Slack's error code or a short
// reason, and when.
type Failure struct {
	Code string
	At   time.Time
}

// FailureReader reads an installation's last failure (Connections.Failure).
type FailureReader interface {
	Failure(ctx context.Context, installationID string) (Failure, error)
}

// ShownStatus is the status people and operators see of in: failed, with
// the failure, for an active installation whose token last failed; else
// its stored status.
func ShownStatus(ctx context.Context, r FailureReader, in Installation) (string, Failure, error) {
	if in.Status != StatusActive {
		return in.Status, Failure{}, nil
	}
	f, err := r.Failure(ctx, in.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		return in.Status, Failure{}, nil
	case err != nil:
		return "", Failure{}, err
	}
	return StatusFailed, f, nil
}

// maxFailureCode bounds a stored failure code; Slack's codes are short.
const maxFailureCode = 100

// failureQueries are the statements of this file, rebound at open.
type failureQueries struct {
	setFailure, clearFailure, getFailure string
}

func newFailureQueries(d dialect) failureQueries {
	r := d.rebind
	return failureQueries{
		setFailure: r(`INSERT INTO installation_failures (installation_id, code, failed_at) VALUES (?, ?, ?)` +
			d.upsert([]string{"installation_id"}, "code", "failed_at")),
		clearFailure: r(`DELETE FROM installation_failures WHERE installation_id = ?`),
		getFailure:   r(`SELECT code, failed_at FROM installation_failures WHERE installation_id = ?`),
	}
}

// SetFailure implements Connections: code "" clears.
func (s *sqlStore) SetFailure(ctx context.Context, installationID, code string, at time.Time) error {
	if code == "" {
		_, err := s.w.ExecContext(ctx, s.q.clearFailure, installationID)
		if err != nil {
			return fmt.Errorf("store: clear failure: %w", err)
		}
		return nil
	}
	if len(code) > maxFailureCode {
		code = code[:maxFailureCode]
	}
	if _, err := s.w.ExecContext(ctx, s.q.setFailure, installationID, code, at.UnixMilli()); err != nil {
		return fmt.Errorf("store: set failure: %w", err)
	}
	return nil
}

// Failure implements Connections.
func (s *sqlStore) Failure(ctx context.Context, installationID string) (Failure, error) {
	var (
		f  Failure
		at sql.NullInt64
	)
	err := s.r.QueryRowContext(ctx, s.q.getFailure, installationID).Scan(&f.Code, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Failure{}, ErrNotFound
	}
	if err != nil {
		return Failure{}, fmt.Errorf("store: get failure: %w", err)
	}
	f.At = fromMillis(at)
	return f, nil
}
