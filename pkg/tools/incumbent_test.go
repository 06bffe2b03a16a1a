package tools

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// incumbentSurface is testdata/incumbent-1.3.0-tools.json: the tool names,
// argument names and JSON types korotovsky/slack-mcp-server 1.3.0 lists
// (generated once from its tools/list answer; descriptions left out).
type incumbentSurface struct {
	Tools         map[string]map[string]string `json:"tools"`
	AcceptedNames []string                     `json:"accepted_names"`
}

// Our surface must cover 1.3.0's: a prompt or configuration written for
// it keeps working with every tool enabled.
func TestCoversIncumbentSurface(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/incumbent-1.3.0-tools.json")
	require.NoError(t, err)
	var inc incumbentSurface
	require.NoError(t, json.Unmarshal(raw, &inc))
	require.NotEmpty(t, inc.Tools)

	ours := map[string]map[string]string{}
	for _, tool := range Catalog() {
		def := tool.MCPTool()
		args := map[string]string{}
		for name, prop := range def.InputSchema.Properties {
			p, _ := prop.(map[string]any)
			typ, _ := p["type"].(string)
			args[name] = typ
		}
		ours[tool.Name] = args
	}
	for name, args := range inc.Tools {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			have, ok := ours[name]
			require.True(t, ok, "1.3.0 tool %s is missing from the catalog", name)
			for arg, incType := range args {
				ourType, ok := have[arg]
				require.True(t, ok, "%s: 1.3.0 argument %s is missing", name, arg)
				require.True(t, compatibleTypes(incType, ourType), "%s.%s: 1.3.0 sends %s, our schema says %s", name, arg, incType, ourType)
			}
		})
	}
	t.Run("accepted names", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, inc.AcceptedNames, NotOfferedNames())
		for _, n := range inc.AcceptedNames {
			_, served := ours[n]
			require.False(t, served, "%s is accepted, not served", n)
		}
	})
}

// compatibleTypes reports whether a value 1.3.0's schema allows is one our
// handler accepts. Equal types are. A string where we declare a number or
// boolean is too, because handlers read numbers and booleans through
// params.Int and params.Bool, which parse strings ("20", "true"); a number
// or boolean where we declare a string is, because params.String renders
// scalars. Both are checked below, so the rule cannot go stale silently.
func compatibleTypes(incumbent, ours string) bool {
	if incumbent == ours {
		return true
	}
	switch {
	case incumbent == "string" && (ours == "number" || ours == "integer"):
		n, present, err := params.Int(map[string]any{"k": "20"}, "k")
		return err == nil && present && n == 20
	case incumbent == "string" && ours == "boolean":
		b, err := params.Bool(map[string]any{"k": "true"}, "k", false)
		return err == nil && b
	case ours == "string" && (incumbent == "number" || incumbent == "integer" || incumbent == "boolean"):
		return params.String(map[string]any{"k": float64(20)}, "k") == "20" && params.String(map[string]any{"k": true}, "k") == "true"
	}
	return false
}

func TestCompatibleTypes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		incumbent, ours string
		ok              bool
	}{
		{"string", "string", true},
		{"number", "number", true},
		{"string", "number", true},
		{"string", "boolean", true},
		{"number", "string", true},
		{"boolean", "string", true},
		{"boolean", "number", false},
		{"string", "", false},
		{"string", "array", false},
	} {
		require.Equal(t, tc.ok, compatibleTypes(tc.incumbent, tc.ours), "%s -> %s", tc.incumbent, tc.ours)
	}
	require.True(t, slices.IsSorted(NotOfferedNames()))
}
