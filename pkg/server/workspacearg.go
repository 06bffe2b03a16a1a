package server

import (
	"context"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// The workspace argument is shown only to callers who reach several
// workspaces: everyone else's tools/list stays as short as it was (the
// argument costs a model about 180 bytes a tool). mcp-go runs the tool
// filter on every tools/list and every tool call, so whether a caller
// reaches several is remembered for a while rather than asked each time.

const (
	severalTTL = 30 * time.Second
	severalMax = 10_000
)

type severalCache struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]severalEntry
}

type severalEntry struct {
	several bool
	at      time.Time
}

func newSeveralCache(on bool, now func() time.Time) *severalCache {
	if !on {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	return &severalCache{now: now, m: map[string]severalEntry{}}
}

// withWorkspaceArg adds the workspace argument to ts for a caller who
// reaches several workspaces.
func (s *Server) withWorkspaceArg(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
	if s.several == nil || !s.several.of(ctx, s.deps.Provider) {
		return ts
	}
	out := make([]mcp.Tool, len(ts))
	for i, t := range ts {
		out[i] = tools.WithWorkspaceArg(t)
	}
	return out
}

// of reports, from memory when fresh, whether the caller of ctx reaches
// several workspaces; an error counts as no (the argument still works).
func (c *severalCache) of(ctx context.Context, p tools.Provider) bool {
	caller := tenant.From(ctx)
	if caller == nil {
		return false
	}
	key := caller.Key
	if key == "" {
		key = tenant.KeyOf(caller.Bearer)
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < severalTTL {
		return e.several
	}
	several, err := tools.Several(ctx, p)
	if err != nil {
		return false
	}
	c.mu.Lock()
	if len(c.m) >= severalMax {
		clear(c.m) // bounded: a full table starts over
	}
	c.m[key] = severalEntry{several: several, at: now}
	c.mu.Unlock()
	return several
}
