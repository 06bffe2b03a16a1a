package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Authorization codes, tokens and their families. Redeeming a code or
// rotating a refresh token and issuing what it buys happen in one write
// transaction, and a revoked family is recorded (oauth_revoked_families),
// so a family revoked on reuse cannot gain a working token afterwards,
// however the calls race (issue 7, finding 2).

const (
	codeCols  = `hash, client_id, installation_id, redirect_uri, code_challenge, scope, resource, created_at, expires_at, used_at`
	tokenCols = `hash, kind, family_id, client_id, installation_id, scope, resource, created_at, expires_at, revoked_at, rotated_at`
)

// tokenQueries are the statements of this file, rebound once at open.
type tokenQueries struct {
	createCode, revokeToken                                                         string
	createToken, getToken, familyRevoked, recordFamily, revokeFamily, sweepFamilies string
	codeForRedeem, markCodeUsed, refreshForRotate, markRotated                      string
}

func newTokenQueries(d dialect) tokenQueries {
	r := d.rebind
	const notRevokedFamily = `NOT EXISTS (SELECT 1 FROM oauth_revoked_families f WHERE f.family_id = t.family_id)`
	return tokenQueries{
		createCode:  r(`INSERT INTO oauth_codes (` + codeCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + d.upsert([]string{"hash"})),
		revokeToken: r(`UPDATE oauth_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE hash = ?`),

		createToken: r(`INSERT INTO oauth_tokens (` + tokenCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + d.upsert([]string{"hash"})),
		getToken: r(`SELECT ` + prefixCols("t", tokenCols) + `
FROM oauth_tokens t JOIN installations i ON i.id = t.installation_id
WHERE t.hash = ? AND t.revoked_at IS NULL AND t.rotated_at IS NULL AND t.expires_at > ? AND i.status = 'active'
AND ` + notRevokedFamily),
		familyRevoked: r(`SELECT 1 FROM oauth_revoked_families WHERE family_id = ?`),
		recordFamily:  r(`INSERT INTO oauth_revoked_families (family_id, revoked_at) VALUES (?, ?)` + d.upsert([]string{"family_id"})),
		revokeFamily:  r(`UPDATE oauth_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE family_id = ?`),
		// A record is needed only while a token or a code of the family
		// could still be used to issue one; expired ones are swept first.
		sweepFamilies: r(`DELETE FROM oauth_revoked_families
WHERE NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.family_id = oauth_revoked_families.family_id)
AND NOT EXISTS (SELECT 1 FROM oauth_codes c WHERE c.hash = oauth_revoked_families.family_id)`),

		codeForRedeem:    r(`SELECT ` + codeCols + ` FROM oauth_codes WHERE hash = ? AND expires_at > ?` + d.forUpdate),
		markCodeUsed:     r(`UPDATE oauth_codes SET used_at = ? WHERE hash = ? AND used_at IS NULL`),
		refreshForRotate: r(`SELECT ` + tokenCols + ` FROM oauth_tokens WHERE hash = ? AND kind = 'refresh' AND revoked_at IS NULL AND expires_at > ?` + d.forUpdate),
		markRotated:      r(`UPDATE oauth_tokens SET rotated_at = ? WHERE hash = ? AND rotated_at IS NULL`),
	}
}

// CreateCode implements AuthServer: ErrNotFound when the installation is
// unknown or revoked, ErrAlreadyExists when the hash is taken. Hash and
// ExpiresAt are required; a zero CreatedAt becomes now; UsedAt is ignored
// (a new code is unused).
func (s *sqlStore) CreateCode(ctx context.Context, c AuthCode) error {
	if err := CheckCode(c); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	return s.insertGranting(ctx, "create code", c.InstallationID, s.q.createCode,
		c.Hash, c.ClientID, c.InstallationID, c.RedirectURI, c.CodeChallenge, c.Scope, c.Resource,
		millis(c.CreatedAt), millis(c.ExpiresAt), nil)
}

// checkToken validates a token to be stored and fills a zero CreatedAt.
func (s *sqlStore) checkToken(t *Token) error {
	if err := CheckToken(*t); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	return nil
}

func tokenArgs(t Token) []any {
	return []any{t.Hash, t.Kind, t.FamilyID, t.ClientID, t.InstallationID, t.Scope, t.Resource,
		millis(t.CreatedAt), millis(t.ExpiresAt), nullMillis(t.RevokedAt), nullMillis(t.RotatedAt)}
}

