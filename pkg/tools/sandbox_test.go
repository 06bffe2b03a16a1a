package tools

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// In the demo sandbox every write tool says that it writes to the sandbox,
// not Slack, and no longer names a setting that would enable it (issue 8).
func TestWriteToolDescriptionsInTheSandbox(t *testing.T) {
	t.Parallel()
	writes := 0
	for _, tool := range Catalog() {
		got := tool.ForSandbox()
		if tool.ReadOnly {
			require.Equal(t, tool.Description, got.Description, tool.Name)
			continue
		}
		writes++
		require.Contains(t, got.Description, "never real Slack", tool.Name)
		require.NotContains(t, got.Description, "Off unless", tool.Name)
		require.NotContains(t, got.Description, "enablement", tool.Name)
		require.NotContains(t, got.Description, "SLACK_MCP_", tool.Name)
		require.NotContains(t, got.Description, "  ", tool.Name)
	}
	require.NotZero(t, writes)
}
