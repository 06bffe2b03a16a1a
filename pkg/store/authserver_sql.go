package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The AuthServer statements and what the resource files share: the
// installation checks of rows that grant access, the cascade of a
// revoked installation and the sweeper. Each resource has its file:
// clients_sql.go, txns_sql.go, tokens_sql.go (codes and tokens),
// sessions_sql.go (browser sessions and consents).

// authQueries are the AuthServer statements, rebound for the dialect once,
// at open (see newQueries).
type authQueries struct {
	putClient, getClient, touchClient                                    string
	unusedTokens, unusedCodes, unusedConsents, unusedTxns, unusedClients string

	createTxn, getTxn, slackStateTaken, setTxnSlackState, txnState, consumeTxn string

	createCode string

	revokeToken string

	createSession, getSession, deleteSession string

	putConsent, getConsent, revokeConsent, listConsents string

	// Run by RevokeClientGrants, in one transaction.
	revokeClientTokens, deleteClientCodes string

	// Run by RevokeInstallation, in its transaction.
	revokeInstTokens, deleteInstCodes, deleteInstSessions, revokeInstConsents string

	// Run by the sweeper.
	sweepTxns, sweepCodes, sweepTokens, sweepSessions string
}

const (
	clientCols  = `id, kind, name, redirect_uris, auth_method, secret_hash, metadata, created_at, expires_at, last_used_at`
	txnCols     = `id_hash, client_id, redirect_uri, code_challenge, scope, resource, client_state, slack_state_hash, csrf_hash, nonce_hash, created_at, expires_at`
	codeCols    = `hash, client_id, installation_id, redirect_uri, code_challenge, scope, resource, created_at, expires_at, used_at`
	tokenCols   = `hash, kind, family_id, client_id, installation_id, scope, resource, created_at, expires_at, revoked_at, rotated_at`
	consentCols = `installation_id, client_id, scope, redirect_uri, granted_at, revoked_at`

	// unusedClient selects DCR clients not used since before: neither
	// touched (nor created) since, nor holding a token that was still valid
	// after it. Two placeholders: before, before.
	unusedClient = `SELECT c.id FROM oauth_clients c
WHERE c.kind = 'dcr' AND COALESCE(c.last_used_at, c.created_at) < ?
AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.client_id = c.id AND t.revoked_at IS NULL AND t.expires_at > ?)`
)

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
		putClient: r(`INSERT INTO oauth_clients (` + clientCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` +
			d.upsert([]string{"id"}, "kind", "name", "redirect_uris", "auth_method", "secret_hash", "metadata", "expires_at") +
			`, last_used_at = COALESCE(excluded.last_used_at, oauth_clients.last_used_at)`),
		getClient:      r(`SELECT ` + clientCols + ` FROM oauth_clients WHERE id = ?`),
		touchClient:    r(`UPDATE oauth_clients SET last_used_at = ` + d.greatest + `(COALESCE(last_used_at, ?), ?) WHERE id = ?`),
		unusedTokens:   r(`DELETE FROM oauth_tokens WHERE client_id IN (` + unusedClient + `)`),
		unusedCodes:    r(`DELETE FROM oauth_codes WHERE client_id IN (` + unusedClient + `)`),
		unusedConsents: r(`DELETE FROM oauth_consents WHERE client_id IN (` + unusedClient + `)`),
		unusedTxns:     r(`DELETE FROM oauth_txns WHERE client_id IN (` + unusedClient + `)`),
		unusedClients:  r(`DELETE FROM oauth_clients WHERE id IN (` + unusedClient + `)`),

		createTxn:        r(`INSERT INTO oauth_txns (` + txnCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + d.upsert(nil)),
		getTxn:           r(`SELECT ` + txnCols + ` FROM oauth_txns WHERE id_hash = ? AND expires_at > ?`),
		slackStateTaken:  r(`SELECT 1 FROM oauth_txns WHERE slack_state_hash = ?` + d.forUpdate),
		setTxnSlackState: r(`UPDATE oauth_txns SET slack_state_hash = ? WHERE id_hash = ? AND expires_at > ? AND slack_state_hash IS NULL`),
		txnState:         r(`SELECT slack_state_hash FROM oauth_txns WHERE id_hash = ? AND expires_at > ?`),
		consumeTxn:       r(`DELETE FROM oauth_txns WHERE slack_state_hash = ? RETURNING ` + txnCols),

		createCode: r(`INSERT INTO oauth_codes (` + codeCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + d.upsert([]string{"hash"})),

		revokeToken: r(`UPDATE oauth_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE hash = ?`),

		createSession: r(`INSERT INTO browser_sessions (hash, installation_id, created_at, expires_at) VALUES (?, ?, ?, ?)` + d.upsert([]string{"hash"})),
		getSession: r(`SELECT b.installation_id FROM browser_sessions b JOIN installations i ON i.id = b.installation_id
WHERE b.hash = ? AND b.expires_at > ? AND i.status = 'active'`),
		deleteSession: r(`DELETE FROM browser_sessions WHERE hash = ?`),

		putConsent: r(`INSERT INTO oauth_consents (` + consentCols + `) VALUES (?, ?, ?, ?, ?, NULL)` +
			d.upsert([]string{"installation_id", "client_id"}, "scope", "redirect_uri", "granted_at", "revoked_at")),
		getConsent: r(`SELECT ` + prefixCols("c", consentCols) + `
FROM oauth_consents c JOIN installations i ON i.id = c.installation_id
WHERE c.installation_id = ? AND c.client_id = ? AND c.revoked_at IS NULL AND i.status = 'active'`),
		revokeConsent: r(`UPDATE oauth_consents SET revoked_at = COALESCE(revoked_at, ?) WHERE installation_id = ? AND client_id = ?`),
		listConsents: r(`SELECT ` + prefixCols("c", consentCols) + `
FROM oauth_consents c JOIN installations i ON i.id = c.installation_id
WHERE c.installation_id = ? AND c.revoked_at IS NULL AND i.status = 'active'
ORDER BY c.granted_at DESC, c.client_id`),

		revokeClientTokens: r(`UPDATE oauth_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE installation_id = ? AND client_id = ?`),
		deleteClientCodes:  r(`DELETE FROM oauth_codes WHERE installation_id = ? AND client_id = ?`),

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
	for _, q := range []string{s.q.sweepTxns, s.q.sweepCodes, s.q.sweepTokens, s.q.sweepSessions, s.q.sweepFamilies} {
		res, err := s.w.ExecContext(ctx, q, ms)
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
