package main

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTeamIDSetting(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value, want, wantErr string
	}{
		{"", "", ""},
		{" T0123ABCD ", "T0123ABCD", ""},
		{"E0123ABCD", "", "organization, not a workspace"},
		{"t0123abcd", "", "SLACK_MCP_TEAM_ID"},
		{"T", "", "SLACK_MCP_TEAM_ID"},
		{"T01-23", "", "SLACK_MCP_TEAM_ID"},
	} {
		c, err := parseConfig(nil, envOf(map[string]string{"SLACK_MCP_XOXP_TOKEN": "x", "SLACK_MCP_TEAM_ID": tc.value}), io.Discard)
		if tc.wantErr != "" {
			require.ErrorContains(t, err, tc.wantErr, tc.value)
			continue
		}
		require.NoError(t, err, tc.value)
		require.Equal(t, tc.want, c.TeamID)
	}
}

func FuzzParseTeamID(f *testing.F) {
	for _, s := range []string{"", "T0123ABCD", "E1", " T1 ", "T\x00", "Tä"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseTeamID(s)
		if err != nil {
			require.Empty(t, id)
			require.LessOrEqual(t, len(err.Error()), 400, "the message quotes at most 40 characters of the value")
			return
		}
		if id != "" {
			require.True(t, strings.HasPrefix(id, "T"))
			require.Equal(t, strings.TrimSpace(s), id)
		}
	})
}
