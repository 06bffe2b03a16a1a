package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// sqlStore implements Store over database/sql for any dialect. Writes go
// to w; reads go to r (the same pool when the engine has one connection).
type sqlStore struct {
	lifecycle
	w, r *sql.DB
	d    dialect
	q    queries
	now  func() time.Time
	log  zerolog.Logger
}

// queries are rebound for the dialect once, at open.
type queries struct {
	createPending, consumePending, sweepPending                     string
	upsertInstallation, getInstallation, findInstallation           string
	updateTokens, touchInstallation, revokeInstallation, revokePATs string
	installationForRefresh                                          string
	activeInstallation, createPAT, patExists, getPAT, touchPAT      string
	appendAudit, listAudit                                          string

	authQueries
	clientQueries
	txnQueries
	tokenQueries
	sessionQueries
	connectionQueries
	failureQueries
	policyQueries
	usageQueries
	endedQueries
	pauseQueries
	snapshotQueries
}

const (
	pendingCols      = `state_hash, nonce_hash, return_url, metadata, scopes, created_at, expires_at`
	installationCols = `id, enterprise_id, team_id, team_name, user_id, user_name, is_enterprise_install, scopes, access_token, refresh_token, token_expires_at, installed_at, last_used_at, status`
	auditCols        = `id, at, event, enterprise_id, team_id, user_id, tool, channel, message_ts, outcome, detail`
)

