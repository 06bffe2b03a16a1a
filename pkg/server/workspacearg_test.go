package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// countingSpaces reaches n workspaces (or fails) and counts the asks.
type countingSpaces struct {
	n     int
	err   error
	asked int
}

func (p *countingSpaces) Session(context.Context) (*tools.Session, error) {
	return nil, errors.New("no session")
}
func (p *countingSpaces) In(ctx context.Context, _ tools.WorkspaceRef) context.Context {
	return ctx
}
func (p *countingSpaces) Workspaces(context.Context) ([]tools.WorkspaceRef, error) {
	p.asked++
	return make([]tools.WorkspaceRef, p.n), p.err
}

func TestSeveralCache(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_763_800_000, 0)
	clock := func() time.Time { return now }
	ctx := tenant.With(context.Background(), &tenant.Caller{Bearer: "mcp_at_x"})
	for _, tc := range []struct {
		name string
		p    *countingSpaces
		want bool
	}{
		{"two workspaces", &countingSpaces{n: 2}, true},
		{"one", &countingSpaces{n: 1}, false},
		{"an error counts as one", &countingSpaces{n: 2, err: errors.New("store down")}, false},
	} {
		c := newSeveralCache(true, clock)
		assert.Equal(t, tc.want, c.of(ctx, tc.p), tc.name)
		assert.Equal(t, tc.want, c.of(ctx, tc.p), tc.name)
		if tc.p.err == nil {
			assert.Equal(t, 1, tc.p.asked, "%s: remembered", tc.name)
		}
	}
	p := &countingSpaces{n: 2}
	c := newSeveralCache(true, clock)
	c.of(ctx, p)
	now = now.Add(severalTTL)
	c.of(ctx, p)
	assert.Equal(t, 2, p.asked, "asked again after the TTL")
	assert.False(t, c.of(context.Background(), p), "no caller")
	assert.Nil(t, newSeveralCache(false, clock), "off")

	// The argument is added to copies; the registered definitions stay.
	def := mcp.NewTool("x", mcp.WithString("a"))
	s := &Server{several: c, deps: &tools.Deps{Provider: p}}
	got := s.withWorkspaceArg(ctx, []mcp.Tool{def})
	assert.Contains(t, got[0].InputSchema.Properties, "workspace")
	assert.NotContains(t, def.InputSchema.Properties, "workspace")
}
