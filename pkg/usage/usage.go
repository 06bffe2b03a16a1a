package usage

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Counter counts per workspace and UTC day. The zero value is not ready:
// use New.
type Counter struct {
	mu     sync.Mutex
	counts map[key]*store.UsageDelta
	now    func() time.Time
}

type key struct{ team, day string }

// New returns a Counter on clock now (time.Now when nil).
func New(now func() time.Time) *Counter {
	if now == nil {
		now = time.Now
	}
	return &Counter{counts: map[key]*store.UsageDelta{}, now: now}
}

func (c *Counter) add(team string, calls, limited int64) {
	if c == nil || team == "" {
		return
	}
	day := c.now().UTC().Format(time.DateOnly)
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.counts[key{team, day}]
	if d == nil {
		d = &store.UsageDelta{TeamID: team, Day: day}
		c.counts[key{team, day}] = d
	}
	d.ToolCalls += calls
	d.RateLimited += limited
}

// ToolCall counts one tool call in team's workspace.
func (c *Counter) ToolCall(team string) { c.add(team, 1, 0) }

// RateLimited counts one Slack 429 for team's workspace.
func (c *Counter) RateLimited(team string) { c.add(team, 0, 1) }

// take empties the counter.
func (c *Counter) take() []store.UsageDelta {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]store.UsageDelta, 0, len(c.counts))
	for _, d := range c.counts {
		out = append(out, *d)
	}
	c.counts = map[key]*store.UsageDelta{}
	return out
}

// Flush adds what was counted to st; on failure the counts are kept for
// the next flush.
func (c *Counter) Flush(ctx context.Context, st store.UsageLog) error {
	deltas := c.take()
	if err := st.AddUsage(ctx, deltas); err != nil {
		for _, d := range deltas {
			c.mu.Lock()
			k := key{d.TeamID, d.Day}
			if cur := c.counts[k]; cur != nil {
				cur.ToolCalls += d.ToolCalls
				cur.RateLimited += d.RateLimited
			} else {
				d := d
				c.counts[k] = &d
			}
			c.mu.Unlock()
		}
		return err
	}
	return nil
}

// Run flushes every interval until ctx ends, then once more.
func (c *Counter) Run(ctx context.Context, st store.UsageLog, every time.Duration, log zerolog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := c.Flush(fctx, st); err != nil {
				log.Warn().Err(err).Msg("usage: last flush failed")
			}
			cancel()
			return
		case <-t.C:
			if err := c.Flush(ctx, st); err != nil {
				log.Warn().Err(err).Msg("usage: flush failed; kept for the next one")
			}
		}
	}
}
