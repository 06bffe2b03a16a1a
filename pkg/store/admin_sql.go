package store

import (
	"context"
	"fmt"
	"strings"
)

// ListInstallations implements Admin.
func (s *sqlStore) ListInstallations(ctx context.Context, f InstallationFilter) ([]Installation, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.TeamID != "" {
		add("team_id = ?", f.TeamID)
	}
	switch f.Status {
	case "":
	case StatusFailed:
		add("status = ? AND id IN (SELECT installation_id FROM installation_failures)", StatusActive)
	default:
		add("status = ?", f.Status)
	}
	if !f.UsedSince.IsZero() {
		add("last_used_at >= ?", f.UsedSince.UnixMilli())
	}
	if !f.UsedBefore.IsZero() {
		add("(last_used_at IS NULL OR last_used_at < ?)", f.UsedBefore.UnixMilli())
	}
	q := `SELECT ` + installationCols + ` FROM installations`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY CASE WHEN last_used_at IS NULL THEN 1 ELSE 0 END, last_used_at DESC, id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list installations: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Installation
	for rows.Next() {
		in, err := scanInstallationRow(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list installations: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list installations: %w", err)
	}
	return out, nil
}
