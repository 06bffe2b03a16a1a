package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltinMigrations(t *testing.T) {
	t.Parallel()
	list, err := builtinMigrations()
	require.NoError(t, err)
	require.NotEmpty(t, list)
	for _, d := range []dialect{sqliteDialect(), postgresDialect()} {
		for _, m := range list {
			_, err := d.schema(m.sql)
			require.NoError(t, err, "%s: migration %d", d.name, m.version)
		}
	}
}

func TestLoadMigrations(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr string
	}{
		{"ordered numerically", fstest.MapFS{
			"m/0002_b.sql": file("B"), "m/0001_a.sql": file("A"), "m/0010_j.sql": file("J"),
			"m/0003_c.sql": file("C"), "m/0004_d.sql": file("D"), "m/0005_e.sql": file("E"),
			"m/0006_f.sql": file("F"), "m/0007_g.sql": file("G"), "m/0008_h.sql": file("H"),
			"m/0009_i.sql": file("I"), "m/README.md": file("ignored"),
		}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ""},
		{"gap", fstest.MapFS{"m/0001_a.sql": file("A"), "m/0003_c.sql": file("C")}, nil, "without gaps"},
		{"duplicate", fstest.MapFS{"m/0001_a.sql": file("A"), "m/01_b.sql": file("B")}, nil, "without gaps"},
		{"not starting at 1", fstest.MapFS{"m/0002_a.sql": file("A")}, nil, "without gaps"},
		{"bad name", fstest.MapFS{"m/init.sql": file("A")}, nil, "NNNN_name.sql"},
		{"zero", fstest.MapFS{"m/0000_a.sql": file("A")}, nil, "NNNN_name.sql"},
		{"empty", fstest.MapFS{"m/x.txt": file("")}, nil, "no migrations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			list, err := loadMigrations(tt.files, "m")
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var got []int
			for _, m := range list {
				got = append(got, m.version)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func openRaw(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func tables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	require.NoError(t, err)
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMigrateSteps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openRaw(t)
	d := sqliteDialect()
	v1 := []migration{{1, "a", "CREATE TABLE a (x {{BIGINT}})"}}
	v2 := append(v1, migration{2, "b", "CREATE TABLE b (y {{TEXT}}); INSERT INTO b VALUES ('?');"})

	got, err := migrate(ctx, db, d, v1, time.Unix(1, 0), zerolog.Nop())
	require.NoError(t, err)
	assert.Equal(t, 1, got)
	got, err = migrate(ctx, db, d, v2, time.Unix(2, 0), zerolog.Nop())
	require.NoError(t, err)
	assert.Equal(t, 2, got)
	got, err = migrate(ctx, db, d, v2, time.Unix(3, 0), zerolog.Nop())
	require.NoError(t, err, "idempotent")
	assert.Equal(t, 2, got)
	assert.Equal(t, []string{"a", "b", "schema_migrations"}, tables(t, db))
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n))
	assert.Equal(t, 2, n)

	// An older binary refuses the newer database and changes nothing.
	_, err = migrate(ctx, db, d, v1, time.Unix(4, 0), zerolog.Nop())
	require.ErrorIs(t, err, errSchemaTooNew)
	assert.Contains(t, err.Error(), "version 2, this binary knows up to 1")
}

func TestMigrateIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openRaw(t)
	broken := []migration{
		{1, "ok", "CREATE TABLE good (x {{BIGINT}})"},
		{2, "broken", "CREATE TABLE bad (x {{BIGINT}}); THIS IS NOT SQL"},
	}
	_, err := migrate(ctx, db, sqliteDialect(), broken, time.Unix(1, 0), zerolog.Nop())
	require.ErrorContains(t, err, "migration 2 (broken)")
	assert.Empty(t, tables(t, db), "nothing of a failed run remains, not even step 1 or schema_migrations")

	_, err = migrate(ctx, db, sqliteDialect(), []migration{{1, "typo", "CREATE TABLE t (x {{BIGINTT}})"}}, time.Unix(1, 0), zerolog.Nop())
	require.ErrorContains(t, err, "unknown schema token {{BIGINTT}}")
	assert.Empty(t, tables(t, db))

	got, err := migrate(ctx, db, sqliteDialect(), broken[:1], time.Unix(1, 0), zerolog.Nop())
	require.NoError(t, err)
	assert.Equal(t, 1, got)
}
