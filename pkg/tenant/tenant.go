// Package tenant says who is calling: the authenticated caller a request
// carries through its context. It is a leaf package every layer may use.
package tenant

import "context"

// Caller is the authenticated principal of one request.
type Caller struct {
	// Key identifies the caller's credential in caches: a hash of the
	// bearer token, never the token.
	Key string
	// Bearer is the presented token (a Slack token or one we issued); it
	// stays in memory only.
	Bearer string
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
