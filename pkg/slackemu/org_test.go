package slackemu

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// An org-wide install's token must name a granted workspace with team_id
// on team-scoped methods; workspace tokens' team_id is ignored.
func TestOrgWideTokenNeedsTeamID(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.SetEnterprise("E0ORG")
	w.SetOrgTeams(Team{ID: tTeam, Name: "Fixture"}, Team{ID: "T0SECOND", Name: "Second"})
	w.AddToken("xoxp-org", Token{UserID: uAlice, Kind: UserToken, Scopes: AllUserScopes(), EnterpriseInstall: true})
	srv := start(t, w, Options{})
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

	for _, method := range []string{"conversations.list", "users.list", "users.conversations", "search.messages", "usergroups.list"} {
		for _, tc := range []struct {
			token, team, want string // want: error code, "" for ok
		}{
			{"xoxp-org", "", "missing_argument"},
			{"xoxp-org", "T0ELSEWHERE", "team_access_not_granted"},
			{"xoxp-org", tTeam, ""},
			{"xoxp-org", "T0SECOND", ""},
			{tokAlice, "", ""},
			{tokAlice, "T0ELSEWHERE", ""},
		} {
			form := url.Values{"query": {"hello"}}
			if tc.team != "" {
				form.Set("team_id", tc.team)
			}
			_, m := rawCall(t, srv, method, bearer(tc.token), form)
			if tc.want == "" {
				require.Equal(t, true, m["ok"], "%s %s team=%q: %v", method, tc.token, tc.team, m)
				continue
			}
			require.Equal(t, tc.want, m["error"], "%s %s team=%q", method, tc.token, tc.team)
		}
	}

	_, m := rawCall(t, srv, "auth.test", bearer("xoxp-org"), nil)
	require.Equal(t, true, m["is_enterprise_install"])
	require.Equal(t, "", m["team_id"])
	require.Equal(t, "E0ORG", m["enterprise_id"])
	_, m = rawCall(t, srv, "auth.test", bearer(tokAlice), nil)
	require.Equal(t, tTeam, m["team_id"])
}

func TestAuthTeamsList(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.SetOrgTeams(Team{ID: "T1", Name: "One"}, Team{ID: "T2", Name: "Two"}, Team{ID: "T3", Name: "Three"})
	w.AddToken("xoxb-org", Token{UserID: uBot, Kind: BotToken, Scopes: BotScopes(), EnterpriseInstall: true})
	srv := start(t, w, Options{})

	var ids []string
	cursor := ""
	for range 5 {
		page, next, err := client(srv, "xoxb-org").ListTeams(slackListTeams(2, cursor))
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), 2)
		for _, tm := range page {
			ids = append(ids, tm.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"T1", "T2", "T3"}, ids)

	page, _, err := client(srv, tokAlice).ListTeams(slackListTeams(0, ""))
	require.NoError(t, err)
	require.Len(t, page, 1, "a workspace token lists its own workspace")
	require.Equal(t, tTeam, page[0].ID)

	_, _, err = client(srv, tokAlice).ListTeams(slackListTeams(0, "bm90LWEtY3Vyc29y"))
	requireSlackErr(t, err, "invalid_cursor")
}

func slackListTeams(limit int, cursor string) slack.ListTeamsParameters {
	return slack.ListTeamsParameters{Limit: limit, Cursor: cursor}
}
