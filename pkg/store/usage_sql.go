package store

import (
	"context"
	"fmt"
)

// usageQueries are the statements of UsageLog, rebound at open.
type usageQueries struct{ addUsage, listUsage string }

func newUsageQueries(d dialect) usageQueries {
	r := d.rebind
	return usageQueries{
		// Both SQLite and PostgreSQL add on conflict this way.
		addUsage: r(`INSERT INTO workspace_usage (team_id, day, tool_calls, rate_limited) VALUES (?, ?, ?, ?)
ON CONFLICT (team_id, day) DO UPDATE SET tool_calls = workspace_usage.tool_calls + excluded.tool_calls,
rate_limited = workspace_usage.rate_limited + excluded.rate_limited`),
		listUsage: r(`SELECT team_id, SUM(tool_calls), SUM(rate_limited) FROM workspace_usage WHERE day >= ?
GROUP BY team_id ORDER BY SUM(tool_calls) DESC, team_id`),
	}
}

// AddUsage implements UsageLog.
func (s *sqlStore) AddUsage(ctx context.Context, deltas []UsageDelta) (err error) {
	if len(deltas) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: add usage: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, d := range deltas {
		if _, err = tx.ExecContext(ctx, s.q.addUsage, d.TeamID, d.Day, d.ToolCalls, d.RateLimited); err != nil {
			return fmt.Errorf("store: add usage: %w", err)
		}
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: add usage: %w", err)
	}
	return nil
}

// ListUsage implements UsageLog.
func (s *sqlStore) ListUsage(ctx context.Context, sinceDay string) ([]Usage, error) {
	rows, err := s.r.QueryContext(ctx, s.q.listUsage, sinceDay)
	if err != nil {
		return nil, fmt.Errorf("store: list usage: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Usage
	for rows.Next() {
		var u Usage
		if err := rows.Scan(&u.TeamID, &u.ToolCalls, &u.RateLimited); err != nil {
			return nil, fmt.Errorf("store: list usage: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list usage: %w", err)
	}
	return out, nil
}
