package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// What the AuthServer resource files share: the installation check of
// rows that grant access, the cascade of a revoked installation and the
// sweeper. Each resource has its file, statements included:
// clients_sql.go, txns_sql.go, tokens_sql.go (codes and tokens),
// sessions_sql.go (browser sessions and consents).

// authQueries are the statements the resource files share, rebound for
// the dialect once, at open (see newQueries).
type authQueries struct {
	// Run by RevokeInstallation, in its transaction.
	revokeInstTokens, deleteInstCodes, deleteInstSessions, revokeInstConsents string

	// Run by the sweeper.
	sweepTxns, sweepCodes, sweepTokens, sweepSessions string
}

// prefixCols qualifies every column of a column list with alias.
func prefixCols(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = alias + "." + p
	}
	return strings.Join(parts, ", ")
}

func newAuthQueries(d dialect) authQueries {
	r := d.rebind
	return authQueries{
		revokeInstTokens:   r(`UPDATE oauth_tokens SET revoked_at = ? WHERE installation_id = ? AND revoked_at IS NULL`),
		deleteInstCodes:    r(`DELETE FROM oauth_codes WHERE installation_id = ?`),
		deleteInstSessions: r(`DELETE FROM browser_sessions WHERE installation_id = ?`),
		revokeInstConsents: r(`UPDATE oauth_consents SET revoked_at = ? WHERE installation_id = ? AND revoked_at IS NULL`),

		sweepTxns:     r(`DELETE FROM oauth_txns WHERE expires_at <= ?`),
		sweepCodes:    r(`DELETE FROM oauth_codes WHERE expires_at <= ?`),
		sweepTokens:   r(`DELETE FROM oauth_tokens WHERE expires_at <= ?`),
		sweepSessions: r(`DELETE FROM browser_sessions WHERE expires_at <= ?`),
	}
}

// revokeAuthServerRows ends, inside RevokeInstallation's transaction,
// everything the authorization server built on the installation: tokens
// and consents are revoked (kept for the record), codes and browser
// sessions deleted. The status join in every read already hides them;
// these writes make sure a reinstall (which sets the installation active
// again) does not bring them back.
func (s *sqlStore) revokeAuthServerRows(ctx context.Context, tx *sql.Tx, id string, at int64) error {
	for _, st := range []struct {
		q    string
		args []any
	}{
		{s.q.revokeInstTokens, []any{at, id}},
		{s.q.deleteInstCodes, []any{id}},
		{s.q.deleteInstSessions, []any{id}},
		{s.q.revokeInstConsents, []any{at, id}},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("store: revoke installation grants: %w", err)
		}
	}
	return nil
}

// sweepAuthServer deletes transactions, codes, tokens and browser sessions
// expired at now: none of them can be used any more (an expired code or
// refresh token is ErrNotFound, replayed or not); then the revoked-family
// records that no token or code refers to any more.
func (s *sqlStore) sweepAuthServer(ctx context.Context, now time.Time) (int, error) {
	ms := now.UnixMilli()
	total := 0
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{s.q.sweepTxns, []any{ms}}, {s.q.sweepCodes, []any{ms}}, {s.q.sweepTokens, []any{ms}}, {s.q.sweepSessions, []any{ms}},
		{s.q.sweepFamilies, nil}, // after the tokens and codes it looks at; no time of its own
	} {
		res, err := s.w.ExecContext(ctx, q.sql, q.args...)
		if err != nil {
			return total, fmt.Errorf("store: sweep authorization server: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("store: sweep authorization server: %w", err)
		}
		total += int(n)
	}
	return total, nil
}

// insertGranting runs an INSERT ... ON CONFLICT DO NOTHING for a row that
// grants access, in a transaction that first checks (and, where the
// engine needs it, locks) the installation: ErrNotFound when it is unknown
// or revoked, ErrAlreadyExists when the insert conflicted. A revoke cannot
// slip between the check and the insert.
func (s *sqlStore) insertGranting(ctx context.Context, op, installationID, insert string, args ...any) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var status string
	err = tx.QueryRowContext(ctx, s.q.activeInstallation, installationID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != StatusActive) {
		err = ErrNotFound
		return err
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	res, err := tx.ExecContext(ctx, insert, args...)
	if err = created(op, res, err); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}

// created turns an INSERT ... ON CONFLICT DO NOTHING that inserted nothing
// into ErrAlreadyExists.
func created(op string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if n == 0 {
		return ErrAlreadyExists
	}
	return nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// nullString stores "" as NULL (for columns where NULL means "not set").
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
