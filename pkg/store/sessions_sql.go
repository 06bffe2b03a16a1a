package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Browser sessions and consents: what lets a person who connected before
// skip the Slack round trip, and how a client's grants end.

// sessionQueries are the statements of this file, rebound once at open.
type sessionQueries struct {
	createSession, getSession, deleteSession string

	putConsent, getConsent, revokeConsent, listConsents string

	// Run by RevokeClientGrants, in one transaction.
	revokeClientTokens, deleteClientCodes string
}

const consentCols = `installation_id, client_id, scope, redirect_uri, granted_at, revoked_at`

func newSessionQueries(d dialect) sessionQueries {
	r := d.rebind
	return sessionQueries{
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
	}
}

// CreateBrowserSession implements AuthServer: ErrNotFound when the
// installation is unknown or revoked, ErrAlreadyExists when the hash is
// taken. hash and expiresAt are required.
func (s *sqlStore) CreateBrowserSession(ctx context.Context, hash, installationID string, expiresAt time.Time) error {
	if err := CheckBrowserSession(hash, expiresAt); err != nil {
		return err
	}
	return s.insertGranting(ctx, "create browser session", installationID, s.q.createSession,
		hash, installationID, millis(s.now()), millis(expiresAt))
}

// GetBrowserSession implements AuthServer: the installation ID of a session
// unexpired at now whose installation is active; ErrNotFound otherwise.
func (s *sqlStore) GetBrowserSession(ctx context.Context, hash string, now time.Time) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, s.q.getSession, hash, now.UnixMilli()).Scan(&id)
	if err != nil {
		return "", wrapGet("get browser session", err)
	}
	return id, nil
}

// DeleteBrowserSession implements AuthServer (logout): ErrNotFound when
// unknown.
func (s *sqlStore) DeleteBrowserSession(ctx context.Context, hash string) error {
	res, err := s.w.ExecContext(ctx, s.q.deleteSession, hash)
	return affected("delete browser session", res, err)
}

// PutConsent implements AuthServer: insert, or replace the scope, redirect
// URI and GrantedAt of the consent for (InstallationID, ClientID) and clear
// its revocation. c.RevokedAt is ignored; a zero GrantedAt becomes now.
// ErrNotFound when the installation is unknown or revoked.
func (s *sqlStore) PutConsent(ctx context.Context, c Consent) error {
	if err := CheckConsent(c); err != nil {
		return err
	}
	if c.GrantedAt.IsZero() {
		c.GrantedAt = s.now()
	}
	err := s.insertGranting(ctx, "put consent", c.InstallationID, s.q.putConsent,
		c.InstallationID, c.ClientID, c.Scope, c.RedirectURI, millis(c.GrantedAt))
	if errors.Is(err, ErrAlreadyExists) {
		return nil // an upsert always writes; defensive only
	}
	return err
}

// GetConsent implements AuthServer: ErrNotFound when unknown, revoked, or
// the installation is revoked.
func (s *sqlStore) GetConsent(ctx context.Context, installationID, clientID string) (Consent, error) {
	c, err := scanConsent(s.r.QueryRowContext(ctx, s.q.getConsent, installationID, clientID))
	return c, wrapGet("get consent", err)
}

// RevokeConsent implements AuthServer: ErrNotFound when unknown. Revoking a
// revoked consent succeeds and keeps the first revocation time.
func (s *sqlStore) RevokeConsent(ctx context.Context, installationID, clientID string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q.revokeConsent, at.UnixMilli(), installationID, clientID)
	return affected("revoke consent", res, err)
}

// ListConsents implements AuthServer: the installation's unrevoked
// consents, newest grant first (then by client ID); nil when there are none
// or the installation is revoked.
func (s *sqlStore) ListConsents(ctx context.Context, installationID string) ([]Consent, error) {
	rows, err := s.r.QueryContext(ctx, s.q.listConsents, installationID)
	if err != nil {
		return nil, fmt.Errorf("store: list consents: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Consent
	for rows.Next() {
		c, err := scanConsent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list consents: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list consents: %w", err)
	}
	return out, nil
}

// RevokeClientGrants implements AuthServer in one transaction: the
// consent and every token of (installationID, clientID) get revoked_at
// (a row already revoked keeps its first time), the codes of that pair
// are deleted. ErrNotFound when neither a consent nor a token of the pair
// exists (revoked ones count: a second call succeeds). The installation's
// status is not checked: revoking under a revoked installation is
// harmless.
func (s *sqlStore) RevokeClientGrants(ctx context.Context, installationID, clientID string, at time.Time) (err error) {
	atMS := at.UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: revoke client grants: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var found int64
	for _, st := range []struct {
		q     string
		args  []any
		count bool
	}{
		{s.q.revokeConsent, []any{atMS, installationID, clientID}, true},
		{s.q.revokeClientTokens, []any{atMS, installationID, clientID}, true},
		{s.q.deleteClientCodes, []any{installationID, clientID}, false},
	} {
		res, xerr := tx.ExecContext(ctx, st.q, st.args...)
		if xerr != nil {
			err = fmt.Errorf("store: revoke client grants: %w", xerr)
			return err
		}
		if st.count {
			n, xerr := res.RowsAffected()
			if xerr != nil {
				err = fmt.Errorf("store: revoke client grants: %w", xerr)
				return err
			}
			found += n
		}
	}
	if found == 0 {
		err = ErrNotFound
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: revoke client grants: %w", err)
	}
	return nil
}

func scanConsent(row scanner) (Consent, error) {
	var (
		c                Consent
		granted, revoked sql.NullInt64
	)
	if err := row.Scan(&c.InstallationID, &c.ClientID, &c.Scope, &c.RedirectURI, &granted, &revoked); err != nil {
		return Consent{}, err
	}
	c.GrantedAt, c.RevokedAt = fromMillis(granted), fromMillis(revoked)
	return c, nil
}
