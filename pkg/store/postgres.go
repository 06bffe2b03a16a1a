package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Postgres is the Store backend for several replicas: one PostgreSQL
// database shared by every process (github.com/jackc/pgx/v5 through
// database/sql, so the queries are the SQLite backend's, rebound by the
// dialect). Transactions run at READ COMMITTED; the rows a transaction
// decides on (a code being redeemed, a refresh token being rotated, an
// installation being checked) are read FOR UPDATE, so concurrent callers
// on any replica queue on the row as SQLite's single writer queues them.
type Postgres struct {
	*sqlStore
}

var (
	_ Store           = (*Postgres)(nil)
	_ AuthServer      = (*Postgres)(nil)
	_ AuthServerStore = (*Postgres)(nil)
)

// DefaultPostgresConns bounds the connections one process opens.
const DefaultPostgresConns = 10

// IsPostgresURL reports whether a database setting names PostgreSQL
// (postgres:// or postgresql://).
func IsPostgresURL(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// OpenPostgres connects to the database at url (postgres://user:pass@host:port/db?sslmode=...,
// pgx's settings) and applies migrations, one replica at a time. Errors
// never contain the password.
func OpenPostgres(ctx context.Context, url string, o Options) (_ *Postgres, err error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if !IsPostgresURL(url) {
		return nil, errors.New("store: a PostgreSQL URL starts with postgres:// or postgresql://")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx masks the password in what it quotes of the URL.
		return nil, fmt.Errorf("store: PostgreSQL URL: %w", err)
	}
	list, err := builtinMigrations()
	if err != nil {
		return nil, err
	}
	d := postgresDialect()
	var db *sql.DB
	if o.Observer != nil {
		db = sql.OpenDB(timedConnector{inner: stdlib.GetConnector(*cfg), backend: "postgres", obs: o.Observer})
	} else {
		db = stdlib.OpenDB(*cfg)
	}
	db.SetMaxOpenConns(DefaultPostgresConns)
	db.SetMaxIdleConns(DefaultPostgresConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Postgres{sqlStore: newSQLStore(d, o)}
	s.w, s.r = db, db
	defer func() {
		if err != nil {
			_ = db.Close()
		}
	}()
	target := cfg.Host + ":" + fmt.Sprint(cfg.Port) + "/" + cfg.Database
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("store: connecting to PostgreSQL at %s: %w", target, err)
	}
	if _, err := migrate(ctx, db, d, list, o.Now(), o.Logger); err != nil {
		return nil, err
	}
	return s, nil
}

// DB is the connection pool, for tests that look at rows directly.
func (s *Postgres) DB() *sql.DB { return s.w }
