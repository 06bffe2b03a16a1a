package admin

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

func TestParseAdmins(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Person
		err  string
	}{
		{in: "", want: nil},
		{in: "U0ALICE1", want: []Person{{UserID: "U0ALICE1"}}},
		{in: " T0ACME1:U0BOB01 , W0GRID01", want: []Person{{TeamID: "T0ACME1", UserID: "U0BOB01"}, {UserID: "W0GRID01"}}},
		{in: "alice", err: `"alice" is not a Slack user ID`},
		{in: "T0ACME1:", err: "is not a Slack user ID"},
		{in: "x:U0BOB01", err: "team:user pair"},
	} {
		got, err := ParseAdmins(tc.in)
		if tc.err != "" {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	admins, _ := ParseAdmins("T1AA:U1AA,U2BB")
	assert.True(t, isAdmin(admins, "T1AA", "U1AA"))
	assert.False(t, isAdmin(admins, "T9ZZ", "U1AA"), "a team-scoped admin only there")
	assert.True(t, isAdmin(admins, "T9ZZ", "U2BB"))
	assert.False(t, isAdmin(admins, "T1AA", "U3CC"))
}

func FuzzParseAdmins(f *testing.F) {
	for _, s := range []string{"", "U0ALICE1", "T0ACME1:U0BOB01,W0GRID01", "x:y", ":", ",,", "T1:U1:U2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAdmins(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "SLACK_MCP_ADMINS: ") {
				t.Fatalf("error without the setting's name: %v", err)
			}
			return
		}
		for _, p := range got {
			if !params.IsUserID(p.UserID) || (p.TeamID != "" && !isTeamID(p.TeamID)) {
				t.Fatalf("ParseAdmins(%q) accepted %+v", s, p)
			}
		}
	})
}
