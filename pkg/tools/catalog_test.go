package tools

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)+$`)

// noScopeNeeded are the tools whose Slack methods need no scope (their
// reference pages say so).
var noScopeNeeded = map[string]bool{"conversations_scheduled_messages_list": true}

func TestCatalogDeclarations(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, tool := range Catalog() {
		t.Run(tool.Name, func(t *testing.T) {
			t.Parallel()
			require.Regexp(t, snakeCase, tool.Name)
			require.NotEmpty(t, tool.Title)
			require.GreaterOrEqual(t, len(tool.Description), 40, "description must tell a model when and how to use the tool")
			require.NotEmpty(t, tool.Toolset)
			if !noScopeNeeded[tool.Name] {
				require.NotEmpty(t, tool.Scopes, "scopes drive the default OAuth scope set")
			}
			require.NotNil(t, tool.Handler)
			if !tool.ReadOnly {
				require.NotEqual(t, GateNone, tool.Gate, "tools that change Slack must be off by default")
			}
			if tool.Destructive {
				require.False(t, tool.ReadOnly)
			}
			def := tool.MCPTool()
			require.NotNil(t, def.Annotations.ReadOnlyHint)
			require.NotNil(t, def.Annotations.DestructiveHint)
			require.NotNil(t, def.Annotations.IdempotentHint)
			require.NotNil(t, def.Annotations.OpenWorldHint)
			require.Equal(t, tool.ReadOnly, *def.Annotations.ReadOnlyHint)
		})
		require.False(t, seen[tool.Name], "duplicate tool %s", tool.Name)
		seen[tool.Name] = true
	}
}

// The tool definitions (names, schemas, annotations) are a contract with
// clients and prompts: a diff here is a contract change.
func TestToolDefinitionsSnapshot(t *testing.T) {
	t.Parallel()
	var defs []any
	for _, tool := range Catalog() {
		defs = append(defs, tool.MCPTool())
	}
	got, err := json.MarshalIndent(defs, "", "  ")
	require.NoError(t, err)
	const golden = "testdata/tools.golden.json"
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, append(got, '\n'), 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./pkg/tools -run TestToolDefinitionsSnapshot -update")
	require.JSONEq(t, string(want), string(got), "tool definitions changed: review, then run go test ./pkg/tools -run TestToolDefinitionsSnapshot -update")
}

func TestScopesUnion(t *testing.T) {
	t.Parallel()
	got := Scopes([]Tool{{Scopes: []string{"b", "a"}}, {Scopes: []string{"a", "c"}}})
	require.Equal(t, []string{"a", "b", "c"}, got)
}
