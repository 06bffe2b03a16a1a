package tools

import "context"

// Rechecker is implemented by providers that cache the validation of a
// caller's token (multi-user mode). A tool that answers from the
// directories alone makes no Slack call that would notice a token revoked
// at Slack, so it asks the provider first; the provider asks Slack again
// only when its last answer is older than a short bound.
type Rechecker interface {
	Recheck(ctx context.Context) error
}

// recheck is called by handlers before an answer that comes from the
// directories only.
func recheck(ctx context.Context, d *Deps) error {
	if r, ok := d.Provider.(Rechecker); ok {
		return r.Recheck(ctx)
	}
	return nil
}
