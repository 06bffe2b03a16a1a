package slackapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/slack-go/slack"
)

// teamScoped lists the methods we call that take team_id and require it
// from an org-level token (an Enterprise Grid org-wide install). Each
// method's reference page on docs.slack.dev says of team_id "required if
// org token is used" (conversations.list: "required if token belongs to
// org-wide app"), and docs.slack.dev/enterprise "Changes to APIs for
// organization-wide apps" says a workspace-level token's team_id is
// ignored, so sending it never hurts.
var teamScoped = map[string]bool{
	"conversations.list":      true,
	"users.list":              true,
	"users.conversations":     true,
	"search.messages":         true,
	"search.all":              true,
	"search.files":            true,
	"usergroups.list":         true,
	"usergroups.users.list":   true,
	"usergroups.users.update": true,
	"usergroups.create":       true,
	"usergroups.update":       true,
	"usergroups.enable":       true,
	"usergroups.disable":      true,
}

// TeamScoped reports whether method takes the team_id an org-level token
// must send.
func TeamScoped(method string) bool { return teamScoped[method] }

// Team is a workspace an org-level token can reach (auth.teams.list).
type Team struct{ ID, Name string }

func (t Team) String() string {
	if t.Name == "" {
		return t.ID
	}
	return t.Name + " (" + t.ID + ")"
}

// TeamChoiceError means an org-level token has no workspace to act in:
// none was chosen and it reaches several or none, or the chosen one
// (Chosen) is not among those it reaches.
type TeamChoiceError struct {
	Teams  []Team
	Chosen string
}

func (e *TeamChoiceError) Error() string {
	const org = "This token belongs to an Enterprise Grid org-wide install, so Slack needs to know which workspace to act in. "
	reach := make([]string, len(e.Teams))
	for i, t := range e.Teams {
		reach[i] = t.String()
	}
	switch {
	case len(e.Teams) == 0:
		return org + "The app has not been added to any workspace of the organization yet: an org admin must add it to a workspace, then retry."
	case e.Chosen != "":
		return fmt.Sprintf("SLACK_MCP_TEAM_ID=%s is not a workspace this org-wide token can reach. It can reach: %s. Set SLACK_MCP_TEAM_ID to one of these IDs and restart.",
			e.Chosen, strings.Join(reach, ", "))
	default:
		return org + "It can reach: " + strings.Join(reach, ", ") + ". Set SLACK_MCP_TEAM_ID to one of these IDs and restart."
	}
}

// OrgLevel reports whether the token is org-level: an Enterprise Grid
// org-wide install, or a grid token auth.test named no workspace for.
func (id Identity) OrgLevel() bool {
	return id.IsEnterpriseInstall || (id.EnterpriseID != "" && id.TeamID == "")
}

// maxTeamPages bounds auth.teams.list paging (1000 workspaces a page).
const maxTeamPages = 10

// Teams lists the workspaces the token can reach (auth.teams.list),
// sorted by ID.
func (c *Client) Teams(ctx context.Context) ([]Team, error) {
	var out []Team
	cursor := ""
	for range maxTeamPages {
		page, next, err := c.ListTeamsContext(ctx, slack.ListTeamsParameters{Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, t := range page {
			out = append(out, Team{ID: t.ID, Name: t.Name})
		}
		if next == "" {
			break
		}
		cursor = next
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ChooseTeam settles the workspace an org-level client acts in and checks
// it with auth.teams.list: the explicit choice (Options.TeamID or
// TargetTeamID) when the token reaches it, else the workspace auth.test
// named, else the only workspace the token reaches. Otherwise it returns
// *TeamChoiceError naming the workspaces. Workspace-level clients answer
// their own team without a Slack call.
func (c *Client) ChooseTeam(ctx context.Context) (string, error) {
	if !c.Identity.OrgLevel() {
		return c.Identity.TeamID, nil
	}
	teams, err := c.Teams(ctx)
	if err != nil {
		return "", err
	}
	has := func(id string) bool {
		for _, t := range teams {
			if t.ID == id {
				return true
			}
		}
		return false
	}
	if want := c.TargetTeamID; want != "" {
		if !has(want) {
			return "", &TeamChoiceError{Teams: teams, Chosen: want}
		}
		return want, nil
	}
	if t := c.TeamParam(); t != "" && has(t) {
		return t, nil
	}
	if len(teams) != 1 {
		return "", &TeamChoiceError{Teams: teams}
	}
	c.org.set(teams[0].ID)
	return teams[0].ID, nil
}

// orgTeam is the workspace an org-level client settled on lazily (the
// only one its token reaches), shared by the client's requests.
type orgTeam struct {
	mu   sync.Mutex
	team string
}

func (o *orgTeam) get() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.team
}

func (o *orgTeam) set(team string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.team = team
}

// teamFor returns the team_id an org-level client sends on team-scoped
// methods: TeamParam, else the workspace settled earlier, else the only
// workspace auth.teams.list names (then remembered). "" for
// workspace-level clients, which need none.
func (c *Client) teamFor(ctx context.Context) (string, error) {
	if !c.Identity.OrgLevel() {
		return "", nil
	}
	if t := c.TeamParam(); t != "" {
		return t, nil
	}
	if t := c.org.get(); t != "" {
		return t, nil
	}
	return c.ChooseTeam(ctx)
}

// withTeamID returns req carrying team_id=team in its query, form or JSON
// body, unless it already names a team.
func withTeamID(req *http.Request, team string) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		q := req.URL.Query()
		if q.Get("team_id") != "" {
			return req, nil
		}
		q.Set("team_id", team)
		r := req.Clone(req.Context())
		r.URL.RawQuery = q.Encode()
		return r, nil
	}
	raw, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil && m != nil {
			if _, ok := m["team_id"]; !ok {
				m["team_id"], _ = json.Marshal(team)
				raw, _ = json.Marshal(m)
			}
		}
	default: // slack-go posts application/x-www-form-urlencoded
		if v, err := url.ParseQuery(string(raw)); err == nil && v.Get("team_id") == "" {
			v.Set("team_id", team)
			raw = []byte(v.Encode())
		}
	}
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(raw))
	r.ContentLength = int64(len(raw))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	return r, nil
}
