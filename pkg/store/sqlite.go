package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"modernc.org/sqlite" // the "sqlite" database/sql driver (pure Go); its Error carries the result code
	sqlite3 "modernc.org/sqlite/lib"
)

// Options configure a backend.
type Options struct {
	// Now is the clock used for defaults (CreatedAt, InstalledAt, audit
	// times) and by the sweeper; time.Now when nil.
	Now func() time.Time
	// Logger receives migration and sweeper messages; the zero Logger is
	// silent.
	Logger zerolog.Logger
	// Observer, when set, is told how long every SQL statement took.
	Observer Observer
}

// openSQL opens driverName's dsn, with every statement timed when an
// Observer is set.
func (o Options) openSQL(driverName, dsn, backend string) (*sql.DB, error) {
	if o.Observer == nil {
		return sql.Open(driverName, dsn)
	}
	probe, err := sql.Open(driverName, "")
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	_ = probe.Close()
	return sql.OpenDB(timedConnector{inner: dsnConnector{dsn: dsn, drv: drv}, backend: backend, obs: o.Observer}), nil
}

// MemoryPath opens a private in-memory SQLite database (tests only: it
// vanishes on Close). It runs the SQL code on one connection; a store
// that needs no SQL at all is package memory.
const MemoryPath = ":memory:"

const (
	busyTimeout       = 5 * time.Second
	defaultSweepEvery = time.Minute
)

// SQLite is the embedded Store backend (modernc.org/sqlite, no cgo).
//
// A file database runs in WAL mode with two pools: one connection for
// writes, whose transactions begin IMMEDIATE so they take the write lock up
// front, and a few read-only connections for reads, which WAL lets run
// beside the writer. Other processes may open the same file; busy_timeout
// makes them wait for each other instead of failing. An in-memory database
// uses one connection for everything.
type SQLite struct {
	*sqlStore
	path string
}

var (
	_ Store           = (*SQLite)(nil)
	_ AuthServer      = (*SQLite)(nil)
	_ AuthServerStore = (*SQLite)(nil)
)

// OpenSQLite opens (creating if needed) the database at path and applies
// migrations. The parent directory is created with mode 0700 and the file
// with 0600 (a looser existing file is tightened to 0600). A path that is
// a symbolic link, not a regular file, owned by another user, or an
// existing file that is not an SQLite database is refused, as are such
// -wal and -shm files (see storefile.go). path ":memory:" opens a private
// in-memory database.
func OpenSQLite(ctx context.Context, path string, o Options) (_ *SQLite, err error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if path == "" {
		return nil, errors.New("store: SQLite path is empty")
	}
	list, err := builtinMigrations()
	if err != nil {
		return nil, err
	}
	d := sqliteDialect()
	var checked *dbFile // the database file, checked and held open until SQLite has it
	s := &SQLite{path: path, sqlStore: newSQLStore(d, o)}
	defer func() {
		if err != nil {
			s.closeDBs()
		}
	}()

	common := url.Values{}
	common.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	common.Add("_pragma", "foreign_keys(1)")

	if path == MemoryPath {
		common.Set("_txlock", "immediate")
		db, err := o.openSQL("sqlite", ":memory:?"+common.Encode(), "sqlite")
		if err != nil {
			return nil, fmt.Errorf("store: opening SQLite: %w", err)
		}
		// Every connection to ":memory:" is a separate database: keep one,
		// forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.w, s.r = db, db
	} else {
		if checked, err = prepareFile(path, o.Logger); err != nil {
			return nil, err
		}
		defer func() { _ = checked.Close() }()
		s.path = checked.path
		base := "file:" + (&url.URL{Path: filepath.ToSlash(checked.path)}).EscapedPath()

		wq := cloneValues(common)
		wq.Add("_pragma", "journal_mode(WAL)")
		wq.Add("_pragma", "synchronous(NORMAL)")
		wq.Set("_txlock", "immediate")
		if s.w, err = o.openSQL("sqlite", base+"?"+wq.Encode(), "sqlite"); err != nil {
			return nil, fmt.Errorf("store: opening SQLite: %w", err)
		}
		// SQLite allows one writer at a time; one connection serialises our
		// writes in Go instead of in busy-wait loops.
		s.w.SetMaxOpenConns(1)
		s.w.SetMaxIdleConns(1)
		s.w.SetConnMaxLifetime(0)

		rq := cloneValues(common)
		rq.Add("_pragma", "query_only(1)")
		if s.r, err = o.openSQL("sqlite", base+"?"+rq.Encode(), "sqlite"); err != nil {
			return nil, fmt.Errorf("store: opening SQLite: %w", err)
		}
		n := min(max(runtime.GOMAXPROCS(0), 2), 8)
		s.r.SetMaxOpenConns(n)
		s.r.SetMaxIdleConns(n)
		s.r.SetConnMaxIdleTime(5 * time.Minute)
	}

	if err := pingWhileBusy(ctx, s.w); err != nil {
		return nil, fmt.Errorf("store: opening SQLite %s: %w", s.path, err)
	}
	if checked != nil {
		if err := checked.stillSame(o.Logger); err != nil {
			return nil, err
		}
	}
	if path != MemoryPath {
		var mode string
		if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return nil, fmt.Errorf("store: reading journal mode: %w", err)
		}
		if !strings.EqualFold(mode, "wal") {
			o.Logger.Warn().Str("journal_mode", mode).Msg("store: SQLite did not switch to WAL mode; concurrent readers will wait for writers")
		}
	}
	if _, err := migrate(ctx, s.w, d, list, o.Now(), o.Logger); err != nil {
		return nil, err
	}
	return s, nil
}

// pingWhileBusy opens the first connection, trying again for up to
// busyTimeout while SQLite answers SQLITE_BUSY: two processes opening a
// fresh file at once both switch it to WAL, which can deadlock, and SQLite
// then fails one at once instead of waiting (busy_timeout does not apply).
// A failed open leaves no connection behind, so the next try starts clean.
func pingWhileBusy(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
