package tools

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseWorkspaceRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   map[string]string
		err  string
		// allows lists channel -> expected for GateAddMessage
		allows map[string]bool
		closed []Gate
	}{
		{name: "empty", in: map[string]string{}},
		{name: "channel list", in: map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "C1,C2"}, allows: map[string]bool{"C1": true, "C3": false}},
		{name: "deny list", in: map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "!C1"}, allows: map[string]bool{"C1": false, "C3": true}},
		{name: "switches", in: map[string]string{"SLACK_MCP_STATUS_TOOL": "false", "SLACK_MCP_CANVAS_TOOL": "true", "SLACK_MCP_MARK_TOOL": ""},
			closed: []Gate{GateStatus, GateMark}},
		{name: "unknown setting", in: map[string]string{"SLACK_MCP_PORT": "1"}, err: "is not a write tool setting"},
		{name: "switch with channels", in: map[string]string{"SLACK_MCP_STATUS_TOOL": "C1"}, err: "use true or false"},
		{name: "mixed list", in: map[string]string{"SLACK_MCP_ADD_MESSAGE_TOOL": "C1,!C2"}, err: "SLACK_MCP_ADD_MESSAGE_TOOL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseWorkspaceRules(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			for ch, want := range tc.allows {
				assert.Equal(t, want, got[GateAddMessage].Allows(ch), ch)
			}
			for _, g := range tc.closed {
				assert.False(t, got[g].Enabled, g)
			}
		})
	}
}

func FuzzParseWorkspaceRules(f *testing.F) {
	for _, s := range []string{"true", "false", "", "C1,C2", "!C1", "C1,!C2", ",", "!"} {
		f.Add("SLACK_MCP_ADD_MESSAGE_TOOL", s)
		f.Add("SLACK_MCP_STATUS_TOOL", s)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		got, err := ParseWorkspaceRules(map[string]string{name: value})
		if err != nil {
			if err.Error() == "" || strings.Contains(err.Error(), "\x00") && !strings.Contains(name+value, "\x00") {
				t.Fatalf("unhelpful error %q", err)
			}
			return
		}
		if len(got) != 1 {
			t.Fatalf("ParseWorkspaceRules(%q: %q) = %d rules", name, value, len(got))
		}
	})
}