func newQueries(d dialect) queries {
	r := d.rebind
	return queries{
		createPending: r(`INSERT INTO pending_authorizations (` + pendingCols + `) VALUES (?, ?, ?, ?, ?, ?, ?)` +
			d.upsert([]string{"state_hash"})),
		consumePending: r(`DELETE FROM pending_authorizations WHERE state_hash = ? RETURNING ` + pendingCols),
		sweepPending:   r(`DELETE FROM pending_authorizations WHERE expires_at <= ?`),

		upsertInstallation: r(`INSERT INTO installations (` + installationCols + `, revoked_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL)` +
			d.upsert([]string{"enterprise_id", "team_id", "user_id"},
				"team_name", "user_name", "is_enterprise_install", "scopes", "access_token", "refresh_token", "token_expires_at") +
			`, last_used_at = COALESCE(excluded.last_used_at, installations.last_used_at), status = 'active', revoked_at = NULL
RETURNING ` + installationCols),
		getInstallation:        r(`SELECT ` + installationCols + ` FROM installations WHERE id = ?`),
		installationForRefresh: r(`SELECT ` + installationCols + ` FROM installations WHERE id = ?` + d.forUpdate),
		findInstallation:       r(`SELECT ` + installationCols + ` FROM installations WHERE enterprise_id = ? AND team_id = ? AND user_id = ?`),
		updateTokens: r(`UPDATE installations SET access_token = ?, refresh_token = ?, token_expires_at = ?
WHERE id = ? AND status = 'active'`),
		touchInstallation: r(`UPDATE installations SET last_used_at = ` + d.greatest + `(COALESCE(last_used_at, ?), ?) WHERE id = ?`),
		revokeInstallation: r(`UPDATE installations
SET status = 'revoked', access_token = '', refresh_token = '', token_expires_at = NULL, revoked_at = COALESCE(revoked_at, ?)
WHERE id = ?`),
		revokePATs: r(`UPDATE personal_access_tokens SET revoked_at = ? WHERE installation_id = ? AND revoked_at IS NULL`),

		activeInstallation: r(`SELECT status FROM installations WHERE id = ?` + d.forUpdate),
		createPAT: r(`INSERT INTO personal_access_tokens (hash, installation_id, created_at, last_used_at, revoked_at)
VALUES (?, ?, ?, ?, ?)` + d.upsert([]string{"hash"})),
		getPAT: r(`SELECT p.hash, p.installation_id, p.created_at, p.last_used_at, p.revoked_at
FROM personal_access_tokens p JOIN installations i ON i.id = p.installation_id
WHERE p.hash = ? AND p.revoked_at IS NULL AND i.status = 'active'`),
		touchPAT: r(`UPDATE personal_access_tokens SET last_used_at = ` + d.greatest + `(COALESCE(last_used_at, ?), ?) WHERE hash = ?`),

		appendAudit: r(`INSERT INTO audit_events (at, event, enterprise_id, team_id, user_id, tool, channel, message_ts, outcome, detail)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		// listAudit is completed per call (optional filters), see ListAudit.
		listAudit: `SELECT ` + auditCols + ` FROM audit_events`,

		authQueries:       newAuthQueries(d),
		clientQueries:     newClientQueries(d),
		txnQueries:        newTxnQueries(d),
		tokenQueries:      newTokenQueries(d),
		sessionQueries:    newSessionQueries(d),
		connectionQueries: newConnectionQueries(d),
		failureQueries:    newFailureQueries(d),
		policyQueries:     newPolicyQueries(d),
		usageQueries:      newUsageQueries(d),
		endedQueries:      newEndedQueries(d),
		pauseQueries:      newPauseQueries(d),
		snapshotQueries:   newSnapshotQueries(d),
	}
}

// CreatePending implements Store.
func (s *sqlStore) CreatePending(ctx context.Context, p Pending) error {
	if err := CheckPending(p); err != nil {
		return err
	}
	scopes := strings.Join(p.Scopes, " ")
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	var meta any
	if len(p.Metadata) > 0 {
		meta = p.Metadata
	}
	res, err := s.w.ExecContext(ctx, s.q.createPending,
		p.StateHash, p.NonceHash, p.ReturnURL, meta, scopes, millis(p.CreatedAt), millis(p.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create pending: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: create pending: %w", err)
	} else if n == 0 {
		return ErrAlreadyExists
	}
	return nil
}

// ConsumePending implements Store. One DELETE ... RETURNING statement, so
// of any number of concurrent consumers exactly one gets the row.
func (s *sqlStore) ConsumePending(ctx context.Context, stateHash string, now time.Time) (Pending, error) {
	var (
		p                  Pending
		meta               []byte
		scopes             string
		created, expiresAt sql.NullInt64
	)
	err := s.w.QueryRowContext(ctx, s.q.consumePending, stateHash).Scan(
		&p.StateHash, &p.NonceHash, &p.ReturnURL, &meta, &scopes, &created, &expiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Pending{}, ErrNotFound
	}
	if err != nil {
		return Pending{}, fmt.Errorf("store: consume pending: %w", err)
	}
	p.CreatedAt, p.ExpiresAt = fromMillis(created), fromMillis(expiresAt)
	if !now.Before(p.ExpiresAt) {
		return Pending{}, ErrNotFound // expired: deleted all the same
	}
	if len(meta) > 0 {
		p.Metadata = meta
	}
	p.Scopes = splitScopes(scopes)
	return p, nil
}

// SweepPending implements Store.
func (s *sqlStore) SweepPending(ctx context.Context, now time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, s.q.sweepPending, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("store: sweep pending: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: sweep pending: %w", err)
	}
	return int(n), nil
}

// UpsertInstallation implements Store. The ID of a new row is generated
// here ("inst_" + 32 hex digits); in.ID and in.Status are ignored. A zero
// InstalledAt becomes now; a zero LastUsedAt keeps the stored one.
func (s *sqlStore) UpsertInstallation(ctx context.Context, in Installation) (Installation, error) {
	if err := CheckInstallation(in); err != nil {
		return Installation{}, err
	}
	scopes := strings.Join(in.Scopes, " ")
	id, err := NewInstallationID()
	if err != nil {
		return Installation{}, err
	}
	if in.InstalledAt.IsZero() {
		in.InstalledAt = s.now()
	}
	row := s.w.QueryRowContext(ctx, s.q.upsertInstallation,
		id, in.EnterpriseID, in.TeamID, in.TeamName, in.UserID, in.UserName, in.IsEnterpriseInstall, scopes,
		in.AccessToken, in.RefreshToken, nullMillis(in.TokenExpiresAt), millis(in.InstalledAt), nullMillis(in.LastUsedAt))
	out, err := scanInstallation(row)
	if err != nil {
		return Installation{}, fmt.Errorf("store: upsert installation: %w", err)
	}
	return out, nil
}

// GetInstallation implements Store.
func (s *sqlStore) GetInstallation(ctx context.Context, id string) (Installation, error) {
	in, err := scanInstallation(s.r.QueryRowContext(ctx, s.q.getInstallation, id))
	return in, wrapGet("get installation", err)
}

// FindInstallation implements Store.
func (s *sqlStore) FindInstallation(ctx context.Context, enterpriseID, teamID, userID string) (Installation, error) {
	in, err := scanInstallation(s.r.QueryRowContext(ctx, s.q.findInstallation, enterpriseID, teamID, userID))
	return in, wrapGet("find installation", err)
}

// UpdateTokens implements Store.
func (s *sqlStore) UpdateTokens(ctx context.Context, id, accessToken, refreshToken string, expiresAt time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q.updateTokens, accessToken, refreshToken, nullMillis(expiresAt), id)
	return affected("update tokens", res, err)
}

// RefreshTokens implements Store in one write transaction: the row is read
// FOR UPDATE (SQLite: the transaction holds the write lock), so callers on
// every replica queue, and each sees the row its predecessor stored.
func (s *sqlStore) RefreshTokens(ctx context.Context, id string, refresh TokenRefresher) (_ Installation, err error) {
	const op = "refresh tokens"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Installation{}, fmt.Errorf("store: %s: %w", op, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	in, err := scanInstallation(tx.QueryRowContext(ctx, s.q.installationForRefresh, id))
	if err != nil {
		return Installation{}, wrapGet(op, err)
	}
	if in.Status != StatusActive {
		err = ErrNotFound
		return Installation{}, err
	}
	u, err := refresh(in)
	if err != nil {
		return Installation{}, err
	}
	if !u.Keep {
		res, uerr := tx.ExecContext(ctx, s.q.updateTokens, u.AccessToken, u.RefreshToken, nullMillis(u.ExpiresAt), id)
		if err = affected(op, res, uerr); err != nil {
			return Installation{}, err
		}
		in.AccessToken, in.RefreshToken, in.TokenExpiresAt = u.AccessToken, u.RefreshToken, asStored(u.ExpiresAt)
	}
	if err = tx.Commit(); err != nil {
		return Installation{}, fmt.Errorf("store: %s: %w", op, err)
	}
	return in, nil
}

// TouchInstallation implements Store. LastUsedAt never moves backwards.
func (s *sqlStore) TouchInstallation(ctx context.Context, id string, at time.Time) error {
	ms := at.UnixMilli()
	res, err := s.w.ExecContext(ctx, s.q.touchInstallation, ms, ms, id)
	return affected("touch installation", res, err)
}

// RevokeInstallation implements Store in one transaction. Revoking a
// revoked installation succeeds and keeps the first revocation time.
// Everything the authorization server built on it goes too (see
// revokeAuthServerRows): its tokens and consents are revoked, its codes
// and browser sessions deleted, so a later reinstall starts clean.
func (s *sqlStore) RevokeInstallation(ctx context.Context, id string, at time.Time) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: revoke installation: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	ms := at.UnixMilli()
	res, err := tx.ExecContext(ctx, s.q.revokeInstallation, ms, id)
	if err = affected("revoke installation", res, err); err != nil {
		return err
	}
	if _, err = tx.ExecContext(ctx, s.q.revokePATs, ms, id); err != nil {
		return fmt.Errorf("store: revoke installation tokens: %w", err)
	}
	if err = s.revokeAuthServerRows(ctx, tx, id, ms); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: revoke installation: %w", err)
	}
	return nil
}

// CreatePAT implements Store: ErrNotFound when the installation is unknown
// or revoked, ErrAlreadyExists when the hash is taken. A zero CreatedAt
// becomes now.
func (s *sqlStore) CreatePAT(ctx context.Context, p PAT) (err error) {
	if err := CheckPAT(p); err != nil {
		return err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var status string
	err = tx.QueryRowContext(ctx, s.q.activeInstallation, p.InstallationID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != StatusActive) {
		err = ErrNotFound
		return err
	}
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	res, err := tx.ExecContext(ctx, s.q.createPAT,
		p.Hash, p.InstallationID, millis(p.CreatedAt), nullMillis(p.LastUsedAt), nullMillis(p.RevokedAt))
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	if n == 0 {
		err = ErrAlreadyExists
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// GetPAT implements Store: the token must be unrevoked and its installation
// active.
func (s *sqlStore) GetPAT(ctx context.Context, hash string) (PAT, error) {
	var (
		p                        PAT
		created, used, revokedAt sql.NullInt64
	)
	err := s.r.QueryRowContext(ctx, s.q.getPAT, hash).Scan(&p.Hash, &p.InstallationID, &created, &used, &revokedAt)
	if err != nil {
		return PAT{}, wrapGet("get token", err)
	}
	p.CreatedAt, p.LastUsedAt, p.RevokedAt = fromMillis(created), fromMillis(used), fromMillis(revokedAt)
	return p, nil
}

// TouchPAT implements Store. LastUsedAt never moves backwards.
func (s *sqlStore) TouchPAT(ctx context.Context, hash string, at time.Time) error {
	ms := at.UnixMilli()
	res, err := s.w.ExecContext(ctx, s.q.touchPAT, ms, ms, hash)
	return affected("touch token", res, err)
}

// AppendAudit implements Store. A zero At becomes now; e.ID is ignored
// (assigned by the database, increasing).
func (s *sqlStore) AppendAudit(ctx context.Context, e AuditEvent) error {
	if err := CheckAuditEvent(e); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	_, err := s.w.ExecContext(ctx, s.q.appendAudit, millis(e.At), e.Event, e.EnterpriseID, e.TeamID, e.UserID,
		e.Tool, e.Channel, e.MessageTS, e.Outcome, e.Detail)
	if err != nil {
		return fmt.Errorf("store: append audit: %w", err)
	}
	return nil
}

// ListAudit implements Store: newest first (by At, then ID); Limit <= 0
// means no limit.
func (s *sqlStore) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	var (
		where []string
		args  []any
	)
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.Event != "" {
		add("event = ?", f.Event)
	}
	if f.TeamID != "" {
		add("team_id = ?", f.TeamID)
	}
	if f.UserID != "" {
		add("user_id = ?", f.UserID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UnixMilli())
	}
	q := s.q.listAudit
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []AuditEvent
	for rows.Next() {
		var (
			e  AuditEvent
			at int64
		)
		if err := rows.Scan(&e.ID, &at, &e.Event, &e.EnterpriseID, &e.TeamID, &e.UserID,
			&e.Tool, &e.Channel, &e.MessageTS, &e.Outcome, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: list audit: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return out, nil
}

func scanInstallation(row *sql.Row) (Installation, error) {
	return scanInstallationFrom(row)
}

func wrapGet(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}

// affected turns an UPDATE that matched nothing into ErrNotFound.
func affected(op string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Times are stored as UTC unix milliseconds; a zero time.Time is NULL.
func millis(t time.Time) int64 { return t.UnixMilli() }

func nullMillis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// asStored is t as a read would return it.
func asStored(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}

func fromMillis(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// Scopes are stored space-separated (the OAuth scope syntax; see
// CheckScopes).
func splitScopes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}
