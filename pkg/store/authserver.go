package store

import (
	"context"
	"time"
)

// What the MCP authorization server (issue: zero copy-paste connection)
// persists. Secrets are stored only as hashes; every row that grants
// access points at an Installation, so revoking the Slack grant revokes
// everything built on it.

// Client kinds.
const (
	ClientDynamic  = "dcr"  // RFC 7591 dynamic registration
	ClientMetadata = "cimd" // Client ID Metadata Document (client_id is an HTTPS URL)
	ClientStatic   = "static"
)

// Client is a registered OAuth client of our authorization server.
type Client struct {
	ID           string // "mcpc_..." for DCR, the document URL for CIMD
	Kind         string
	Name         string
	RedirectURIs []string
	// AuthMethod is none, client_secret_post or client_secret_basic.
	AuthMethod string
	SecretHash string // SHA-256 hex of the client secret; "" for public clients
	// Metadata is the registration request or CIMD document as JSON.
	Metadata   []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time // CIMD cache expiry; zero for DCR
	LastUsedAt time.Time
}

// AuthTxn is an MCP authorization in progress: created at /authorize,
// consented, handed to Slack, completed at the Slack callback.
type AuthTxn struct {
	IDHash        string // SHA-256 hex of the transaction ID in the consent form/cookie
	ClientID      string
	RedirectURI   string
	CodeChallenge string // S256 challenge
	Scope         string // space-separated MCP scopes
	Resource      string
	ClientState   string // the client's state, echoed back
	// SlackStateHash is set when consent is given and the person is sent to
	// Slack; the Slack callback finds the transaction by it.
	SlackStateHash string
	CSRFHash       string
	NonceHash      string // browser binding cookie
	CreatedAt      time.Time
	ExpiresAt      time.Time
	// Workspaces are the installations the person picked on the consent
	// page, the default first (set with the Slack state); empty: the one
	// they sign in to at Slack.
	Workspaces []string
}

// AuthCode is our authorization code (single use, 5 minutes).
type AuthCode struct {
	Hash           string // SHA-256 hex of the code
	ClientID       string
	InstallationID string
	RedirectURI    string
	CodeChallenge  string
	Scope          string
	Resource       string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	UsedAt         time.Time // zero until redeemed
}

// Token kinds.
const (
	TokenAccess  = "access"
	TokenRefresh = "refresh"
)

// Token is an access or refresh token we issued; only its hash is stored.
type Token struct {
	Hash           string // HMAC-SHA256 hex of the token
	Kind           string
	FamilyID       string // all tokens from one code share it; reuse of a rotated refresh token revokes the family
	ClientID       string
	InstallationID string
	Scope          string
	Resource       string
	CreatedAt      time.Time
	ExpiresAt      time.Time
	RevokedAt      time.Time // zero while valid
	RotatedAt      time.Time // refresh tokens: when it was exchanged for a new one
}

// Consent remembers that a person approved a client for some scopes.
type Consent struct {
	InstallationID string
	ClientID       string
	Scope          string
	RedirectURI    string
	GrantedAt      time.Time
	RevokedAt      time.Time
}

