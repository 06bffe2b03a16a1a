package caller

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

// installations records what a Revoker asked.
type installations struct {
	revoked []string // "<installation> <refused token> <code>"
	fail    error
}

func (f *installations) PATInstallation(_ context.Context, tok string) (string, error) {
	if tok == "smcp_unknown" {
		return "", fmt.Errorf("unknown: %w", authn.ErrInvalidToken)
	}
	return "I-pat", nil
}

func (f *installations) AccessTokenInstallation(context.Context, string) (string, error) {
	return "I-at", nil
}

func (f *installations) RevokeRefused(_ context.Context, id, tok, code string) (bool, error) {
	if f.fail != nil {
		return false, f.fail
	}
	f.revoked = append(f.revoked, id+" "+tok+" "+code)
	return true, nil
}

func TestSlackRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		bearer  string
		code    string
		kind    error
		revoked []string
		// installation is the one whose credentials Slack refused, when
		// the token reaches several.
		installation string
	}{
		{name: "pat revoked at Slack", bearer: "smcp_a", code: "token_revoked", kind: authn.ErrRevokedToken, revoked: []string{"I-pat xoxp-1 token_revoked"}},
		{name: "access token, account gone", bearer: "mcp_at_a", code: "account_inactive", kind: authn.ErrRevokedToken, revoked: []string{"I-at xoxp-1 account_inactive"}},
		{name: "invalid_auth is definitive", bearer: "mcp_at_a", code: "invalid_auth", kind: authn.ErrInvalidToken, revoked: []string{"I-at xoxp-1 invalid_auth"}},
		{name: "an expired rotating token is not", bearer: "smcp_a", code: "token_expired", kind: authn.ErrInvalidToken},
		{name: "a Slack token is not ours to revoke", bearer: "xoxp-9", code: "token_revoked", kind: authn.ErrRevokedToken},
		{name: "an unknown token is not revoked", bearer: "smcp_unknown", code: "token_revoked", kind: authn.ErrRevokedToken},
		{name: "another workspace of an access token: that installation", bearer: "mcp_at_a", installation: "I-other", code: "token_revoked", kind: authn.ErrRevokedToken, revoked: []string{"I-other xoxp-1 token_revoked"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inst := &installations{}
			r := New(Options{Revoked: Revoker{Installations: inst, AccessTokens: inst, Logger: zerolog.Nop()}.Revoke})
			slackErr := slack.SlackErrorResponse{Err: tc.code}
			err := r.SlackRefused(context.Background(), tc.bearer, Grant{Credentials: slackapi.Credentials{Token: "xoxp-1"}, InstallationID: tc.installation}, slackErr)
			require.ErrorIs(t, err, tc.kind)
			assert.Equal(t, tc.code, slackapi.SlackErrorCode(err), "Slack's code stays visible")
			assert.Equal(t, tc.revoked, inst.revoked)
		})
	}
}

func TestRevokerLogsFailuresWithoutTheToken(t *testing.T) {
	t.Parallel()
	var logs testkit.LogBuffer
	inst := &installations{fail: errors.New("store down")}
	Revoker{Installations: inst, AccessTokens: inst, Logger: zerolog.New(&logs)}.
		Revoke(context.Background(), "smcp_secret-value", "", slackapi.Credentials{Token: "xoxp-secret"}, "token_revoked")
	out := logs.String()
	assert.Contains(t, out, "installation refused by Slack not revoked")
	assert.NotContains(t, out, "secret")
}

func TestCanRevoke(t *testing.T) {
	t.Parallel()
	noop := func(context.Context, string, string, slackapi.Credentials, string) {}
	assert.False(t, New(Options{}).CanRevoke("smcp_a"), "no hook")
	r := New(Options{Revoked: noop})
	assert.True(t, r.CanRevoke("smcp_a"))
	assert.True(t, r.CanRevoke("mcp_at_a"))
	assert.False(t, r.CanRevoke("xoxp-1"))
}
