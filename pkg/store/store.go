package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors every backend returns.
var (
	ErrNotFound      = errors.New("store: not found")
	ErrAlreadyExists = errors.New("store: already exists")
)

// Installation statuses.
const (
	StatusActive  = "active"
	StatusRevoked = "revoked"
	// StatusFailed is shown, never stored: an active installation whose
	// Slack token last failed (Connections.Failure).
	StatusFailed = "failed"
)

// Pending is a browser authorization between /oauth/authorize and the
// Slack callback.
type Pending struct {
	// StateHash is the SHA-256 (hex) of the random state sent to Slack.
	StateHash string
	// NonceHash is the SHA-256 (hex) of the nonce in the browser cookie
	// that started the flow (login-CSRF binding).
	NonceHash string
	// ReturnURL is where to send the browser afterwards ("" = our page).
	ReturnURL string
	// Metadata is caller-supplied JSON, at most 1 KB.
	Metadata  []byte
	Scopes    []string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Installation is one person's Slack grant: who, where, which scopes, and
// the sealed tokens. Identity is (EnterpriseID, TeamID, UserID); TeamID is
// empty for Enterprise Grid org-wide installs.
type Installation struct {
	ID           string
	EnterpriseID string
	TeamID       string
	TeamName     string
	UserID       string
	// UserName is the person's Slack name as read at login ("" when
	// unknown).
	UserName            string
	IsEnterpriseInstall bool
	Scopes              []string
	// AccessToken and RefreshToken are pkg/seal ciphertexts ("" when none).
	AccessToken    string
	RefreshToken   string
	TokenExpiresAt time.Time // zero when the token does not expire
	InstalledAt    time.Time
	LastUsedAt     time.Time
	Status         string
}

// PAT is a personal access token our browser flow issued; only its hash
// is stored.
type PAT struct {
	// Hash is HMAC-SHA256 or SHA-256 (hex) of the token; the primary key.
	Hash           string
	InstallationID string
	CreatedAt      time.Time
	LastUsedAt     time.Time
	RevokedAt      time.Time // zero while valid
}

// AuditEvent records OAuth and write-tool activity. Never secrets, never
// message text.
type AuditEvent struct {
	ID           int64
	At           time.Time
	Event        string // oauth_initiated, oauth_completed, oauth_failed, token_revoked, tool_write, ...
	EnterpriseID string
	TeamID       string
	UserID       string
	Tool         string
	Channel      string
	MessageTS    string
	Outcome      string
	Detail       string
}

// AuditFilter selects audit events; zero fields match everything.
type AuditFilter struct {
	Event  string
	TeamID string
	UserID string
	Since  time.Time
	Limit  int
}

// Store is implemented by every backend. Methods are safe for concurrent
// use by several processes sharing one database. Consumers depend on the
// small interfaces it is made of, or on their own made of those.
type Store interface {
	Pendings
	Installations
	PATs
	AuditLog
	Close() error
}

// Pendings are the Slack authorizations of the browser flow in progress.
type Pendings interface {
	// CreatePending stores a pending authorization; ErrAlreadyExists when
	// the state hash is taken.
	CreatePending(ctx context.Context, p Pending) error
	// ConsumePending atomically deletes and returns the pending
	// authorization; ErrNotFound when unknown, already consumed or expired
	// at now (an expired one is deleted too).
	ConsumePending(ctx context.Context, stateHash string, now time.Time) (Pending, error)
	// SweepPending deletes pending authorizations expired at now.
	SweepPending(ctx context.Context, now time.Time) (int, error)
}

// InstallationGetter loads one installation by ID.
type InstallationGetter interface {
	GetInstallation(ctx context.Context, id string) (Installation, error)
}

// Installations are the Slack grants, one per person and workspace.
type Installations interface {
	// UpsertInstallation inserts or updates by identity (EnterpriseID,
	// TeamID, UserID), keeping the ID and InstalledAt of an existing row and
	// setting Status active. It returns the stored row.
	UpsertInstallation(ctx context.Context, in Installation) (Installation, error)
	InstallationGetter
	FindInstallation(ctx context.Context, enterpriseID, teamID, userID string) (Installation, error)
	// UpdateTokens replaces the sealed tokens after a refresh; it fails
	// with ErrNotFound when the installation is unknown or revoked.
	UpdateTokens(ctx context.Context, id, accessToken, refreshToken string, expiresAt time.Time) error
	// RefreshTokens runs refresh on the active installation id with its
	// row locked, and stores what it returns: of any number of callers at
	// once, on any replica, one refreshes and the others, queued on the
	// lock, are handed the row it stored (their refresh sees it fresh and
	// keeps it). An error from refresh changes nothing and is returned as
	// is; ErrNotFound when the installation is unknown or revoked.
	RefreshTokens(ctx context.Context, id string, refresh TokenRefresher) (Installation, error)
	// TouchInstallation records use at at; LastUsedAt never moves
	// backwards. ErrNotFound when the installation is unknown.
	TouchInstallation(ctx context.Context, id string, at time.Time) error
	// RevokeInstallation marks it revoked, clears its sealed tokens and
	// revokes all its personal access tokens, atomically.
	RevokeInstallation(ctx context.Context, id string, at time.Time) error
	// Resealer walks and re-seals installations after a key rotation.
	Resealer
}

// TokenRefresher decides, with the installation's row locked, whether its
// sealed tokens change: it returns the new ones, or Keep when the row is
// fresh enough (another caller refreshed it first). It may call Slack but
// must not use the store: the lock is held (on SQLite, by the one write
// connection).
type TokenRefresher func(in Installation) (TokenUpdate, error)

// TokenUpdate is what a TokenRefresher decided.
type TokenUpdate struct {
	Keep                      bool
	AccessToken, RefreshToken string
	ExpiresAt                 time.Time
}

// PATs are the personal access tokens of the browser flow, by hash.
type PATs interface {
	CreatePAT(ctx context.Context, p PAT) error
	// GetPAT returns a valid (unrevoked) token; ErrNotFound otherwise.
	GetPAT(ctx context.Context, hash string) (PAT, error)
	// TouchPAT records use at at; LastUsedAt never moves backwards.
	// ErrNotFound when the token is unknown.
	TouchPAT(ctx context.Context, hash string, at time.Time) error
}

// AuditAppender records audit events.
type AuditAppender interface {
	AppendAudit(ctx context.Context, e AuditEvent) error
}

// AuditLog records and lists audit events.
type AuditLog interface {
	AuditAppender
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEvent, error)
}
