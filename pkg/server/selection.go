package server

import (
	"fmt"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// Selection is the operator's choice of tools applied to the catalog, made
// once at start. Everything that asks which tools are served, which of
// them only read, and which Slack scopes they need asks it: the MCP
// server, the 403 step-up of pkg/authn, the consent page and the Slack
// scope request of OAuth mode.
type Selection struct {
	tools    []tools.Tool
	readOnly map[string]bool // served tool -> it only reads
}

// Select applies --enabled-tools and the open gates to catalog. A gated
// tool named in enabled is served even when its gate is closed; without
// names, every tool whose gate is open (read tools have none) is served.
// Unknown names are an error that lists the valid ones.
func Select(catalog []tools.Tool, enabled []string, open map[tools.Gate]bool) (*Selection, error) {
	known := map[string]bool{}
	for _, t := range catalog {
		known[t.Name] = true
	}
	var unknown []string
	want := map[string]bool{}
	for _, n := range enabled {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if !known[n] {
			unknown = append(unknown, n)
		}
		want[n] = true
	}
	if len(unknown) > 0 {
		names := make([]string, 0, len(catalog))
		for _, t := range catalog {
			names = append(names, t.Name)
		}
		return nil, fmt.Errorf("unknown tool(s) in enabled tools: %s; valid names: %s", strings.Join(unknown, ", "), strings.Join(names, ", "))
	}
	s := &Selection{readOnly: map[string]bool{}}
	for _, t := range catalog {
		served := t.Gate == tools.GateNone || open[t.Gate]
		if len(want) > 0 {
			served = want[t.Name]
		}
		if served {
			s.tools = append(s.tools, t)
			s.readOnly[t.Name] = t.ReadOnly
		}
	}
	return s, nil
}

// SelectTools is Select's list of tools.
func SelectTools(catalog []tools.Tool, enabled []string, open map[tools.Gate]bool) ([]tools.Tool, error) {
	s, err := Select(catalog, enabled, open)
	if err != nil {
		return nil, err
	}
	return s.Tools(), nil
}

// Tools are the served tools, in catalog order.
func (s *Selection) Tools() []tools.Tool { return s.tools }

// ReadOnly reports whether the tool called name only reads, and whether it
// is served at all: a write tool that is not served is not ours, so the
// step-up check leaves it to the server's "tool not found" rather than
// asking for a scope this deployment would not grant.
func (s *Selection) ReadOnly(name string) (readOnly, served bool) {
	readOnly, served = s.readOnly[name]
	return readOnly, served
}

// SlackScopes are the Slack user scopes the served tools need, sorted.
func (s *Selection) SlackScopes() []string { return tools.Scopes(s.tools) }

// ReadSlackScopes are the Slack scopes of the served read-only tools;
// WriteSlackScopes those of the tools that change Slack.
func (s *Selection) ReadSlackScopes() []string  { return tools.Scopes(s.filter(true)) }
func (s *Selection) WriteSlackScopes() []string { return tools.Scopes(s.filter(false)) }

// Writes are the served tools that change Slack, in catalog order: what
// the consent page lists (by title and Slack scopes). None means the
// deployment cannot write.
func (s *Selection) Writes() []tools.Tool { return s.filter(false) }

func (s *Selection) filter(readOnly bool) []tools.Tool {
	var out []tools.Tool
	for _, t := range s.tools {
		if t.ReadOnly == readOnly {
			out = append(out, t)
		}
	}
	return out
}

// Gates are the gates of the named tools (--enabled-tools), each once:
// naming a gated tool opens what its gate guards for it, so its settings
// (a channel policy) default to "every channel" as in the incumbent.
func Gates(catalog []tools.Tool, names []string) []tools.Gate {
	seen := map[tools.Gate]bool{}
	var out []tools.Gate
	for _, n := range names {
		for _, t := range catalog {
			if t.Name == n && t.Gate != tools.GateNone && !seen[t.Gate] {
				seen[t.Gate] = true
				out = append(out, t.Gate)
			}
		}
	}
	return out
}

// Toolset shorthands of Narrow.
const (
	ToolsetAll  = "all"  // every toolset
	ToolsetRead = "read" // only tools that read
)

// Toolsets are the toolset names of catalog, in catalog order.
func Toolsets(catalog []tools.Tool) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range catalog {
		if !seen[t.Toolset] {
			seen[t.Toolset] = true
			out = append(out, t.Toolset)
		}
	}
	return out
}

// Narrow keeps the selected tools of the named toolsets (SLACK_MCP_TOOLSETS):
// a name of Toolsets, "all" for every one, and "read" to keep only tools
// that read (alone, it means every toolset's read tools). It never adds a
// tool the selection does not serve: the operator's gates stay the upper
// bound. Unknown names are an error that lists the valid ones. No names
// keep the selection as it is.
func (s *Selection) Narrow(names []string) (*Selection, error) {
	valid := Toolsets(tools.Catalog())
	known := map[string]bool{ToolsetAll: true, ToolsetRead: true}
	for _, n := range valid {
		known[n] = true
	}
	sets := map[string]bool{}
	readOnly, any := false, false
	var unknown []string
	for _, n := range names {
		switch n = strings.ToLower(strings.TrimSpace(n)); {
		case n == "":
			continue
		case !known[n]:
			unknown = append(unknown, n)
		case n == ToolsetRead:
			readOnly = true
		default:
			sets[n], any = true, true
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown toolset(s): %s; valid: %s, %s (every toolset), %s (only tools that read)",
			strings.Join(unknown, ", "), strings.Join(valid, ", "), ToolsetAll, ToolsetRead)
	}
	if !any && !readOnly {
		return s, nil
	}
	out := &Selection{readOnly: map[string]bool{}}
	for _, t := range s.tools {
		if any && !sets[ToolsetAll] && !sets[t.Toolset] {
			continue
		}
		if readOnly && !t.ReadOnly {
			continue
		}
		out.tools = append(out.tools, t)
		out.readOnly[t.Name] = t.ReadOnly
	}
	return out, nil
}
