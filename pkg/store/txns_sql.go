package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Authorization transactions: an MCP authorization between /authorize
// and the Slack callback.

// txnQueries are the statements of this file, rebound once at open.
type txnQueries struct {
	createTxn, getTxn, slackStateTaken, setTxnSlackState, txnState, consumeTxn string
}

const txnCols = `id_hash, client_id, redirect_uri, code_challenge, scope, resource, client_state, slack_state_hash, csrf_hash, nonce_hash, created_at, expires_at, workspaces`

func newTxnQueries(d dialect) txnQueries {
	r := d.rebind
	return txnQueries{
		createTxn:        r(`INSERT INTO oauth_txns (` + txnCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)` + d.upsert(nil)),
		getTxn:           r(`SELECT ` + txnCols + ` FROM oauth_txns WHERE id_hash = ? AND expires_at > ?`),
		slackStateTaken:  r(`SELECT 1 FROM oauth_txns WHERE slack_state_hash = ?` + d.forUpdate),
		setTxnSlackState: r(`UPDATE oauth_txns SET slack_state_hash = ?, workspaces = ? WHERE id_hash = ? AND expires_at > ? AND slack_state_hash IS NULL`),
		txnState:         r(`SELECT slack_state_hash FROM oauth_txns WHERE id_hash = ? AND expires_at > ?`),
		consumeTxn:       r(`DELETE FROM oauth_txns WHERE slack_state_hash = ? RETURNING ` + txnCols),
	}
}

// CreateTxn implements AuthServer: ErrAlreadyExists when the ID hash (or a
// non-empty Slack state hash) is taken. IDHash and ExpiresAt are required;
// a zero CreatedAt becomes now.
func (s *sqlStore) CreateTxn(ctx context.Context, t AuthTxn) error {
	if err := CheckTxn(t); err != nil {
		return err
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	res, err := s.w.ExecContext(ctx, s.q.createTxn, t.IDHash, t.ClientID, t.RedirectURI, t.CodeChallenge, t.Scope,
		t.Resource, t.ClientState, nullString(t.SlackStateHash), t.CSRFHash, t.NonceHash,
		millis(t.CreatedAt), millis(t.ExpiresAt), strings.Join(t.Workspaces, " "))
	return created("create transaction", res, err)
}

// GetTxn implements AuthServer: ErrNotFound when unknown, consumed or
// expired at now.
func (s *sqlStore) GetTxn(ctx context.Context, idHash string, now time.Time) (AuthTxn, error) {
	t, err := scanTxn(s.r.QueryRowContext(ctx, s.q.getTxn, idHash, now.UnixMilli()))
	return t, wrapGet("get transaction", err)
}

// SetTxnSlackState implements AuthServer in one transaction: ErrNotFound
// when the transaction is unknown or expired at now; ErrAlreadyExists when
// it already has a Slack state, or another transaction has this one.
// workspaces (installation IDs, the default first) replace the
// transaction's.
func (s *sqlStore) SetTxnSlackState(ctx context.Context, idHash, slackStateHash string, workspaces []string, now time.Time) (err error) {
	if err := CheckSlackState(slackStateHash, workspaces); err != nil {
		return err
	}
	nowMS := now.UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: set transaction state: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var current sql.NullString
	err = tx.QueryRowContext(ctx, s.q.txnState, idHash, nowMS).Scan(&current)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = ErrNotFound
		return err
	case err != nil:
		return fmt.Errorf("store: set transaction state: %w", err)
	case current.Valid:
		err = ErrAlreadyExists
		return err
	}
	var one int
	err = tx.QueryRowContext(ctx, s.q.slackStateTaken, slackStateHash).Scan(&one)
	switch {
	case err == nil:
		err = ErrAlreadyExists
		return err
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: set transaction state: %w", err)
	}
	res, err := tx.ExecContext(ctx, s.q.setTxnSlackState, slackStateHash, strings.Join(workspaces, " "), idHash, nowMS)
	if err = affected("set transaction state", res, err); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: set transaction state: %w", err)
	}
	return nil
}

// ConsumeTxnBySlackState implements AuthServer. One DELETE ... RETURNING
// statement, so of any number of concurrent callers exactly one gets the
// transaction; ErrNotFound when unknown, already consumed or expired at
// now (an expired one is deleted all the same).
func (s *sqlStore) ConsumeTxnBySlackState(ctx context.Context, slackStateHash string, now time.Time) (AuthTxn, error) {
	if slackStateHash == "" {
		return AuthTxn{}, ErrNotFound
	}
	t, err := scanTxn(s.w.QueryRowContext(ctx, s.q.consumeTxn, slackStateHash))
	if err != nil {
		return AuthTxn{}, wrapGet("consume transaction", err)
	}
	if !now.Before(t.ExpiresAt) {
		return AuthTxn{}, ErrNotFound
	}
	return t, nil
}

func scanTxn(row scanner) (AuthTxn, error) {
	var (
		t                AuthTxn
		slackState       sql.NullString
		created, expires sql.NullInt64
		workspaces       string
	)
	err := row.Scan(&t.IDHash, &t.ClientID, &t.RedirectURI, &t.CodeChallenge, &t.Scope, &t.Resource,
		&t.ClientState, &slackState, &t.CSRFHash, &t.NonceHash, &created, &expires, &workspaces)
	if err != nil {
		return AuthTxn{}, err
	}
	t.SlackStateHash = slackState.String
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromMillis(expires)
	if workspaces != "" {
		t.Workspaces = strings.Fields(workspaces)
	}
	return t, nil
}
