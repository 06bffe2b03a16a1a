package store

import (
	"context"
	"time"
)

// Connections is what the connections page and API need beyond Store and
// AuthServer: a person's personal access tokens, to list and revoke one
// at a time. Rows of revoked installations are never returned.
type Connections interface {
	// ListPATs returns the unrevoked personal access tokens of an active
	// installation, newest first (then by hash); nil when there are none.
	ListPATs(ctx context.Context, installationID string) ([]PAT, error)
	// RevokePAT revokes one token of installationID, keeping its first
	// revocation time. ErrNotFound when no token has that hash under that
	// installation, so a token of someone else's installation cannot be
	// named.
	RevokePAT(ctx context.Context, installationID, hash string, at time.Time) error
	// LinkInstallations records that the person of installation from also
	// connected to: every installation of to's person joins from's person.
	// ErrNotFound when either installation is unknown.
	LinkInstallations(ctx context.Context, from, to string) error
	// PersonInstallations returns every installation of the person of
	// installationID (itself included, revoked ones too), oldest first.
	PersonInstallations(ctx context.Context, installationID string) ([]Installation, error)
	// TouchClientUse records that clientID used installationID at at;
	// the time never moves backwards.
	TouchClientUse(ctx context.Context, installationID, clientID string, at time.Time) error
	// ClientUses returns when each client last used installationID.
	ClientUses(ctx context.Context, installationID string) (map[string]time.Time, error)
	// SetFailure records that installationID's Slack token failed with
	// code at at, replacing any earlier failure; code "" clears it (a
	// refresh, a test or a new sign-in worked).
	SetFailure(ctx context.Context, installationID, code string, at time.Time) error
	// Failure returns the recorded failure; ErrNotFound when none.
	Failure(ctx context.Context, installationID string) (Failure, error)
}
