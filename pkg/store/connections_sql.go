package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// connectionQueries are the statements of Connections, rebound at open.
type connectionQueries struct {
	listPATs, revokePAT string
}

func newConnectionQueries(d dialect) connectionQueries {
	r := d.rebind
	return connectionQueries{
		listPATs: r(`SELECT p.hash, p.installation_id, p.created_at, p.last_used_at, p.revoked_at
FROM personal_access_tokens p JOIN installations i ON i.id = p.installation_id
WHERE p.installation_id = ? AND p.revoked_at IS NULL AND i.status = 'active'
ORDER BY p.created_at DESC, p.hash`),
		revokePAT: r(`UPDATE personal_access_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE installation_id = ? AND hash = ?`),
	}
}

// ListPATs implements Connections.
func (s *sqlStore) ListPATs(ctx context.Context, installationID string) ([]PAT, error) {
	rows, err := s.r.QueryContext(ctx, s.q.listPATs, installationID)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []PAT
	for rows.Next() {
		var (
			p                        PAT
			created, used, revokedAt sql.NullInt64
		)
		if err := rows.Scan(&p.Hash, &p.InstallationID, &created, &used, &revokedAt); err != nil {
			return nil, fmt.Errorf("store: list tokens: %w", err)
		}
		p.CreatedAt, p.LastUsedAt, p.RevokedAt = fromMillis(created), fromMillis(used), fromMillis(revokedAt)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	return out, nil
}

// RevokePAT implements Connections.
func (s *sqlStore) RevokePAT(ctx context.Context, installationID, hash string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q.revokePAT, at.UnixMilli(), installationID, hash)
	return affected("revoke token", res, err)
}
