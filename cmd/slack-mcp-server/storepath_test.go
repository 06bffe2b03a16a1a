//go:build unix

package main

import (
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOAuthRefusesSymlinkedStorePath: issue 7, finding 10, end to end. A
// SLACK_MCP_STORE_PATH that is a symbolic link stops the start with an
// error naming the problem, and the link's target keeps its mode.
func TestOAuthRefusesSymlinkedStorePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := filepath.Join(dir, "passwd")
	require.NoError(t, os.WriteFile(victim, []byte("root:x:0:0::/root:/bin/sh\n"), 0o644))
	require.NoError(t, os.Chmod(victim, 0o644))
	link := filepath.Join(dir, "slack-mcp.db")
	require.NoError(t, os.Symlink(victim, link))
	port := freePort(t).Port // the server refuses to start: it never binds
	stderr := &syncBuffer{}
	code := run(context.Background(), []string{"-t", "http"}, envOf(map[string]string{
		"SLACK_MCP_OAUTH_ENABLED":       "true",
		"SLACK_MCP_OAUTH_CLIENT_ID":     "cid-123",
		"SLACK_MCP_OAUTH_CLIENT_SECRET": "csecret-456",
		"SLACK_MCP_OAUTH_REDIRECT_URI":  "http://127.0.0.1:" + strconv.Itoa(port) + "/oauth/callback",
		"SLACK_MCP_ENCRYPTION_KEY":      base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")),
		"SLACK_MCP_STORE_PATH":          link,
		"SLACK_MCP_SLACK_URL":           "http://127.0.0.1:1",
		"SLACK_MCP_PORT":                strconv.Itoa(port),
		"SLACK_MCP_LOG_FORMAT":          "json",
	}), strings.NewReader(""), io.Discard, stderr)
	require.NotEqual(t, 0, code)
	require.Contains(t, stderr.String(), "is a symbolic link")
	fi, err := os.Stat(victim)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "the link's target is not chmod-ed")
}
