package server

import (
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// BenchmarkToolsListSize reports what tools/list costs a model's context:
// the bytes of the answer's tools, compact JSON as sent, and a rough token
// count (bytes/4), for the default selection (the read tools) and for
// every tool opened. The incumbent's answer is about 17 KB for 15 tools.
// model-bytes counts only what function-calling APIs put before a model
// (name, description, input schema): clients keep output schemas and
// annotations to themselves. The -oauth rows add the workspace argument
// OAuth mode shows a caller who reaches several workspaces.
func BenchmarkToolsListSize(b *testing.B) {
	all := map[tools.Gate]bool{}
	for _, t := range tools.Catalog() {
		if t.Gate != "" {
			all[t.Gate] = true
		}
	}
	for _, tc := range []struct {
		name string
		open map[tools.Gate]bool
		// oauth adds the workspace argument OAuth mode gives every tool.
		oauth bool
	}{{"default", nil, false}, {"all", all, false}, {"default-oauth", nil, true}, {"all-oauth", all, true}} {
		b.Run(tc.name, func(b *testing.B) {
			sel, err := Select(tools.Catalog(), nil, tc.open)
			if err != nil {
				b.Fatal(err)
			}
			var size, model int
			for b.Loop() {
				var list []mcp.Tool
				model = 0
				for _, t := range sel.Tools() {
					def := t.MCPTool()
					if tc.oauth {
						def = tools.WithWorkspaceArg(def)
					}
					list = append(list, def)
					seen, err := json.Marshal(struct {
						Name        string `json:"name"`
						Description string `json:"description"`
						Input       any    `json:"input_schema"`
					}{def.Name, def.Description, def.InputSchema})
					if err != nil {
						b.Fatal(err)
					}
					model += len(seen)
				}
				raw, err := json.Marshal(mcp.ListToolsResult{Tools: list})
				if err != nil {
					b.Fatal(err)
				}
				size = len(raw)
			}
			b.ReportMetric(float64(model), "model-bytes")
			b.ReportMetric(float64(len(sel.Tools())), "tools")
			b.ReportMetric(float64(size), "bytes")
			b.ReportMetric(float64(size)/4, "approx-tokens")
		})
	}
}
