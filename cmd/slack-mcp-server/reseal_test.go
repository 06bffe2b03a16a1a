package main

import (
	"context"
	"encoding/base64"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// The key rotation as README and docs/05-oauth-mode.md describe it, through
// the binary's own entry point (issue 7, finding 4): a store made with a
// bare key keeps working after the restart with "new,old", is re-sealed
// under the new key at start, and then the old key can go. A keyring that
// lacks the key of stored tokens is a configuration error at start (exit
// 2, the key IDs named), not 503s later.
func TestKeyRotationAsDocumented(t *testing.T) {
	t.Parallel()
	lp := freePort(t)
	emu := sandboxWithApp(t, lp.Port)
	storePath := filepath.Join(t.TempDir(), "store.db")
	oldKey := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")) // startOAuthServer's bare key
	newKey := base64.StdEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210"))

	srv := startOAuthServer(t, emu.URL, lp, storePath, "http")
	pat, _ := connectInBrowser(t, srv.base)
	srv.stop()
	require.Equal(t, []string{"k1"}, storedLabels(t, storePath))

	documented := map[string]string{"SLACK_MCP_ENCRYPTION_KEY": "new:" + newKey + ",old:" + oldKey}
	srv = startOAuthServer(t, emu.URL, lp, storePath, "http", documented)
	c, err := mcpClient(t, srv.base, pat)
	require.NoError(t, err)
	res := history(t, c)
	require.False(t, res.IsError, toolText(res))
	srv.stop()
	require.Equal(t, []string{"new"}, storedLabels(t, storePath), "re-sealed under the new key at start")

	// --reseal reports nothing left to do.
	out := &syncBuffer{}
	errOut := &syncBuffer{}
	code := run(context.Background(), []string{"--reseal"}, envOf(oauthEnv(emu.URL, lp.Port, storePath, documented)), strings.NewReader(""), out, errOut)
	require.Equal(t, 0, code, errOut.String())
	require.Contains(t, out.String(), "re-seal under key new: 1 installations checked, 0 re-sealed")

	// The old key removed: still fine.
	srv = startOAuthServer(t, emu.URL, lp, storePath, "http", map[string]string{"SLACK_MCP_ENCRYPTION_KEY": "new:" + newKey})
	c, err = mcpClient(t, srv.base, pat)
	require.NoError(t, err)
	res = history(t, c)
	require.False(t, res.IsError, toolText(res))
	srv.stop()

	// The key that sealed them missing: refused at start, and by --reseal.
	wrong := map[string]string{"SLACK_MCP_ENCRYPTION_KEY": "k2:" + oldKey}
	for _, args := range [][]string{{"-t", "http"}, {"--reseal"}} {
		stderr := &syncBuffer{}
		code := run(context.Background(), args, envOf(oauthEnv(emu.URL, lp.Port, storePath, wrong)), strings.NewReader(""), io.Discard, stderr)
		require.Equal(t, 2, code, stderr.String())
		require.Contains(t, stderr.String(), `sealed under key ID(s) new, which no configured key opens (configured: k2)`)
		require.NotContains(t, stderr.String(), oldKey)
	}
}

func TestResealNeedsOAuthMode(t *testing.T) {
	t.Parallel()
	stderr := &syncBuffer{}
	code := run(context.Background(), []string{"--reseal"}, envOf(map[string]string{}), strings.NewReader(""), io.Discard, stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "--reseal re-seals the OAuth token store")
}

// oauthEnv is startOAuthServer's environment, for calling run directly.
func oauthEnv(emuURL string, port int, storePath string, extra map[string]string) map[string]string {
	env := map[string]string{
		"SLACK_MCP_OAUTH_ENABLED":       "true",
		"SLACK_MCP_OAUTH_CLIENT_ID":     "cid-123",
		"SLACK_MCP_OAUTH_CLIENT_SECRET": "csecret-456",
		"SLACK_MCP_OAUTH_REDIRECT_URI":  "http://127.0.0.1:" + strconv.Itoa(port) + "/oauth/callback",
		"SLACK_MCP_STORE_PATH":          storePath,
		"SLACK_MCP_SLACK_URL":           emuURL,
		"SLACK_MCP_PORT":                strconv.Itoa(port),
		"SLACK_MCP_LOG_FORMAT":          "json",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// storedLabels lists the key IDs the stored access tokens are labelled with.
func storedLabels(t *testing.T, path string) []string {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), path, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	ins, err := st.SealedInstallations(context.Background(), "", 100)
	require.NoError(t, err)
	var out []string
	for _, in := range ins {
		kid, ok := seal.KeyID(in.AccessToken)
		require.True(t, ok)
		out = append(out, kid)
	}
	return out
}
