package provider

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// readyEvery bounds how often Ready asks Slack: a probe every few seconds
// costs one auth.test per readyEvery.
const readyEvery = 30 * time.Second

// readiness caches the answer of the last token check.
type readiness struct {
	mu      sync.Mutex
	checked time.Time
	err     error
}

// Ready reports whether the token still works (auth.test, asked at most
// once per 30 s): for GET /readyz. A token Slack refuses is not ready; a
// Slack that cannot be reached is not ready either, and the answer says
// which. It never returns Slack's own words.
func (p *Single) Ready(ctx context.Context) error {
	if p.err != nil {
		return p.err
	}
	p.ready.mu.Lock()
	defer p.ready.mu.Unlock()
	if !p.ready.checked.IsZero() && time.Since(p.ready.checked) < readyEvery {
		return p.ready.err
	}
	_, err := p.session.Client.AuthTestContext(ctx)
	switch {
	case err == nil:
	case slackapi.IsAuthFailure(err):
		err = errors.New("the Slack token is no longer valid (auth.test refused it)")
	default:
		err = errors.New("Slack cannot be reached to check the token")
	}
	p.ready.checked, p.ready.err = time.Now(), err
	return err
}