// AuthServer is implemented by backends that can host the MCP
// authorization server. Same conventions as Store: sentinel errors,
// explicit now for expiry. Rows that grant access (codes, tokens, browser
// sessions, consents) are only returned while their installation is
// active, and Store.RevokeInstallation revokes or deletes them, so a
// reinstall does not bring them back. Backends document the exact
// semantics on their methods (see SQLite) and package storetest checks
// them (RunAuthServer).
type AuthServer interface {
	PutClient(ctx context.Context, c Client) error // insert or replace by ID
	GetClient(ctx context.Context, id string) (Client, error)
	TouchClient(ctx context.Context, id string, at time.Time) error
	// DeleteUnusedClients removes DCR clients not used since before.
	DeleteUnusedClients(ctx context.Context, before time.Time) (int, error)

	CreateTxn(ctx context.Context, t AuthTxn) error
	GetTxn(ctx context.Context, idHash string, now time.Time) (AuthTxn, error)
	// SetTxnSlackState records the Slack state minted after consent; it
	// fails with ErrNotFound when the transaction is unknown or expired,
	// and ErrAlreadyExists when a Slack state was already set. workspaces
	// (installation IDs) are stored with it.
	SetTxnSlackState(ctx context.Context, idHash, slackStateHash string, workspaces []string, now time.Time) error
	// ConsumeTxnBySlackState atomically deletes and returns the transaction.
	ConsumeTxnBySlackState(ctx context.Context, slackStateHash string, now time.Time) (AuthTxn, error)

	CreateCode(ctx context.Context, c AuthCode) error
	// RedeemCode marks an unused code used and stores the tokens issue
	// returns for it, in one transaction, and returns the code. Tokens
	// issued from a code belong to the family named by the code's hash. A
	// code already used is a replay: its family is revoked in the same
	// transaction (see RevokeFamily) and the code comes back with
	// ErrAlreadyExists. Unknown, expired, or installation revoked:
	// ErrNotFound. When issue fails the code stays used (single use,
	// whatever happens) and its error is returned. issue runs inside the
	// transaction, at most once: it must not call the store. A nil issue
	// issues nothing.
	RedeemCode(ctx context.Context, hash string, now time.Time, issue func(AuthCode) ([]Token, error)) (AuthCode, error)

	// CreateToken stores a token; ErrNotFound when its installation is
	// unknown or revoked or its family is revoked.
	CreateToken(ctx context.Context, t Token) error
	// GetToken returns a token that is not revoked, not rotated, not
	// expired at now, not of a revoked family, and whose installation is
	// active; ErrNotFound otherwise.
	GetToken(ctx context.Context, hash string, now time.Time) (Token, error)
	// RotateRefresh marks a valid refresh token rotated and stores the
	// tokens issue returns for it (same family, installation and client),
	// in one transaction, and returns the old token. A token already
	// rotated is reuse: its family is revoked in the same transaction and
	// the token comes back with ErrAlreadyExists. When issue fails nothing
	// changes and its error is returned. issue runs inside the
	// transaction, at most once: it must not call the store. A nil issue
	// issues nothing.
	RotateRefresh(ctx context.Context, hash string, now time.Time, issue func(Token) ([]Token, error)) (Token, error)
	RevokeToken(ctx context.Context, hash string, at time.Time) error
	// RevokeFamily revokes every token of the family and records the
	// family as revoked, so no token of it is ever returned or created
	// again, even one issued after this call. ErrNotFound when no token
	// had that family (it is recorded all the same).
	RevokeFamily(ctx context.Context, familyID string, at time.Time) error

	// Browser sessions let a person who connected before skip the Slack
	// round trip when a remembered consent covers the request: a random
	// cookie value, stored as its hash, pointing at the installation.
	CreateBrowserSession(ctx context.Context, hash, installationID string, expiresAt time.Time) error
	GetBrowserSession(ctx context.Context, hash string, now time.Time) (installationID string, err error)
	DeleteBrowserSession(ctx context.Context, hash string) error

	PutConsent(ctx context.Context, c Consent) error
	GetConsent(ctx context.Context, installationID, clientID string) (Consent, error)
	RevokeConsent(ctx context.Context, installationID, clientID string, at time.Time) error
	ListConsents(ctx context.Context, installationID string) ([]Consent, error)

	// RevokeClientGrants ends, atomically, everything one client holds on
	// one installation: the consent is revoked, every access and refresh
	// token of that installation and client is revoked (each keeps its
	// first revocation time) and its unredeemed codes are deleted. Other
	// clients and installations are untouched. ErrNotFound when the
	// installation never had a consent or a token for that client;
	// revoking again succeeds.
	RevokeClientGrants(ctx context.Context, installationID, clientID string, at time.Time) error
}

// AuthServerStore is a backend that is both a Store and an AuthServer (as
// SQLite is): what the MCP authorization server runs on.
type AuthServerStore interface {
	Store
	AuthServer
}

// Backend is a database a server process runs on, with its upkeep:
// SQLite (one machine) and Postgres (replicas) are both.
type Backend interface {
	AuthServerStore
	Connections
	Admin
	Policies
	UsageLog
	EndedSessions
	SlackPauses
	DirectorySnapshots
	// StartSweeper deletes expired rows every interval until ctx ends or
	// the backend is closed.
	StartSweeper(ctx context.Context, every time.Duration)
	// DeleteNeverUsedClients removes dynamically registered clients
	// created before createdBefore that never authorized anyone.
	DeleteNeverUsedClients(ctx context.Context, createdBefore time.Time) (int, error)
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}

var (
	_ Backend = (*SQLite)(nil)
	_ Backend = (*Postgres)(nil)
)

// Open opens the backend where names: a postgres:// or postgresql:// URL
// is PostgreSQL (OpenPostgres), anything else an SQLite file path
// (OpenSQLite).
func Open(ctx context.Context, where string, o Options) (Backend, error) {
	if IsPostgresURL(where) {
		return OpenPostgres(ctx, where, o)
	}
	return OpenSQLite(ctx, where, o)
}
