package slackemu

import "slices"

// Enterprise Grid org-wide installs.
//
// A token with Token.EnterpriseInstall belongs to an app installed on the
// whole organization. Slack documents (docs.slack.dev/enterprise, "Changes
// to APIs for organization-wide apps", and each method's team_id argument,
// "required if org token is used") that such a token must name the
// workspace with team_id on the methods wrapped by orgScoped; workspace
// tokens' team_id is ignored. What Slack answers without it is not on
// those pages: we answer missing_argument, as Slack is reported to do. A
// team_id naming a workspace the app was not granted answers
// team_access_not_granted (documented for these methods: "The token used
// is not granted the specific workspace access required to complete this
// request").
//
// The emulator holds one workspace's data: a team_id naming any granted
// workspace is served from it.

// SetEnterprise makes the workspace part of the Enterprise Grid
// organization id (auth.test and team.info report it).
func (w *Workspace) SetEnterprise(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.team.EnterpriseID = id
}

// SetOrgTeams sets the workspaces an org-wide app was granted, as
// auth.teams.list lists them (none when called without teams); until it
// is called, only the workspace itself.
func (w *Workspace) SetOrgTeams(teams ...Team) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.orgTeams = append([]Team{}, teams...)
}

// grantedTeamsLocked is what auth.teams.list answers. The caller holds w.mu.
func (w *Workspace) grantedTeamsLocked() []Team {
	if w.orgTeams != nil {
		return w.orgTeams
	}
	return []Team{w.team}
}

// orgTokenTeamID is the team_id auth.test reports. For an org-wide token
// auth.test's reference page (docs.slack.dev/reference/methods/auth.test)
// shows no example; we answer "" with enterprise_id set, as
// is_enterprise_install installs have no single workspace (oauth.v2.access
// answers team: null for them). Our product also accepts the
// organization's ID here (slackapi.Client.TeamParam).
func orgTokenTeamID(t Token, team Team) string {
	if t.EnterpriseInstall {
		return ""
	}
	return team.ID
}

// orgScoped wraps a method that needs team_id from org-wide tokens.
func orgScoped(fn func(*call) (obj, error)) func(*call) (obj, error) {
	return func(c *call) (obj, error) {
		if !c.token.EnterpriseInstall {
			return fn(c)
		}
		team := c.p.Get("team_id")
		if team == "" {
			return nil, fail("missing_argument")
		}
		if !slices.ContainsFunc(c.w.grantedTeamsLocked(), func(t Team) bool { return t.ID == team }) {
			return nil, fail("team_access_not_granted")
		}
		return fn(c)
	}
}

// authTeamsList answers auth.teams.list
// (docs.slack.dev/reference/methods/auth.teams.list): the workspaces an
// org-wide app was approved for, paginated (limit default 100, at most
// 1000). For a workspace token the page does not say; we list its own
// workspace.
func authTeamsList(c *call) (obj, error) {
	limit, err := c.limit(100, 1000)
	if err != nil {
		return nil, err
	}
	teams := []Team{c.w.team}
	if c.token.EnterpriseInstall {
		teams = c.w.grantedTeamsLocked()
	}
	page, next, err := paginate(teams, func(t Team) string { return t.ID }, "team", c.p.Get("cursor"), limit)
	if err != nil {
		return nil, err
	}
	out := make([]obj, len(page))
	for i, t := range page {
		out[i] = obj{"id": t.ID, "name": t.Name}
	}
	return obj{"teams": out, "response_metadata": meta(next)}, nil
}
