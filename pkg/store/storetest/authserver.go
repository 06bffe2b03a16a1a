package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// RunAuthServer runs the store.AuthServer conformance tests against stores
// made by open, which must return a new, empty store each call
// (RunAuthServer closes it).
func RunAuthServer(t *testing.T, open func(t *testing.T) store.AuthServerStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.AuthServerStore)
	}{
		{"ClientRoundTrip", testClientRoundTrip},
		{"ClientReplace", testClientReplace},
		{"ClientValidation", testClientValidation},
		{"TouchClient", testTouchClient},
		{"DeleteUnusedClients", testDeleteUnusedClients},
		{"TxnRoundTrip", testTxnRoundTrip},
		{"TxnExpiry", testTxnExpiry},
		{"TxnSlackState", testTxnSlackState},
		{"TxnConcurrentConsume", testTxnConcurrentConsume},
		{"TxnWorkspaces", testTxnWorkspaces},
		{"TxnConcurrentSetSlackState", testTxnConcurrentSetSlackState},
		{"CodeRoundTrip", testCodeRoundTrip},
		{"CodeRedeemOnce", testCodeRedeemOnce},
		{"CodeExpiry", testCodeExpiry},
		{"CodeConcurrentRedeem", testCodeConcurrentRedeem},
		{"CodeErrors", testCodeErrors},
		{"TokenRoundTrip", testTokenRoundTrip},
		{"TokenExpiry", testTokenExpiry},
		{"TokenErrors", testTokenErrors},
		{"RotateRefresh", testRotateRefresh},
		{"RotateRefreshRefusals", testRotateRefreshRefusals},
		{"RotateRefreshConcurrent", testRotateRefreshConcurrent},
		{"RevokeToken", testRevokeToken},
		{"RevokeFamily", testRevokeFamily},
		{"RedeemCodeIssues", testRedeemCodeIssues},
		{"RedeemCodeIssueFails", testRedeemCodeIssueFails},
		{"RedeemCodeIssueChecked", testRedeemCodeIssueChecked},
		{"RotateRefreshIssues", testRotateRefreshIssues},
		{"RotateRefreshIssueFails", testRotateRefreshIssueFails},
		{"RevokedFamilyRecorded", testRevokedFamilyRecorded},
		{"IssuedHashTaken", testIssuedHashTaken},
		{"RefreshReuseRace", testRefreshReuseRace},
		{"CodeReplayRace", testCodeReplayRace},
		{"BrowserSessions", testBrowserSessions},
		{"Consents", testConsents},
		{"RevokeClientGrants", testRevokeClientGrants},
		{"RevokeClientGrantsPartial", testRevokeClientGrantsPartial},
		{"RevokeInstallationCascade", testRevokeInstallationCascade},
		{"ReinstallDoesNotResurrect", testReinstallDoesNotResurrect},
		{"AuthCanceledContext", testAuthCanceledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			tt.fn(t, s)
		})
	}
}

func testAuthCanceledContext(t *testing.T, s store.AuthServerStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.GetClient(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.CreateTxn(ctx, txn("c")), context.Canceled)
	_, err = s.ConsumeTxnBySlackState(ctx, "c", t0)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.RedeemCode(ctx, "c", t0, nil)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.GetToken(ctx, "c", t0)
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.RotateRefresh(ctx, "c", t0, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.CreateToken(ctx, token("c", store.TokenAccess, "f", "inst_x")), context.Canceled)
	_, err = s.ListConsents(ctx, "inst_x")
	require.ErrorIs(t, err, context.Canceled)
}
