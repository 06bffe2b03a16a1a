package server

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
)

// Per-request narrowing: the URL paths /mcp/readonly and
// /mcp/x/<toolsets>[/readonly] serve fewer tools than /mcp, so one
// deployment can hand a client only what it needs (a smaller tools/list,
// no writes) without a second server. The operator's selection stays the
// upper bound: a URL can only take tools away.

type toolsetsKey struct{}

// WithToolsets narrows the tools of one request to the named toolsets
// (the names of SLACK_MCP_TOOLSETS, "read" included).
func WithToolsets(ctx context.Context, names []string) context.Context {
	return context.WithValue(ctx, toolsetsKey{}, names)
}

// ToolsetsFrom returns the narrowing WithToolsets put in ctx.
func ToolsetsFrom(ctx context.Context) ([]string, bool) {
	names, ok := ctx.Value(toolsetsKey{}).([]string)
	return names, ok
}

// ToolsetsOfPath parses what follows /mcp in a narrowed URL path:
// "/readonly", "/x/<toolset>[,<toolset>...]" and "/x/<toolsets>/readonly".
// ok is false for any other path.
func ToolsetsOfPath(rest string) (names []string, ok bool) {
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	switch {
	case len(parts) == 1 && parts[0] == "readonly":
		return []string{ToolsetRead}, true
	case (len(parts) == 2 || len(parts) == 3 && parts[2] == "readonly") && parts[0] == "x" && parts[1] != "":
		names = strings.Split(parts[1], ",")
		if len(parts) == 3 {
			names = append(names, ToolsetRead)
		}
		return names, true
	}
	return nil, false
}

// narrowings caches the narrowed selections by their toolset names; the
// names were checked by CheckToolsets, so there are few distinct keys.
type narrowings struct {
	mu   sync.Mutex
	sels map[string]*Selection
}

// CheckToolsets reports whether names are toolsets this server knows, with
// the valid names when not.
func (s *Server) CheckToolsets(names []string) error {
	_, err := s.narrowed(names)
	return err
}

func (s *Server) narrowed(names []string) (*Selection, error) {
	key := strings.Join(names, ",")
	s.narrow.mu.Lock()
	defer s.narrow.mu.Unlock()
	if sel, ok := s.narrow.sels[key]; ok {
		return sel, nil
	}
	sel, err := s.selection.Narrow(names)
	if err != nil {
		return nil, err
	}
	if len(s.narrow.sels) < maxNarrowings {
		if s.narrow.sels == nil {
			s.narrow.sels = map[string]*Selection{}
		}
		s.narrow.sels[key] = sel
	}
	return sel, nil
}

// maxNarrowings bounds the cache: toolset lists come from URLs.
const maxNarrowings = 256

// servedHere reports whether the tool may be listed and called on this
// request's URL, with the reason when not.
func (s *Server) servedHere(ctx context.Context, name string) (bool, string) {
	names, ok := ToolsetsFrom(ctx)
	if !ok {
		return true, ""
	}
	sel, err := s.narrowed(names)
	if err != nil {
		return false, err.Error()
	}
	if _, served := sel.ReadOnly(name); served {
		return true, ""
	}
	return false, fmt.Sprintf("%s is not served at this URL, which serves only the toolsets %s; use the /mcp endpoint for it", name, strings.Join(names, ", "))
}

// filterTools is the tools/list filter of narrowed URLs.
func (s *Server) filterTools(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
	if _, ok := ToolsetsFrom(ctx); ok {
		out := ts[:0:0]
		for _, t := range ts {
			if ok, _ := s.servedHere(ctx, t.Name); ok {
				out = append(out, t)
			}
		}
		ts = out
	}
	return s.withWorkspaceArg(ctx, ts)
}
