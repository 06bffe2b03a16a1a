package storetest

import (
	"testing"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// t0 has sub-millisecond digits on purpose: backends keep milliseconds.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_793_238, time.UTC)

// ms is what a backend returns for t.
func ms(t time.Time) time.Time { return t.Truncate(time.Millisecond).UTC() }

// Run runs every conformance test against stores made by open, which must
// return a new, empty store each call (Run closes it).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	fresh := func(t *testing.T) store.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"PendingRoundTrip", testPendingRoundTrip},
		{"PendingDuplicate", testPendingDuplicate},
		{"PendingSingleUse", testPendingSingleUse},
		{"PendingExpiry", testPendingExpiry},
		{"PendingConcurrentConsume", testPendingConcurrentConsume},
		{"PendingValidation", testPendingValidation},
		{"SweepPending", testSweepPending},
		{"UpsertInsert", testUpsertInsert},
		{"UpsertKeepsIDAndInstalledAt", testUpsertKeepsIdentity},
		{"InstallationUserName", testInstallationUserName},
		{"UpsertConcurrent", testUpsertConcurrent},
		{"InstallationIdentities", testInstallationIdentities},
		{"InstallationValidation", testInstallationValidation},
		{"InstallationNotFound", testInstallationNotFound},
		{"UpdateTokens", testUpdateTokens},
		{"RefreshTokens", testRefreshTokens},
		{"RefreshTokensOnce", testRefreshTokensOnce},
		{"SealedInstallations", testSealedInstallations},
		{"ResealTokens", testResealTokens},
		{"TouchInstallation", testTouchInstallation},
		{"RevokeInstallation", testRevokeInstallation},
		{"ReinstallAfterRevoke", testReinstallAfterRevoke},
		{"PATRoundTrip", testPATRoundTrip},
		{"PATErrors", testPATErrors},
		{"TouchPAT", testTouchPAT},
		{"AuditOrderAndFilters", testAudit},
		{"AuditDefaults", testAuditDefaults},
		{"CanceledContext", testCanceledContext},
		{"EndedSessions", testEndedSessions},
		{"SlackPauses", testSlackPauses},
		{"DirectorySnapshots", testDirectorySnapshots},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, fresh(t))
		})
	}
}

// Durable is a database that outlives a Store value.
type Durable struct {
	// Open opens the same database every call; the caller closes it. When
	// the store is also a store.AuthServerStore, the authorization server's
	// tables are checked too.
	Open func(t *testing.T) store.Store
	// Dump returns the database's raw bytes at rest (files, a dump), read
	// after every Store is closed.
	Dump func(t *testing.T) []byte
}

// RunDurable checks what must survive a restart and what must not be
// stored. newDB prepares a fresh, empty database per test.
func RunDurable(t *testing.T, newDB func(t *testing.T) Durable) {
	t.Helper()
	t.Run("RestartPersistence", func(t *testing.T) {
		t.Parallel()
		testRestart(t, newDB(t))
	})
	t.Run("StoresOnlyWhatItIsGiven", func(t *testing.T) {
		t.Parallel()
		testOnlyCiphertext(t, newDB(t))
	})
}
