package provider

import (
	"context"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// confirmRevoked runs after a tool call of the caller of ctx failed with
// an authentication error: for a token we issued it asks auth.test at
// once (the tool's error alone is not proof enough to revoke a grant), so
// a definitive refusal revokes the installation now rather than on the
// caller's next request. Concurrent confirmations share one call.
func (m *Multi) confirmRevoked(ctx context.Context, c *tenant.Caller) {
	if !m.o.Callers.CanRevoke(c.Bearer) {
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
