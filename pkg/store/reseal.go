package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Resealer is what re-sealing Slack tokens under a new encryption key
// needs of a store: walking the installations that hold tokens, and
// replacing a sealed value only while it is still the one that was read.
type Resealer interface {
	// SealedInstallations returns up to limit active installations that
	// hold an access token, with IDs greater than afterID, in ID order
	// (pass the last ID of a page to get the next).
	SealedInstallations(ctx context.Context, afterID string, limit int) ([]Installation, error)
	// ResealTokens replaces an installation's sealed access and refresh
	// tokens with newAccess and newRefresh, but only while the stored values
	// are still oldAccess and oldRefresh: a token refreshed in the meantime
	// (by this or another replica) is never overwritten with an older one.
	// ErrNotFound when the row is unknown, revoked or has moved on.
	ResealTokens(ctx context.Context, id, oldAccess, oldRefresh, newAccess, newRefresh string) error
}

var _ Resealer = (*sqlStore)(nil)

// SealedInstallations implements Resealer.
func (s *sqlStore) SealedInstallations(ctx context.Context, afterID string, limit int) ([]Installation, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(`SELECT `+installationCols+` FROM installations
WHERE status = 'active' AND access_token <> '' AND id > ? ORDER BY id LIMIT ?`), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list sealed installations: %w", err)
	}
	defer rows.Close()
	var out []Installation
	for rows.Next() {
		in, err := scanInstallationRow(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list sealed installations: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sealed installations: %w", err)
	}
	return out, nil
}

// ResealTokens implements Resealer.
func (s *sqlStore) ResealTokens(ctx context.Context, id, oldAccess, oldRefresh, newAccess, newRefresh string) error {
	res, err := s.w.ExecContext(ctx, s.d.rebind(`UPDATE installations SET access_token = ?, refresh_token = ?
WHERE id = ? AND status = 'active' AND access_token = ? AND refresh_token = ?`),
		newAccess, newRefresh, id, oldAccess, oldRefresh)
	return affected("reseal tokens", res, err)
}

// scanInstallationRow is scanInstallation for one row of a result set.
func scanInstallationRow(rows *sql.Rows) (Installation, error) { return scanInstallationFrom(rows) }

// scanInstallationFrom reads installationCols from a row or a result set.
func scanInstallationFrom(row interface{ Scan(...any) error }) (Installation, error) {
	var (
		in                        Installation
		scopes                    string
		tokenExp, installed, used sql.NullInt64
	)
	err := row.Scan(&in.ID, &in.EnterpriseID, &in.TeamID, &in.TeamName, &in.UserID, &in.UserName, &in.IsEnterpriseInstall,
		&scopes, &in.AccessToken, &in.RefreshToken, &tokenExp, &installed, &used, &in.Status)
	if err != nil {
		return Installation{}, err
	}
	in.Scopes = splitScopes(scopes)
	in.TokenExpiresAt, in.InstalledAt, in.LastUsedAt = fromMillis(tokenExp), fromMillis(installed), fromMillis(used)
	return in, nil
}
