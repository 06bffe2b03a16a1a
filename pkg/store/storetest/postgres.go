package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/stretchr/testify/require"
)

// PostgresEnv names the PostgreSQL server tests use: a URL with a user
// that may create schemas. scripts/test starts a throwaway server
// (scripts/postgres) and sets it.
const PostgresEnv = "SLACK_MCP_TEST_POSTGRES_URL"

// PostgresURL returns the URL of a fresh, empty schema on the test server
// (the schema is the connection's search_path), dropped when the test
// ends. Without a server the test is skipped, saying how to get one; with
// CI=true it fails instead, as CI never skips.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		const why = PostgresEnv + " is not set: this test needs a PostgreSQL server (scripts/test starts one with scripts/postgres)"
		if os.Getenv("CI") == "true" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	_, err = admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// DumpPostgres returns every row of every table of the schema of url as
// text: what a copy of the database would hold.
func DumpPostgres(t testing.TB, url string) []byte {
	t.Helper()
	db, err := sql.Open("pgx", url)
	require.NoError(t, err)
	defer db.Close()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, tables, "no tables in the schema")
	var out []byte
	for _, table := range tables {
		rs, err := db.QueryContext(ctx, `SELECT r::text FROM "`+table+`" r`)
		require.NoError(t, err)
		for rs.Next() {
			var row string
			require.NoError(t, rs.Scan(&row))
			out = append(out, row...)
			out = append(out, '\n')
		}
		require.NoError(t, rs.Err())
		rs.Close()
	}
	return out
}
