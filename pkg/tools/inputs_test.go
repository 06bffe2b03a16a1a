package tools

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every numeric argument with a maximum states in its description the
// range its schema declares, and what 0 (allowed by minimum 0) means, so
// a model reading either learns the same thing (issue 8).
func TestCountSchemasMatchDescriptions(t *testing.T) {
	t.Parallel()
	checked := 0
	for _, tool := range Catalog() {
		raw, err := json.Marshal(tool.MCPTool().InputSchema)
		require.NoError(t, err)
		var schema struct {
			Properties map[string]struct {
				Type        string   `json:"type"`
				Minimum     *float64 `json:"minimum"`
				Maximum     *float64 `json:"maximum"`
				Default     any      `json:"default"`
				Description string   `json:"description"`
			} `json:"properties"`
		}
		require.NoError(t, json.Unmarshal(raw, &schema))
		for name, p := range schema.Properties {
			if p.Maximum == nil {
				continue
			}
			checked++
			t.Run(tool.Name+"/"+name, func(t *testing.T) {
				require.NotNil(t, p.Minimum, "a maximum without a minimum")
				require.Equal(t, 0.0, *p.Minimum, "0 means the default, so minimum is 0")
				want := fmt.Sprintf("1-%d (default %v; 0 also means %v)", int(*p.Maximum), p.Default, p.Default)
				require.True(t, strings.Contains(p.Description, want), "description %q should state %q", p.Description, want)
			})
		}
	}
	require.NotZero(t, checked)
}
