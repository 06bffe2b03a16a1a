package tools

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseChannelPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
		wantErr     string
		allowed     []string
		denied      []string
	}{
		{name: "empty is off", value: "", denied: []string{"C1"}},
		{name: "false is off", value: "false", denied: []string{"C1"}},
		{name: "true is everywhere", value: "true", allowed: []string{"C1", "D2"}},
		{name: "allow list", value: "C1, C2", allowed: []string{"C1", "C2"}, denied: []string{"C3"}},
		{name: "deny list", value: "!C1,!C2", allowed: []string{"C3"}, denied: []string{"C1", "C2"}},
		{name: "mixed", value: "C1,!C2", wantErr: "mix of allowed"},
		{name: "garbage", value: "general", wantErr: "not a channel ID"},
		{name: "only commas", value: ",,", wantErr: "no channel IDs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParseChannelPolicy("SLACK_MCP_ADD_MESSAGE_TOOL", tc.value)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.ErrorContains(t, err, "SLACK_MCP_ADD_MESSAGE_TOOL")
				return
			}
			require.NoError(t, err)
			for _, c := range tc.allowed {
				require.True(t, p.Allows(c), c)
			}
			for _, c := range tc.denied {
				require.False(t, p.Allows(c), c)
			}
		})
	}
}

func TestUnfurlPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		links []string
		want  bool
	}{
		{"", []string{"https://example.com"}, false},
		{"true", []string{"https://anything.io"}, true},
		{"example.com", []string{"https://example.com/x", "https://docs.example.com"}, true},
		{"example.com", []string{"https://example.com/x", "https://evil.com"}, false},
		{"example.com", []string{"https://notexample.com"}, false},
		{"example.com", nil, false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, ParseUnfurlPolicy(tc.value).Unfurl(tc.links), "%q %v", tc.value, tc.links)
	}
}
