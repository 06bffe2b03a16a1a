package testkit

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/seal"
)

// Keyring returns a keyring of one fresh random key, as
// SLACK_MCP_ENCRYPTION_KEY would configure it, for tests that seal tokens.
func Keyring(t testing.TB) *seal.Keyring {
	t.Helper()
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	k, err := seal.ParseKeyring(base64.StdEncoding.EncodeToString(b))
	if err != nil {
		t.Fatalf("testkit: keyring: %v", err)
	}
	return k
}
