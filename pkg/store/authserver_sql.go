package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

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

// PutClient implements AuthServer: insert, or replace every field of the
// client with that ID except CreatedAt (the first registration's is kept)
// and LastUsedAt (a zero one keeps the stored one). A zero CreatedAt
// becomes now. Redirect URIs are stored as a JSON array; nil or empty
// ones and empty Metadata come back nil.
func (s *sqlStore) PutClient(ctx context.Context, c Client) error {
	if err := CheckClient(c); err != nil {
		return err
	}
	uris := []string{}
	if len(c.RedirectURIs) > 0 {
		uris = c.RedirectURIs
	}
	redirects, err := json.Marshal(uris)
	if err != nil {
		return fmt.Errorf("store: put client: %w", err)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	var meta any
	if len(c.Metadata) > 0 {
		meta = c.Metadata
	}
	_, err = s.w.ExecContext(ctx, s.q.putClient, c.ID, c.Kind, c.Name, string(redirects), c.AuthMethod, c.SecretHash,
		meta, millis(c.CreatedAt), nullMillis(c.ExpiresAt), nullMillis(c.LastUsedAt))
	if err != nil {
		return fmt.Errorf("store: put client: %w", err)
	}
	return nil
}

// GetClient implements AuthServer. It returns a CIMD client whatever its
// ExpiresAt (the caller decides when to fetch the document again);
// ErrNotFound when unknown.
func (s *sqlStore) GetClient(ctx context.Context, id string) (Client, error) {
	var (
		c                         Client
		redirects                 string
		meta                      []byte
		created, expires, lastUse sql.NullInt64
	)
	err := s.r.QueryRowContext(ctx, s.q.getClient, id).Scan(&c.ID, &c.Kind, &c.Name, &redirects, &c.AuthMethod,
		&c.SecretHash, &meta, &created, &expires, &lastUse)
	if err != nil {
		return Client{}, wrapGet("get client", err)
	}
	if err := json.Unmarshal([]byte(redirects), &c.RedirectURIs); err != nil {
		return Client{}, fmt.Errorf("store: get client: redirect URIs: %w", err)
	}
	if len(c.RedirectURIs) == 0 {
		c.RedirectURIs = nil
	}
	if len(meta) > 0 {
		c.Metadata = meta
	}
	c.CreatedAt, c.ExpiresAt, c.LastUsedAt = fromMillis(created), fromMillis(expires), fromMillis(lastUse)
	return c, nil
}

// TouchClient implements AuthServer: LastUsedAt never moves backwards;
// ErrNotFound when the client is unknown. Callers touch a client whenever
// it authorizes, redeems a code or refreshes, so DeleteUnusedClients
// reflects real use.
func (s *sqlStore) TouchClient(ctx context.Context, id string, at time.Time) error {
	ms := at.UnixMilli()
	res, err := s.w.ExecContext(ctx, s.q.touchClient, ms, ms, id)
	return affected("touch client", res, err)
}

// DeleteUnusedClients implements AuthServer. A DCR client is unused when it
// was neither touched nor created at or after before, and none of its
// tokens is unrevoked with an expiry after before (so a client whose
// refresh token is still alive is kept even if nobody touched it). CIMD
// and static clients are never removed. With each client go its codes,
// tokens, consents and transactions (all dead or abandoned by then), in
// one transaction. It returns the number of clients removed.
func (s *sqlStore) DeleteUnusedClients(ctx context.Context, before time.Time) (n int, err error) {
	b := before.UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: delete unused clients: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, q := range []string{s.q.unusedTokens, s.q.unusedCodes, s.q.unusedConsents, s.q.unusedTxns} {
		if _, err = tx.ExecContext(ctx, q, b, b); err != nil {
			return 0, fmt.Errorf("store: delete unused clients: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, s.q.unusedClients, b, b)
	if err != nil {
		return 0, fmt.Errorf("store: delete unused clients: %w", err)
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete unused clients: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: delete unused clients: %w", err)
	}
	return int(deleted), nil
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
		millis(t.CreatedAt), millis(t.ExpiresAt))
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
func (s *sqlStore) SetTxnSlackState(ctx context.Context, idHash, slackStateHash string, now time.Time) (err error) {
	if slackStateHash == "" {
		return errors.New("store: empty Slack state hash")
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
	res, err := tx.ExecContext(ctx, s.q.setTxnSlackState, slackStateHash, idHash, nowMS)
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

// RevokeToken implements AuthServer: ErrNotFound when unknown. Revoking a
// revoked token succeeds and keeps the first revocation time. It revokes
// that one token only; RevokeFamily revokes a whole grant.
func (s *sqlStore) RevokeToken(ctx context.Context, hash string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, s.q.revokeToken, at.UnixMilli(), hash)
	return affected("revoke token", res, err)
}

// CreateBrowserSession implements AuthServer: ErrNotFound when the
// installation is unknown or revoked, ErrAlreadyExists when the hash is
// taken. hash and expiresAt are required.
func (s *sqlStore) CreateBrowserSession(ctx context.Context, hash, installationID string, expiresAt time.Time) error {
	if hash == "" {
		return errors.New("store: browser session needs a hash")
	}
	if expiresAt.IsZero() {
		return errors.New("store: browser session needs an expiry")
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
	if c.ClientID == "" {
		return errors.New("store: consent needs a client ID")
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

func scanTxn(row scanner) (AuthTxn, error) {
	var (
		t                AuthTxn
		slackState       sql.NullString
		created, expires sql.NullInt64
	)
	err := row.Scan(&t.IDHash, &t.ClientID, &t.RedirectURI, &t.CodeChallenge, &t.Scope, &t.Resource,
		&t.ClientState, &slackState, &t.CSRFHash, &t.NonceHash, &created, &expires)
	if err != nil {
		return AuthTxn{}, err
	}
	t.SlackStateHash = slackState.String
	t.CreatedAt, t.ExpiresAt = fromMillis(created), fromMillis(expires)
	return t, nil
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

// nullString stores "" as NULL (for columns where NULL means "not set").
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