// CreateToken implements AuthServer: ErrNotFound when the installation is
// unknown or revoked or the family is revoked, ErrAlreadyExists when the
// hash is taken. Hash, FamilyID, ExpiresAt and a Kind of TokenAccess or
// TokenRefresh are required; a zero CreatedAt becomes now. RevokedAt and
// RotatedAt are stored as given.
func (s *sqlStore) CreateToken(ctx context.Context, t Token) (err error) {
	if err := s.checkToken(&t); err != nil {
		return err
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
	if err = s.grantable(ctx, tx, "create token", t.InstallationID, t.FamilyID); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, s.q.createToken, tokenArgs(t)...)
	if err = created("create token", res, err); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// GetToken implements AuthServer: an access or refresh token that is not
// revoked, not rotated (a rotated refresh token is only seen by
// RotateRefresh), not expired at now, not of a revoked family, and whose
// installation is active; ErrNotFound otherwise. The installation's status
// and the family's are read in the same query, so revoking either ends
// every token built on it at once.
func (s *sqlStore) GetToken(ctx context.Context, hash string, now time.Time) (Token, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, s.q.getToken, hash, now.UnixMilli()))
	return t, wrapGet("get token", err)
}

// RedeemCode implements AuthServer in one write transaction: read the
// code, check its installation is active, then either revoke its family
// (a replay) or mark it used and insert what issue returns. Writers are
// serialised (SQLite: one write connection, BEGIN IMMEDIATE; engines
// with row locks: the code and installation rows are read FOR UPDATE), so
// of any number of concurrent callers exactly one redeems, and a replay
// sees the code used only together with its tokens. Tokens from issue
// must carry FamilyID = the code's hash and the code's installation and
// client. ErrNotFound when unknown, expired at now (used or not), the
// installation is revoked, or the family was revoked before its first
// redemption.
func (s *sqlStore) RedeemCode(ctx context.Context, hash string, now time.Time, issue func(AuthCode) ([]Token, error)) (_ AuthCode, err error) {
	const op = "redeem code"
	nowMS := now.UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return AuthCode{}, fmt.Errorf("store: %s: %w", op, err)
	}
	commit := false
	defer func() {
		if !commit {
			_ = tx.Rollback()
		}
	}()
	c, err := scanCode(tx.QueryRowContext(ctx, s.q.codeForRedeem, hash, nowMS))
	if err != nil {
		return AuthCode{}, wrapGet(op, err)
	}
	if err := s.activeIn(ctx, tx, op, c.InstallationID); err != nil {
		return AuthCode{}, err
	}
	if !c.UsedAt.IsZero() {
		if _, err := s.revokeFamilyTx(ctx, tx, op, c.Hash, nowMS); err != nil {
			return AuthCode{}, err
		}
		if err := tx.Commit(); err != nil {
			return AuthCode{}, fmt.Errorf("store: %s: %w", op, err)
		}
		commit = true
		return c, ErrAlreadyExists
	}
	res, err := tx.ExecContext(ctx, s.q.markCodeUsed, nowMS, hash)
	if err := affected(op, res, err); err != nil {
		return AuthCode{}, err
	}
	c.UsedAt = fromMillis(sql.NullInt64{Int64: nowMS, Valid: true})
	var toks []Token
	if issue != nil {
		var ierr error
		if toks, ierr = issue(c); ierr != nil {
			// The code stays used: a code is single use whatever happens.
			if err := tx.Commit(); err != nil {
				return AuthCode{}, fmt.Errorf("store: %s: %w", op, err)
			}
			commit = true
			return c, ierr
		}
	}
	if err := s.insertIssued(ctx, tx, op, Token{FamilyID: c.Hash, InstallationID: c.InstallationID, ClientID: c.ClientID}, toks); err != nil {
		return AuthCode{}, err
	}
	if err := tx.Commit(); err != nil {
		return AuthCode{}, fmt.Errorf("store: %s: %w", op, err)
	}
	commit = true
	return c, nil
}

// RotateRefresh implements AuthServer in one write transaction, like
// RedeemCode: read the refresh token, check its installation and family,
// then either revoke the family (it was rotated before: reuse) or mark it
// rotated and insert what issue returns (same family, installation and
// client). Of any number of concurrent callers exactly one rotates; the
// others see it rotated only together with the new tokens, and the family
// they revoke includes them. ErrNotFound when unknown, an access token,
// revoked, expired at now, of a revoked family, or the installation is
// revoked.
func (s *sqlStore) RotateRefresh(ctx context.Context, hash string, now time.Time, issue func(Token) ([]Token, error)) (_ Token, err error) {
	const op = "rotate refresh token"
	nowMS := now.UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Token{}, fmt.Errorf("store: %s: %w", op, err)
	}
	commit := false
	defer func() {
		if !commit {
			_ = tx.Rollback()
		}
	}()
	t, err := scanToken(tx.QueryRowContext(ctx, s.q.refreshForRotate, hash, nowMS))
	if err != nil {
		return Token{}, wrapGet(op, err)
	}
	if err := s.grantable(ctx, tx, op, t.InstallationID, t.FamilyID); err != nil {
		return Token{}, err
	}
	if !t.RotatedAt.IsZero() {
		if _, err := s.revokeFamilyTx(ctx, tx, op, t.FamilyID, nowMS); err != nil {
			return Token{}, err
		}
		if err := tx.Commit(); err != nil {
			return Token{}, fmt.Errorf("store: %s: %w", op, err)
		}
		commit = true
		return t, ErrAlreadyExists
	}
	t.RotatedAt = fromMillis(sql.NullInt64{Int64: nowMS, Valid: true})
	var toks []Token
	if issue != nil {
		if toks, err = issue(t); err != nil {
			return Token{}, err // rolled back: the token is untouched
		}
	}
	res, err := tx.ExecContext(ctx, s.q.markRotated, nowMS, hash)
	if err := affected(op, res, err); err != nil {
		return Token{}, err
	}
	if err := s.insertIssued(ctx, tx, op, t, toks); err != nil {
		return Token{}, err
	}
	if err := tx.Commit(); err != nil {
		return Token{}, fmt.Errorf("store: %s: %w", op, err)
	}
	commit = true
	return t, nil
}

