package provider

import (
	"context"
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// RevokedFunc is told that Slack refused, with a definitive answer
// (slackCode is token_revoked, invalid_auth or account_inactive), the
// Slack credentials behind bearer, a token this server issued (personal
// access token or OAuth access token). It is expected to revoke the
// installation the token stands for, and everything built on it, so that
// the next authorization goes through Slack again instead of minting more
// tokens for a dead grant. creds are the credentials Slack refused: an
// installation whose token changed since (refresh, reinstall) is not
// known to be dead. It must not log bearer or creds.
type RevokedFunc func(ctx context.Context, bearer string, creds slackapi.Credentials, slackCode string)

// revokedAtSlack reports Slack answers that say the grant itself is gone.
// Outages, rate limits, token_expired (a rotating token we failed to
// refresh in time) and not_authed (our bug) are not among them.
func revokedAtSlack(code string) bool {
	switch code {
	case "token_revoked", "invalid_auth", "account_inactive":
		return true
	}
	return false
}

// slackRefused classifies Slack's refusal err of the credentials behind
// bearer (token_revoked and account_inactive wrap authn.ErrRevokedToken,
// the rest authn.ErrInvalidToken) and, when it is definitive and bearer
// is a token we issued, calls MultiOptions.Revoked.
func (m *Multi) slackRefused(ctx context.Context, bearer string, creds slackapi.Credentials, err error) error {
	code := slackapi.SlackErrorCode(err)
	kind := authn.ErrInvalidToken
	switch code {
	case "token_revoked", "account_inactive":
		kind = authn.ErrRevokedToken
	}
	if m.o.Revoked != nil && m.issuedKind(bearer) != notIssued && revokedAtSlack(code) {
		m.o.Revoked(ctx, bearer, creds, code)
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// confirmRevoked runs after a tool call of the caller of ctx failed with
// an authentication error: for a token we issued it asks auth.test at
// once (the tool's error alone is not proof enough to revoke a grant), so
// a definitive refusal revokes the installation now rather than on the
// caller's next request. Concurrent confirmations share one call.
func (m *Multi) confirmRevoked(ctx context.Context, c *tenant.Caller) {
	if m.o.Revoked == nil || m.issuedKind(c.Bearer) == notIssued {
		return
	}
	key := keyOf(c)
	m.mu.Lock()
	epoch := m.epoch
	m.mu.Unlock()
	vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
	defer cancel()
	_, _, _ = m.sf.Do(key, func() (any, error) {
		return m.validate(vctx, key, c.Bearer, epoch)
	})
}
