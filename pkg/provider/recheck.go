package provider

import (
	"context"
	"errors"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// DefaultRecheckAfter is MultiOptions.RecheckAfter when zero.
const DefaultRecheckAfter = time.Minute

var _ tools.Rechecker = (*Multi)(nil)

// Recheck implements tools.Rechecker. A tool that answers from the
// directories alone makes no Slack call of its own, so a token revoked at
// Slack would keep reading them until its validation expires
// (ValidationTTL, 10 minutes by default). Before such an answer, a
// validation older than RecheckAfter is renewed with auth.test; a refusal
// evicts the caller and is returned (it wraps authn.ErrRevokedToken or
// authn.ErrInvalidToken and Slack's error, so the tool answers with
// Slack's reason). Tools that call Slack anyway never ask, so their cost
// is unchanged; a cache-only tool costs at most one auth.test per token
// per RecheckAfter. Concurrent rechecks of one token share one call.
func (m *Multi) Recheck(ctx context.Context) error {
	c := tenant.From(ctx)
	if c == nil {
		return errors.New("provider: no authenticated caller in the request context")
	}
	key := keyOf(c)
	now := m.o.Now()
	m.mu.Lock()
	e := m.entries[key]
	fresh := e != nil && now.Sub(e.validUntil.Add(-m.o.ValidationTTL)) < m.recheckAfter()
	epoch := m.epoch
	m.mu.Unlock()
	if fresh {
		return nil
	}
	ch := m.sf.DoChan(key, func() (any, error) {
		vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
		defer cancel()
		return m.validate(vctx, key, c.Bearer, epoch)
	})
	select {
	case res := <-ch:
		if res.Err != nil && caller.IsRefusal(res.Err) {
			// validate remembered the refusal; the entry validated
			// earlier must go too, or the next request would use it.
			m.InvalidateKey(key)
			m.o.Callers.Refuse(key, res.Err)
		}
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *Multi) recheckAfter() time.Duration {
	if m.o.RecheckAfter > 0 {
		return min(m.o.RecheckAfter, m.o.ValidationTTL)
	}
	return min(DefaultRecheckAfter, m.o.ValidationTTL)
}
