package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// OAuth clients of the MCP authorization server: dynamic registrations,
// cached client metadata documents and static clients.

// clientQueries are the statements of this file, rebound once at open.
type clientQueries struct {
	putClient, getClient, touchClient                                    string
	unusedTokens, unusedCodes, unusedConsents, unusedTxns, unusedClients string
}

const (
	clientCols = `id, kind, name, redirect_uris, auth_method, secret_hash, metadata, created_at, expires_at, last_used_at`

	// unusedClient selects DCR clients not used since before: neither
	// touched (nor created) since, nor holding a token that was still valid
	// after it. Two placeholders: before, before.
	unusedClient = `SELECT c.id FROM oauth_clients c
WHERE c.kind = 'dcr' AND COALESCE(c.last_used_at, c.created_at) < ?
AND NOT EXISTS (SELECT 1 FROM oauth_tokens t WHERE t.client_id = c.id AND t.revoked_at IS NULL AND t.expires_at > ?)`
)

func newClientQueries(d dialect) clientQueries {
	r := d.rebind
	return clientQueries{
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
