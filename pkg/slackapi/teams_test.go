package slackapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

const testOrgToken = "xoxp-org-wide"

func orgEmu(t *testing.T, teams ...slackemu.Team) *slackemu.Server {
	t.Helper()
	ws := emuWorkspace()
	ws.SetOrgTeams(teams...)
	ws.AddToken(testOrgToken, slackemu.Token{UserID: "U1", Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes(), EnterpriseInstall: true})
	srv := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(srv.Close)
	return srv
}

// The one place that adds team_id: every team-scoped call of an org-level
// client carries the chosen workspace; others and workspace tokens don't
// need it.
func TestOrgClientSendsTeamID(t *testing.T) {
	t.Parallel()
	acme, beta := slackemu.Team{ID: "T1", Name: "Acme"}, slackemu.Team{ID: "T2", Name: "Beta"}
	for _, tc := range []struct {
		name    string
		teams   []slackemu.Team
		setting string
		token   string
		want    string // chosen team, "" for none
		wantErr string // in the error message
	}{
		{"setting", []slackemu.Team{acme, beta}, "T1", testOrgToken, "T1", ""},
		{"only workspace", []slackemu.Team{beta}, "", testOrgToken, "T2", ""},
		{"several, none chosen", []slackemu.Team{acme, beta}, "", testOrgToken, "", "Acme (T1), Beta (T2)"},
		{"setting unreachable", []slackemu.Team{acme}, "T9", testOrgToken, "", "SLACK_MCP_TEAM_ID=T9 is not a workspace"},
		{"workspace token", []slackemu.Team{acme, beta}, "T2", testUserToken, "T1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := orgEmu(t, tc.teams...)
			f, err := NewFactory(Options{BaseURL: emu.URL, TeamID: tc.setting, Logger: zerolog.Nop()})
			require.NoError(t, err)
			c, err := f.Connect(context.Background(), Credentials{Token: tc.token})
			require.NoError(t, err)
			team, err := c.ChooseTeam(context.Background())
			_, _, listErr := c.GetConversationsContext(context.Background(), &slack.GetConversationsParameters{})
			_, usersErr := c.GetUsersContext(context.Background())
			if tc.setting != "" && tc.wantErr != "" {
				// The choice is checked at start (ChooseTeam); calls made
				// anyway get Slack's answer.
				assert.Equal(t, "team_access_not_granted", SlackErrorCode(listErr))
				assert.Equal(t, "team_access_not_granted", SlackErrorCode(usersErr))
				listErr, usersErr = err, err
			}
			if tc.wantErr != "" {
				for _, e := range []error{err, listErr, usersErr} {
					var choice *TeamChoiceError
					require.ErrorAs(t, e, &choice)
					msg, user := Explain(e)
					assert.True(t, user)
					assert.Contains(t, msg, tc.wantErr)
				}
				if tc.setting == "" {
					assert.Zero(t, emu.Calls("conversations.list")+emu.Calls("users.list"), "nothing sent without a workspace")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, team)
			require.NoError(t, listErr)
			require.NoError(t, usersErr)
		})
	}
}

func TestWithTeamID(t *testing.T) {
	t.Parallel()
	read := func(r *http.Request) string {
		if r.Body == nil {
			return ""
		}
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		return string(b)
	}
	for _, tc := range []struct {
		name, method, ct, body, query string
		wantBody, wantQuery           string
	}{
		{"query", http.MethodGet, "", "", "query=x", "", "query=x&team_id=T1"},
		{"query keeps its team", http.MethodGet, "", "", "team_id=T5", "", "team_id=T5"},
		{"form", http.MethodPost, "application/x-www-form-urlencoded", "limit=5", "", "limit=5&team_id=T1", ""},
		{"form keeps its team", http.MethodPost, "application/x-www-form-urlencoded", "team_id=T5", "", "team_id=T5", ""},
		{"json", http.MethodPost, "application/json", `{"limit":5}`, "", `{"limit":5,"team_id":"T1"}`, ""},
		{"json keeps its team", http.MethodPost, "application/json; charset=utf-8", `{"team_id":"T5"}`, "", `{"team_id":"T5"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := &url.URL{Scheme: "http", Host: "x", Path: "/api/users.list", RawQuery: tc.query}
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, u.String(), body)
			require.NoError(t, err)
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			got, err := withTeamID(req, "T1")
			require.NoError(t, err)
			assert.Equal(t, tc.wantQuery, got.URL.RawQuery)
			if tc.ct == "application/json" {
				assert.JSONEq(t, tc.wantBody, read(got))
			} else {
				assert.Equal(t, tc.wantBody, read(got))
			}
			if got.GetBody != nil {
				again, err := got.GetBody()
				require.NoError(t, err)
				b, _ := io.ReadAll(again)
				assert.Equal(t, int64(len(b)), got.ContentLength)
			}
		})
	}
}

func TestTeamChoiceErrorMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  TeamChoiceError
		want string
	}{
		{TeamChoiceError{}, "has not been added to any workspace"},
		{TeamChoiceError{Teams: []Team{{ID: "T1"}, {ID: "T2", Name: "Two"}}}, "It can reach: T1, Two (T2). Set SLACK_MCP_TEAM_ID"},
		{TeamChoiceError{Teams: []Team{{ID: "T1", Name: "One"}}, Chosen: "T3"}, "SLACK_MCP_TEAM_ID=T3 is not a workspace this org-wide token can reach. It can reach: One (T1)."},
	} {
		assert.Contains(t, tc.err.Error(), tc.want)
	}
}
