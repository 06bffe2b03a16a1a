package provider

import (
	"context"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// In OAuth (multi-user) mode an org-wide installation records no
// workspace (oauth.v2.access answers team: null); its session acts in the
// only workspace the app was added to, or answers which ones it could use.
func TestMultiOrgWideInstall(t *testing.T) {
	t.Parallel()
	const team, orgTok = "TGRID", "xoxp-org-wide-secret"
	for _, tc := range []struct {
		name    string
		teams   []slackemu.Team
		setting string
		wantErr string
	}{
		{name: "only workspace", teams: []slackemu.Team{{ID: team, Name: "Grid"}}},
		{name: "several, operator's choice", teams: []slackemu.Team{{ID: team, Name: "Grid"}, {ID: "TOTHER", Name: "Other"}}, setting: team},
		{name: "several, none chosen", teams: []slackemu.Team{{ID: team, Name: "Grid"}, {ID: "TOTHER", Name: "Other"}}, wantErr: "Grid (TGRID), Other (TOTHER)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := newWorkspace(team, 2)
			ws.SetEnterprise("EGRID")
			ws.SetOrgTeams(tc.teams...)
			ws.AddToken(orgTok, slackemu.Token{UserID: userID(0), Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes(), EnterpriseInstall: true})
			emu := newEmu(t, ws, slackemu.Options{})
			f, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, MaxRetries: -1, TeamID: tc.setting})
			require.NoError(t, err)
			m, _ := newMultiFor(t, f, nil)
			ctx := withCaller(t, m, orgTok)
			s, err := m.Session(ctx)
			require.NoError(t, err)
			assert.True(t, s.Client.Identity.IsEnterpriseInstall)
			chans, _, err := s.Client.GetConversationsContext(context.Background(), &slack.GetConversationsParameters{})
			if tc.wantErr != "" {
				msg, user := slackapi.Explain(err)
				require.True(t, user, "%v", err)
				assert.Contains(t, msg, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.NotEmpty(t, chans)
		})
	}
}
