package server

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

func names(ts []tools.Tool) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestSelectTools(t *testing.T) {
	t.Parallel()
	catalog := tools.Catalog()
	tests := []struct {
		name    string
		enabled []string
		open    map[tools.Gate]bool
		has     []string
		hasNot  []string
		wantErr string
	}{
		{name: "defaults are read tools", has: []string{"conversations_history", "usergroups_list"}, hasNot: []string{"conversations_add_message", "reactions_add", "attachment_get_data", "conversations_mark", "usergroups_create", "usergroups_me"}},
		{name: "a gate opens its tools", open: map[tools.Gate]bool{tools.GateReactions: true}, has: []string{"reactions_add", "reactions_remove"}, hasNot: []string{"conversations_add_message"}},
		{name: "enabled tools restrict", enabled: []string{"channels_list"}, has: []string{"channels_list"}, hasNot: []string{"conversations_history"}},
		{name: "an enabled write tool is on without its gate", enabled: []string{"conversations_add_message", " "}, has: []string{"conversations_add_message"}},
		{name: "unknown names list the valid ones", enabled: []string{"conversations_histroy"}, wantErr: "conversations_histroy"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := SelectTools(catalog, tc.enabled, tc.open)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.ErrorContains(t, err, "valid names: channels_list")
				return
			}
			require.NoError(t, err)
			for _, n := range tc.has {
				require.Contains(t, names(got), n)
			}
			for _, n := range tc.hasNot {
				require.NotContains(t, names(got), n)
			}
		})
	}
}
