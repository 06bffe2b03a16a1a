package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

const (
	orgToken   = "xoxp-test-org-wide-token-123456"
	otherTeam  = "T0OTHER001"
	gridOrgID  = "E0GRID0001"
	unusedTeam = "T0NOPE0001"
)

// gridFixture is the test workspace inside an Enterprise Grid
// organization, with an org-wide install's token; teams are the
// workspaces the install was granted.
func gridFixture(teams ...slackemu.Team) *slackemu.Workspace {
	ws := fixture()
	ws.SetEnterprise(gridOrgID)
	ws.SetOrgTeams(teams...)
	ws.AddToken(orgToken, slackemu.Token{UserID: meID, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes(), EnterpriseInstall: true})
	return ws
}

// An org-wide token must name the workspace (team_id) on list and search
// calls; the server picks it from SLACK_MCP_TEAM_ID or the only workspace
// the token reaches, and otherwise names the workspaces it could use.
func TestOrgWideInstall(t *testing.T) {
	t.Parallel()
	ours := slackemu.Team{ID: teamID, Name: "Test Co"}
	other := slackemu.Team{ID: otherTeam, Name: "Other Co"}
	calls := []struct {
		tool string
		args map[string]any
		want string
	}{
		{"channels_list", map[string]any{"channel_types": "public_channel"}, "general"},
		{"conversations_search_messages", map[string]any{"search_query": "deploy"}, "Deploy plan"},
		{"users_search", map[string]any{"query": "alice"}, "Alice Anders"},
	}
	for _, tc := range []struct {
		name    string
		teams   []slackemu.Team
		setting string
		wantErr []string
	}{
		{name: "several workspaces, none chosen", teams: []slackemu.Team{ours, other},
			wantErr: []string{"org-wide install", "Test Co (" + teamID + ")", "Other Co (" + otherTeam + ")", "SLACK_MCP_TEAM_ID"}},
		{name: "SLACK_MCP_TEAM_ID chosen", teams: []slackemu.Team{ours, other}, setting: teamID},
		{name: "the only workspace", teams: []slackemu.Team{ours}},
		{name: "SLACK_MCP_TEAM_ID not reachable", teams: []slackemu.Team{ours, other}, setting: unusedTeam,
			wantErr: []string{"SLACK_MCP_TEAM_ID=" + unusedTeam + " is not a workspace", "Other Co (" + otherTeam + ")"}},
		{name: "not added to any workspace yet", teams: []slackemu.Team{},
			wantErr: []string{"has not been added to any workspace"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{ws: gridFixture(tc.teams...), token: orgToken,
				factory: func(o *slackapi.Options) { o.TeamID = tc.setting }})
			for _, c := range calls {
				res := e.call(t, c.tool, c.args)
				if tc.wantErr != nil {
					require.True(t, res.IsError, "%s: %s", c.tool, text(res))
					for _, w := range tc.wantErr {
						assert.Contains(t, text(res), w, c.tool)
					}
					continue
				}
				require.False(t, res.IsError, "%s: %s", c.tool, text(res))
				assert.Contains(t, text(res), c.want, c.tool)
			}
			if tc.wantErr != nil {
				assert.Zero(t, e.emu.Calls("conversations.list")+e.emu.Calls("users.list")+e.emu.Calls("search.messages"),
					"no team-scoped call reaches Slack without a workspace")
			}
		})
	}
}

// A workspace-level token in a grid is unaffected by SLACK_MCP_TEAM_ID
// (Slack ignores team_id for it).
func TestTeamIDIgnoredForWorkspaceTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{ws: gridFixture(slackemu.Team{ID: teamID, Name: "Test Co"}), factory: func(o *slackapi.Options) { o.TeamID = otherTeam }})
	res := e.call(t, "channels_list", map[string]any{"channel_types": "public_channel"})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "general")
	assert.Zero(t, e.emu.Calls("auth.teams.list"))
}
