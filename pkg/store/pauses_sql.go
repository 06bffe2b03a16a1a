package store

import (
	"context"
	"fmt"
	"time"
)

// SlackPause is a 429 from Slack: calls of Method for Scope (per Channel
// for methods Slack limits per channel) wait until Until.
type SlackPause struct {
	Scope, Method, Channel string
	Until                  time.Time
}

// SlackPauses share Slack's 429 pushbacks between the replicas of one
// database.
type SlackPauses interface {
	// PauseSlack records p; an earlier Until for the same key is extended,
	// a later one kept.
	PauseSlack(ctx context.Context, p SlackPause) error
	// SlackPausesAfter returns the pauses that end after t.
	SlackPausesAfter(ctx context.Context, t time.Time) ([]SlackPause, error)
}

// slackPausesKept is how long an ended pause stays before it is swept.
const slackPausesKept = time.Hour

type pauseQueries struct{ pauseSlack, pausesAfter, sweepPauses string }

func newPauseQueries(d dialect) pauseQueries {
	r := d.rebind
	return pauseQueries{
		pauseSlack: r(`INSERT INTO slack_pauses (scope, method, channel, until_at) VALUES (?, ?, ?, ?)
ON CONFLICT (scope, method, channel) DO UPDATE SET until_at = ` + d.greatest + `(slack_pauses.until_at, excluded.until_at)`),
		pausesAfter: r(`SELECT scope, method, channel, until_at FROM slack_pauses WHERE until_at > ?`),
		sweepPauses: r(`DELETE FROM slack_pauses WHERE until_at <= ?`),
	}
}

// CheckSlackPause validates a pause to be recorded.
func CheckSlackPause(p SlackPause) error {
	if p.Scope == "" || p.Method == "" || p.Until.IsZero() {
		return fmt.Errorf("store: a Slack pause needs a scope, a method and an end")
	}
	return nil
}

// PauseSlack implements SlackPauses.
func (s *sqlStore) PauseSlack(ctx context.Context, p SlackPause) error {
	if err := CheckSlackPause(p); err != nil {
		return err
	}
	if _, err := s.w.ExecContext(ctx, s.q.pauseSlack, p.Scope, p.Method, p.Channel, p.Until.UnixMilli()); err != nil {
		return fmt.Errorf("store: pause Slack: %w", err)
	}
	return nil
}

// SlackPausesAfter implements SlackPauses.
func (s *sqlStore) SlackPausesAfter(ctx context.Context, t time.Time) ([]SlackPause, error) {
	rows, err := s.r.QueryContext(ctx, s.q.pausesAfter, t.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: Slack pauses: %w", err)
	}
	defer rows.Close()
	var out []SlackPause
	for rows.Next() {
		var p SlackPause
		var until int64
		if err := rows.Scan(&p.Scope, &p.Method, &p.Channel, &until); err != nil {
			return nil, fmt.Errorf("store: Slack pauses: %w", err)
		}
		p.Until = time.UnixMilli(until).UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: Slack pauses: %w", err)
	}
	return out, nil
}

// sweepSlackPauses deletes pauses that ended over slackPausesKept ago.
func (s *sqlStore) sweepSlackPauses(ctx context.Context, now time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.q.sweepPauses, now.Add(-slackPausesKept).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: sweep Slack pauses: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
