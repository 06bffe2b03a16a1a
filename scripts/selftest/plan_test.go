package selftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeBin is a PATH holding only dirname (scripts/test needs it) and, when
// nodeVersion is set, fake node and npm commands.
func fakeBin(t *testing.T, nodeVersion string) string {
	t.Helper()
	dir := t.TempDir()
	dirname, err := exec.LookPath("dirname")
	require.NoError(t, err)
	require.NoError(t, os.Symlink(dirname, filepath.Join(dir, "dirname")))
	if nodeVersion != "" {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "node"), []byte("#!/bin/sh\necho "+nodeVersion+"\n"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "npm"), []byte("#!/bin/sh\nexit 0\n"), 0o755))
	}
	return dir
}

// Issue 8: scripts/test now says which suites it skips and why, and with
// CI=true it fails instead of skipping.
func TestScriptsTestPlan(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	chromium := filepath.Join(t.TempDir(), "chromium")
	require.NoError(t, os.WriteFile(chromium, []byte("#!/bin/sh\n"), 0o755))
	pgBin := t.TempDir() // a PostgreSQL server's binaries, faked
	for _, name := range []string{"pg_ctl", "initdb"} {
		require.NoError(t, os.WriteFile(filepath.Join(pgBin, name), []byte("#!/bin/sh\n"), 0o755))
	}
	pg, noPG := "PG_BINDIR="+pgBin, "PG_BINDIR="+t.TempDir()

	tests := []struct {
		name     string
		node     string // "" for none on PATH
		env      []string
		wantCode int
		stdout   []string
		stderr   []string
	}{
		{name: "everything there", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, pg}, stdout: []string{"skipped: nothing"}},
		{name: "everything there in CI", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, pg, "CI=true"}, stdout: []string{"skipped: nothing"}},
		{name: "another PostgreSQL server", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, noPG, "SLACK_MCP_TEST_POSTGRES_URL=postgres://u:p@db/x", "CI=true"},
			stdout: []string{"skipped: nothing"}},
		{name: "no PostgreSQL", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, noPG},
			stdout: []string{"PostgreSQL store tests: no PostgreSQL server binaries"}},
		{name: "no PostgreSQL in CI", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, noPG, "CI=true"}, wantCode: 1,
			stderr: []string{"CI=true: no suite may be skipped", "PostgreSQL store tests"}},
		{name: "no Node", env: []string{"CHROMIUM_BIN=" + chromium},
			stdout: []string{"interop tests: no Node.js/npm on PATH", "conformance suite: no Node.js/npm on PATH"}},
		{name: "old Node", node: "v16.20.0", env: []string{"CHROMIUM_BIN=" + chromium},
			stdout: []string{"interop tests: Node.js v16.20.0 is older than 18"}},
		{name: "no Chromium", node: "v20.1.0", env: []string{"CHROMIUM_BIN=none"},
			stdout: []string{"interop browser tests (OAuth mode, MCP Authorization, consent clicks): no Chromium"}},
		{name: "asked to skip conformance", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, "SKIP_CONFORMANCE=1"},
			stdout: []string{"conformance suite: SKIP_CONFORMANCE=1"}},
		{name: "no Node in CI", env: []string{"CHROMIUM_BIN=" + chromium, "CI=true"}, wantCode: 1,
			stderr: []string{"CI=true: no suite may be skipped", "interop tests: no Node.js/npm on PATH"}},
		{name: "no Chromium in CI", node: "v20.1.0", env: []string{"CHROMIUM_BIN=none", "CI=true"}, wantCode: 1,
			stderr: []string{"CI=true: no suite may be skipped", "no Chromium"}},
		{name: "SKIP_INTEROP in CI", node: "v20.1.0", env: []string{"CHROMIUM_BIN=" + chromium, "CI=true", "SKIP_INTEROP=1"}, wantCode: 1,
			stderr: []string{"interop tests: SKIP_INTEROP=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(bash, filepath.Join("..", "test"), "--plan")
			cmd.Env = append([]string{"PATH=" + fakeBin(t, tc.node), "HOME=" + t.TempDir()}, tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.wantCode, code, "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			for _, s := range tc.stdout {
				require.Contains(t, stdout.String(), s)
			}
			for _, s := range tc.stderr {
				require.Contains(t, stderr.String(), s)
			}
		})
	}
}
