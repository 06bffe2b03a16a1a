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

	personOf, setPerson, movePerson, personInstallations string

	touchClientUse, clientUses string
}

func newConnectionQueries(d dialect) connectionQueries {
	r := d.rebind
	return connectionQueries{
		listPATs: r(`SELECT p.hash, p.installation_id, p.created_at, p.last_used_at, p.revoked_at
FROM personal_access_tokens p JOIN installations i ON i.id = p.installation_id
WHERE p.installation_id = ? AND p.revoked_at IS NULL AND i.status = 'active'
ORDER BY p.created_at DESC, p.hash`),
		revokePAT: r(`UPDATE personal_access_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE installation_id = ? AND hash = ?`),

		personOf:   r(`SELECT COALESCE((SELECT person_id FROM people WHERE installation_id = i.id), i.id) FROM installations i WHERE i.id = ?`),
		setPerson:  r(`INSERT INTO people (installation_id, person_id) VALUES (?, ?)` + d.upsert([]string{"installation_id"}, "person_id")),
		movePerson: r(`UPDATE people SET person_id = ? WHERE person_id = ?`),
		personInstallations: r(`SELECT ` + prefixCols("i", installationCols) + ` FROM installations i
LEFT JOIN people p ON p.installation_id = i.id
WHERE COALESCE(p.person_id, i.id) = ? ORDER BY i.installed_at, i.id`),

		touchClientUse: r(`INSERT INTO client_uses (installation_id, client_id, last_used_at) VALUES (?, ?, ?)
ON CONFLICT (installation_id, client_id) DO UPDATE SET last_used_at = ` + d.greatest + `(client_uses.last_used_at, excluded.last_used_at)`),
		clientUses: r(`SELECT client_id, last_used_at FROM client_uses WHERE installation_id = ?`),
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

// LinkInstallations implements Connections, in one transaction.
func (s *sqlStore) LinkInstallations(ctx context.Context, from, to string) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: link installations: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var person, old string
	if err = tx.QueryRowContext(ctx, s.q.personOf, from).Scan(&person); err != nil {
		return wrapGet("link installations", err)
	}
	if err = tx.QueryRowContext(ctx, s.q.personOf, to).Scan(&old); err != nil {
		return wrapGet("link installations", err)
	}
	if person == old {
		return tx.Commit()
	}
	for _, id := range []string{from, to} {
		if _, err = tx.ExecContext(ctx, s.q.setPerson, id, person); err != nil {
			return fmt.Errorf("store: link installations: %w", err)
		}
	}
	// to's person may have had other installations: they come along.
	if _, err = tx.ExecContext(ctx, s.q.movePerson, person, old); err != nil {
		return fmt.Errorf("store: link installations: %w", err)
	}
	if _, err = tx.ExecContext(ctx, s.q.setPerson, old, person); err != nil {
		return fmt.Errorf("store: link installations: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: link installations: %w", err)
	}
	return nil
}

// PersonInstallations implements Connections.
func (s *sqlStore) PersonInstallations(ctx context.Context, installationID string) ([]Installation, error) {
	var person string
	if err := s.r.QueryRowContext(ctx, s.q.personOf, installationID).Scan(&person); err != nil {
		return nil, wrapGet("person installations", err)
	}
	rows, err := s.r.QueryContext(ctx, s.q.personInstallations, person)
	if err != nil {
		return nil, fmt.Errorf("store: person installations: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Installation
	for rows.Next() {
		in, err := scanInstallationRow(rows)
		if err != nil {
			return nil, fmt.Errorf("store: person installations: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: person installations: %w", err)
	}
	return out, nil
}

// TouchClientUse implements Connections.
func (s *sqlStore) TouchClientUse(ctx context.Context, installationID, clientID string, at time.Time) error {
	if _, err := s.w.ExecContext(ctx, s.q.touchClientUse, installationID, clientID, at.UnixMilli()); err != nil {
		return fmt.Errorf("store: touch client use: %w", err)
	}
	return nil
}

// ClientUses implements Connections.
func (s *sqlStore) ClientUses(ctx context.Context, installationID string) (map[string]time.Time, error) {
	rows, err := s.r.QueryContext(ctx, s.q.clientUses, installationID)
	if err != nil {
		return nil, fmt.Errorf("store: client uses: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]time.Time{}
	for rows.Next() {
		var (
			id string
			at int64
		)
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store: client uses: %w", err)
		}
		out[id] = time.UnixMilli(at).UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: client uses: %w", err)
	}
	return out, nil
}
