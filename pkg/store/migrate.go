package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one schema step. Versions start at 1 and have no gaps.
type migration struct {
	version int
	name    string
	sql     string // with {{TOKEN}} type names, see dialect.schema
}

// errSchemaTooNew: the database was migrated by a newer binary.
var errSchemaTooNew = errors.New("store: database schema is newer than this binary supports")

// loadMigrations reads NNNN_name.sql files from fsys, sorted by version,
// and checks the versions run 1, 2, 3, ... with no gap or duplicate.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("store: reading migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: reading migration %q: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1, 2, 3, ... without gaps or duplicates; found %d at position %d", m.version, i+1)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("store: no migrations found")
	}
	return out, nil
}

// builtinMigrations returns the migrations compiled into this binary.
func builtinMigrations() ([]migration, error) { return loadMigrations(migrationFS, "migrations") }

// migrate brings db up to the last of list inside one transaction: either
// every pending step is applied and recorded in schema_migrations, or none
// is. Running it again is a no-op. A database whose recorded version is
// above the last known one is refused with errSchemaTooNew.
func migrate(ctx context.Context, db *sql.DB, d dialect, list []migration, now time.Time, log zerolog.Logger) (version int, err error) {
	latest := len(list)
	create, err := d.schema(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    {{VERSION}},
    name       TEXT NOT NULL,
    applied_at {{BIGINT}} NOT NULL
)`)
	if err != nil {
		return 0, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: migrate: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if d.migrationLock != "" {
		if _, err = tx.ExecContext(ctx, d.migrationLock); err != nil {
			return 0, fmt.Errorf("store: migrate: taking the migration lock: %w", err)
		}
	}
	if _, err = tx.ExecContext(ctx, create); err != nil {
		return 0, fmt.Errorf("store: migrate: creating schema_migrations: %w", err)
	}
	var current int
	if err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return 0, fmt.Errorf("store: migrate: reading version: %w", err)
	}
	if current > latest {
		err = fmt.Errorf("%w: the database is at version %d, this binary knows up to %d; run a newer slack-mcp-server (downgrades are not supported)", errSchemaTooNew, current, latest)
		return current, err
	}
	insert := d.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`)
	for _, m := range list[current:] {
		var ddl string
		if ddl, err = d.schema(m.sql); err != nil {
			return current, fmt.Errorf("store: migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err = tx.ExecContext(ctx, ddl); err != nil {
			return current, fmt.Errorf("store: migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err = tx.ExecContext(ctx, insert, m.version, m.name, now.UnixMilli()); err != nil {
			return current, fmt.Errorf("store: recording migration %d: %w", m.version, err)
		}
	}
	if err = tx.Commit(); err != nil {
		return current, fmt.Errorf("store: migrate: commit: %w", err)
	}
	if current < latest {
		log.Info().Int("from", current).Int("to", latest).Msg("store: schema migrated")
	}
	return latest, nil
}
