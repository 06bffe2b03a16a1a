package admin

import (
	"fmt"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Person is an admin: a Slack user, in one workspace or (TeamID empty) in
// any (Enterprise Grid user IDs are global).
type Person struct{ TeamID, UserID string }

// isTeamID accepts a workspace (T…) or an Enterprise Grid org (E…).
func isTeamID(s string) bool { return params.IsTeamID(s) || params.IsEnterpriseID(s) }

// ParseAdmins reads SLACK_MCP_ADMINS: comma-separated user IDs, each
// optionally prefixed with its team ("T0123:U0456").
func ParseAdmins(s string) ([]Person, error) {
	var out []Person
	for _, raw := range strings.Split(s, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		team, user, scoped := strings.Cut(raw, ":")
		if !scoped {
			team, user = "", raw
		}
		if !params.IsUserID(user) || (scoped && !isTeamID(team)) {
			return nil, fmt.Errorf("SLACK_MCP_ADMINS: %q is not a Slack user ID (U…) or team:user pair (T…:U…)", clip(raw))
		}
		out = append(out, Person{TeamID: team, UserID: user})
	}
	return out, nil
}

// isAdmin reports whether the person of (teamID, userID) is named.
func isAdmin(admins []Person, teamID, userID string) bool {
	for _, a := range admins {
		if a.UserID == userID && (a.TeamID == "" || a.TeamID == teamID) {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
