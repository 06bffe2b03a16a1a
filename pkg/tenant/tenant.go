package tenant

import (
	"context"
	"slices"
)

// The scopes of tokens this server issues (pkg/oauthserver). Write implies
// read: a grant of ScopeWrite alone may call read-only tools too.
const (
	// ScopeRead lets a caller use the read-only tools.
	ScopeRead = "slack:read"
	// ScopeWrite lets a caller use every tool, the writing ones too.
	ScopeWrite = "slack:write"
)

// Caller is the authenticated principal of one request.
type Caller struct {
	// Key identifies the caller's credential in caches: a hash of the
	// bearer token, never the token.
	Key string
	// Subject is who the credential acts as ("<enterprise>|<team>|<user>"),
	// stable across token refreshes: what MCP sessions are bound to.
	// Empty when unknown; Key stands in then.
	Subject string
	// Bearer is the presented token (a Slack token or one we issued); it
	// stays in memory only.
	Bearer string
	// Scopes are the scopes granted to an OAuth access token we issued.
	// nil means unrestricted (Slack tokens sent directly, personal access
	// tokens): the Slack token's own scopes are the only limit. A non-nil
	// empty slice grants nothing.
	Scopes []string
	// Installation is the workspace (store installation ID) a tool call
	// acts in when the token reaches several; empty: the token's own.
	Installation string
}

// Allows reports whether the caller's grant covers scope, honouring the
// hierarchy (ScopeWrite implies ScopeRead). An unrestricted caller (nil
// Scopes) is allowed everything; a nil Caller nothing.
func (c *Caller) Allows(scope string) bool {
	switch {
	case c == nil:
		return false
	case c.Scopes == nil:
		return true
	case slices.Contains(c.Scopes, scope):
		return true
	default:
		return scope == ScopeRead && slices.Contains(c.Scopes, ScopeWrite)
	}
}

type callerKey struct{}

// With returns ctx carrying the caller.
func With(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// From returns the caller of ctx, or nil.
func From(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}
