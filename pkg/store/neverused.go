package store

import (
	"context"
	"fmt"
	"time"
)

// neverUsedClient selects DCR and CIMD clients first stored before ? that
// were never used: no code or token was ever issued to them (either
// touches the client). One placeholder: createdBefore.
const neverUsedClient = `SELECT c.id FROM oauth_clients c
WHERE c.kind IN ('dcr', 'cimd') AND c.last_used_at IS NULL AND c.created_at < ?`

// DeleteNeverUsedClients removes dynamically registered clients, and
// cached client metadata documents, first stored before createdBefore
// that never authorized anyone, with their pending transactions and
// consents: registration is open (and any URL can be a client ID), so
// what nobody uses must not pile up. A document removed is fetched again
// when next named. Clients stored before "used" was recorded this way had
// a last use at registration and are left to DeleteUnusedClients. It
// returns the number of clients removed.
func (s *sqlStore) DeleteNeverUsedClients(ctx context.Context, createdBefore time.Time) (n int, err error) {
	b := createdBefore.UnixMilli()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: delete never-used clients: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, table := range []string{"oauth_tokens", "oauth_codes", "oauth_consents", "oauth_txns"} {
		q := s.d.rebind(`DELETE FROM ` + table + ` WHERE client_id IN (` + neverUsedClient + `)`)
		if _, err = tx.ExecContext(ctx, q, b); err != nil {
			return 0, fmt.Errorf("store: delete never-used clients: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM oauth_clients WHERE id IN (`+neverUsedClient+`)`), b)
	if err != nil {
		return 0, fmt.Errorf("store: delete never-used clients: %w", err)
	}
	deleted, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: delete never-used clients: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: delete never-used clients: %w", err)
	}
	return int(deleted), nil
}
