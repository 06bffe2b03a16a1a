package provider

import (
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Validated reports whether Authenticate would answer bearer from what is
// already known (a validation or a refusal still fresh) rather than by
// asking the store and Slack. The Bearer middleware limits, per client
// address, the requests that need a fresh validation, so made-up tokens
// cannot make this server call auth.test without bound.
func (m *Multi) Validated(bearer string) bool {
	key := tenant.KeyOf(strings.TrimSpace(bearer))
	now := m.o.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.entries[key]; e != nil && now.Before(e.validUntil) {
		return true
	}
	_, refused := m.o.Callers.Refused(key)
	return refused
}