// RevokeToken implements AuthServer: ErrNotFound when unknown. Revoking a
// revoked token succeeds and keeps the first revocation time. It revokes
// that one token only; RevokeFamily revokes a whole grant.
func (s *sqlStore) RevokeToken(ctx context.Context, hash string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q.revokeToken, at.UnixMilli(), hash)
	return affected("revoke token", res, err)
}

// RevokeFamily implements AuthServer in one transaction: the family is
// recorded as revoked (keeping the first time) and every access and
// refresh token of it, rotated or not, gets revoked_at (each keeps its
// first). ErrNotFound when no token has that family ID; the record is
// committed all the same, so a token issued later in it is refused.
func (s *sqlStore) RevokeFamily(ctx context.Context, familyID string, at time.Time) (err error) {
	const op = "revoke token family"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	n, err := s.revokeFamilyTx(ctx, tx, op, familyID, at.UnixMilli())
	if err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// revokeFamilyTx records the family as revoked and revokes its tokens;
// it returns how many token rows the family has.
func (s *sqlStore) revokeFamilyTx(ctx context.Context, tx *sql.Tx, op, familyID string, atMS int64) (int64, error) {
	if _, err := tx.ExecContext(ctx, s.q.recordFamily, familyID, atMS); err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	res, err := tx.ExecContext(ctx, s.q.revokeFamily, atMS, familyID)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", op, err)
	}
	return n, nil
}

// activeIn checks, inside tx, that the installation is active (locking
// its row where the engine needs it): ErrNotFound otherwise.
func (s *sqlStore) activeIn(ctx context.Context, tx *sql.Tx, op, installationID string) error {
	var status string
	err := tx.QueryRowContext(ctx, s.q.activeInstallation, installationID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != StatusActive) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}

// grantable checks, inside tx, that a token of familyID may exist on the
// installation: it is active and the family is not revoked. ErrNotFound
// otherwise.
func (s *sqlStore) grantable(ctx context.Context, tx *sql.Tx, op, installationID, familyID string) error {
	if err := s.activeIn(ctx, tx, op, installationID); err != nil {
		return err
	}
	var one int
	err := tx.QueryRowContext(ctx, s.q.familyRevoked, familyID).Scan(&one)
	switch {
	case err == nil:
		return ErrNotFound
	case errors.Is(err, sql.ErrNoRows):
		return nil
	default:
		return fmt.Errorf("store: %s: %w", op, err)
	}
}

// insertIssued inserts, inside tx, the tokens a redemption or rotation
// issues; each must belong to from's family, installation and client.
// The family is checked once: it cannot be revoked while tx holds the
// write lock.
func (s *sqlStore) insertIssued(ctx context.Context, tx *sql.Tx, op string, from Token, toks []Token) error {
	if len(toks) == 0 {
		return nil
	}
	if err := s.grantable(ctx, tx, op, from.InstallationID, from.FamilyID); err != nil {
		return err
	}
	for _, t := range toks {
		if err := CheckIssued(op, from, t); err != nil {
			return err
		}
		if err := s.checkToken(&t); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q.createToken, tokenArgs(t)...)
		if err := created(op, res, err); errors.Is(err, ErrAlreadyExists) {
			// Not ErrAlreadyExists: callers read that as reuse.
			return fmt.Errorf("store: %s: an issued token's hash is taken", op)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func scanCode(row scanner) (AuthCode, error) {
	var (
		c                      AuthCode
		created, expires, used sql.NullInt64
	)
	err := row.Scan(&c.Hash, &c.ClientID, &c.InstallationID, &c.RedirectURI, &c.CodeChallenge, &c.Scope,
		&c.Resource, &created, &expires, &used)
	if err != nil {
		return AuthCode{}, err
	}
	c.CreatedAt, c.ExpiresAt, c.UsedAt = fromMillis(created), fromMillis(expires), fromMillis(used)
	return c, nil
}

func scanToken(row scanner) (Token, error) {
	var (
		t                                  Token
		created, expires, revoked, rotated sql.NullInt64
	)
	err := row.Scan(&t.Hash, &t.Kind, &t.FamilyID, &t.ClientID, &t.InstallationID, &t.Scope, &t.Resource,
		&created, &expires, &revoked, &rotated)
	if err != nil {
		return Token{}, err
	}
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromMillis(expires)
	t.RevokedAt, t.RotatedAt = fromMillis(revoked), fromMillis(rotated)
	return t, nil
}
