// Package store persists what OAuth mode must survive a restart: pending
// browser authorizations, Slack installations (tokens sealed by pkg/seal),
// personal access tokens (hashes only) and audit events ([Store]); and
// what the MCP authorization server keeps: clients, authorization
// transactions, codes, access and refresh tokens, browser sessions and
// consents ([AuthServer]). Small interfaces, an embedded SQLite backend
// ([OpenSQLite]) for one machine, a PostgreSQL backend ([OpenPostgres])
// for several replicas sharing one database (both implement [Backend];
// [Open] picks by the setting), an in-memory one for tests and
// single-process demos (package memory), and a conformance suite every
// backend runs (package storetest). Every installation key includes the
// Slack team or enterprise ID. The input checks every backend applies
// live in validate.go.
//
// # What is stored
//
// The store keeps exactly what it is given: callers seal Slack tokens with
// pkg/seal and hash bearer tokens before they get here, so a copy of the
// database alone yields no usable credential. Times are stored as UTC unix
// milliseconds (sub-millisecond precision is dropped; times come back in
// UTC); a zero time.Time is stored as NULL and comes back zero. Scopes are
// stored space-separated, so a scope may not contain white space.
// Installation IDs are "inst_" followed by 32 random hex digits.
//
// # SQLite
//
// The database is one file (mode 0600, its directory created 0700) in WAL
// mode with foreign keys on and a 5 s busy timeout; writes go through one
// connection (transactions BEGIN IMMEDIATE), reads through a small pool of
// read-only connections. Several processes may share the file.
// ConsumePending and ConsumeTxnBySlackState are single DELETE ...
// RETURNING statements, so a state is consumed at most once however many
// callers race. RedeemCode and RotateRefresh are write transactions that
// mark the code used (the refresh token rotated) and insert the tokens it
// buys together, or, on a replay, revoke the whole family; revoked
// families are recorded (oauth_revoked_families), so GetToken refuses
// their tokens and none can be created in them later. RevokeInstallation,
// CreatePAT and the creation of every row that grants access are
// transactions that check the installation is active.
//
// # PostgreSQL
//
// The same queries and migrations as SQLite, through database/sql with
// pgx, rebound by the dialect ($n placeholders, BYTEA, BOOLEAN, GREATEST).
// Transactions run at READ COMMITTED; the rows a decision rests on are
// read FOR UPDATE (the code being redeemed, the refresh token being
// rotated, the installation a grant is created on), so concurrent callers
// on any replica queue on the row, and a revocation reached through any
// replica is seen by the next read on every other. Migrations hold a
// transaction-scoped advisory lock, so replicas starting together migrate
// once.
//
// # Authorization server rows
//
// Codes, tokens, browser sessions and consents reference their
// installation (ON DELETE CASCADE), and every read of them joins the
// installation's status, so revoking the installation ends them at once;
// RevokeInstallation also revokes the tokens and consents and deletes the
// codes and sessions, so a reinstall does not bring them back. The
// sweeper (StartSweeper) deletes expired transactions, codes, tokens and
// browser sessions along with expired pending authorizations, then the
// revoked-family records no token or code refers to any more.
//
// # Migrations
//
// Schema changes are numbered SQL files in migrations/ (0001_init.sql,
// 0002_....sql), embedded in the binary and written once for every engine:
// engine differences (type names, placeholders, upsert, row locks) live in
// the dialect struct. At open, every step newer than the version recorded
// in schema_migrations is applied in one transaction, so a failed upgrade
// changes nothing; reopening an up-to-date database is a no-op. A database
// whose version is newer than the binary knows is refused: downgrades are
// not supported. Released migrations are never edited, only added to.
package store
