package caller

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// This file is the life of a validation after auth.test: rechecks,
// invalidation, expiry and the drops the session pool hears of.

// Recheck renews, for the caller of ctx, a validation older than
// RecheckAfter with auth.test. A tool that answers from caches alone makes
// no Slack call of its own, so a token revoked at Slack would keep
// reading them until its validation expires (ValidationTTL); tools that
// call Slack anyway never ask. A refusal drops the validation and is
// returned (it wraps authn.ErrRevokedToken or authn.ErrInvalidToken and
// Slack's error). Concurrent rechecks of one token share one call.
func (v *Validator) Recheck(ctx context.Context) error {
	c := tenant.From(ctx)
	if c == nil {
		return errors.New("caller: no authenticated caller in the request context")
	}
	key := KeyOf(c)
	now := v.o.Now()
	v.mu.Lock()
	e := v.entries[key]
	fresh := e != nil && now.Sub(e.validatedAt) < v.o.RecheckAfter
	epoch := v.epoch
	v.mu.Unlock()
	if fresh {
		return nil
	}
	ch := v.sf.DoChan(key, func() (any, error) {
		vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
		defer cancel()
		return v.validate(vctx, key, c.Bearer, c.Installation, epoch)
	})
	select {
	case res := <-ch:
		if res.Err != nil && IsRefusal(res.Err) {
			// validate remembered the refusal; the validation made earlier
			// must go too, or the next request would use it.
			v.InvalidateKey(key)
			v.o.Resolver.Refuse(key, res.Err)
		}
		return res.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Invalidate forgets the validation of the caller of ctx, so its next
// request asks Slack again; the server calls it when Slack answers a tool
// call with invalid_auth, token_revoked or account_inactive. For a token
// we issued it then asks auth.test at once (the tool's error alone is not
// proof enough to revoke a grant), so a definitive refusal revokes the
// installation now rather than at the caller's next request.
func (v *Validator) Invalidate(ctx context.Context) {
	c := tenant.From(ctx)
	if c == nil {
		return
	}
	key := KeyOf(c)
	v.InvalidateKey(key)
	if !v.o.Resolver.CanRevoke(c.Bearer) {
		return
	}
	v.mu.Lock()
	epoch := v.epoch
	v.mu.Unlock()
	vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
	defer cancel()
	_, _, _ = v.sf.Do(key, func() (any, error) {
		return v.validate(vctx, key, c.Bearer, c.Installation, epoch)
	})
}

// InvalidateKey is Invalidate by caller key (tenant.KeyOf of the token)
// without the confirmation, for code that revokes tokens outside a
// request. The token's key drops its validations in every workspace
// (KeyIn); a workspace's key drops only that one.
func (v *Validator) InvalidateKey(key string) {
	var dropped []*validation
	v.mu.Lock()
	v.epoch++
	v.sf.Forget(key)
	if e := v.entries[key]; e != nil {
		dropped = append(dropped, v.removeLocked(e, "invalidated"))
		v.o.Logger.Info().Str("token", key[:min(12, len(key))]).Msg("token validation evicted")
	}
	if !strings.Contains(key, "@") {
		for k, e := range v.entries {
			if strings.HasPrefix(k, key+"@") {
				v.sf.Forget(k)
				dropped = append(dropped, v.removeLocked(e, "invalidated"))
			}
		}
	}
	v.mu.Unlock()
	v.notify(dropped)
}

func (v *Validator) touchLocked(e *validation, now time.Time) {
	e.lastUsed = now
	v.lru.MoveToFront(e.elem)
}

// removeLocked forgets a validation and returns it, to be notified once
// the lock is released.
func (v *Validator) removeLocked(e *validation, why string) *validation {
	delete(v.entries, e.key)
	v.lru.Remove(e.elem)
	v.o.Logger.Debug().Str("token", e.key[:min(12, len(e.key))]).Str("reason", why).Msg("validation dropped")
	return e
}

// expireLocked drops validations idle for IdleTTL (oldest at the back of
// the LRU, so this costs nothing when none is due), appending them to
// dropped.
func (v *Validator) expireLocked(now time.Time, dropped []*validation) []*validation {
	for b := v.lru.Back(); b != nil; b = v.lru.Back() {
		e := b.Value.(*validation)
		if now.Sub(e.lastUsed) < v.o.IdleTTL {
			break
		}
		dropped = append(dropped, v.removeLocked(e, "idle"))
	}
	return dropped
}

// notify tells the drop listeners; v.mu must not be held.
func (v *Validator) notify(dropped []*validation) {
	if len(dropped) == 0 {
		return
	}
	v.mu.Lock()
	drops := v.drops
	v.mu.Unlock()
	for _, e := range dropped {
		for _, f := range drops {
			f(e.key, e.v.Gen)
		}
	}
}

// Sweep drops idle validations and expired refusals now.
func (v *Validator) Sweep() {
	v.mu.Lock()
	dropped := v.expireLocked(v.o.Now(), nil)
	v.mu.Unlock()
	v.notify(dropped)
	v.o.Resolver.PurgeRefusals()
}

// Run sweeps every IdleTTL/4 (clamped to between a second and a minute)
// until ctx is done.
func (v *Validator) Run(ctx context.Context) {
	t := time.NewTicker(min(max(v.o.IdleTTL/4, time.Second), time.Minute))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			v.Sweep()
		}
	}
}

// Close forgets every validation and refusal; later validations are
// answered but not kept.
func (v *Validator) Close() {
	var dropped []*validation
	v.mu.Lock()
	v.closed = true
	for _, e := range v.entries {
		dropped = append(dropped, v.removeLocked(e, "closed"))
	}
	v.mu.Unlock()
	v.notify(dropped)
	v.o.Resolver.ForgetRefusals()
}

// Stats reports the table sizes for /health.
func (v *Validator) Stats() (validated, refused int) {
	v.mu.Lock()
	validated = len(v.entries)
	v.mu.Unlock()
	return validated, v.o.Resolver.Refusals()
}

// MaxValidations is the bound of the table, for /health.
func (v *Validator) MaxValidations() int { return v.o.MaxValidations }
