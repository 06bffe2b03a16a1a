package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// EndedSessionsKept is how long an ended MCP session is remembered:
// longer than any client keeps retrying a dead session.
const EndedSessionsKept = 24 * time.Hour

// EndedSessions records the MCP sessions their owners ended, by the hash
// of the session ID, so every replica refuses them.
type EndedSessions interface {
	// EndSession records the session as ended at at; ending it again keeps
	// the first time.
	EndSession(ctx context.Context, idHash string, at time.Time) error
	// SessionEndedAt reports whether the session was recorded as ended,
	// and when; records older than EndedSessionsKept may be swept at any
	// time, so the caller refuses only younger ones.
	SessionEndedAt(ctx context.Context, idHash string) (time.Time, bool, error)
}

type endedQueries struct{ endSession, sessionEnded, sweepEnded string }

func newEndedQueries(d dialect) endedQueries {
	r := d.rebind
	return endedQueries{
		endSession:   r(`INSERT INTO ended_mcp_sessions (id_hash, ended_at) VALUES (?, ?)` + d.upsert([]string{"id_hash"})),
		sessionEnded: r(`SELECT ended_at FROM ended_mcp_sessions WHERE id_hash = ?`),
		sweepEnded:   r(`DELETE FROM ended_mcp_sessions WHERE ended_at <= ?`),
	}
}

// EndSession implements EndedSessions.
func (s *sqlStore) EndSession(ctx context.Context, idHash string, at time.Time) error {
	if err := CheckEndedSession(idHash); err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, s.q.endSession, idHash, at.UnixMilli()); err != nil {
		return fmt.Errorf("store: end session: %w", err)
	}
	return nil
}

// SessionEndedAt implements EndedSessions.
func (s *sqlStore) SessionEndedAt(ctx context.Context, idHash string) (time.Time, bool, error) {
	var at int64
	err := s.r.QueryRowContext(ctx, s.q.sessionEnded, idHash).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, false, nil
	case err != nil:
		return time.Time{}, false, fmt.Errorf("store: session ended: %w", err)
	}
	return time.UnixMilli(at).UTC(), true, nil
}

// sweepEndedSessions deletes the records older than EndedSessionsKept.
func (s *sqlStore) sweepEndedSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.q.sweepEnded, now.Add(-EndedSessionsKept).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: sweep ended sessions: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
