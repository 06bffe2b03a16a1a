package main

import (
	"fmt"
	"strings"
)

// parseTeamID reads SLACK_MCP_TEAM_ID: the workspace an Enterprise Grid
// org-wide token acts in. Workspace IDs start with T followed by upper-case
// letters and digits ("T0123ABCD"); "" means not set.
func parseTeamID(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	ok := len(v) >= 3 && len(v) <= 32 && v[0] == 'T'
	for _, r := range v[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			ok = false
		}
	}
	if !ok {
		return "", fmt.Errorf("SLACK_MCP_TEAM_ID %.40q: want a workspace ID such as T0123ABCD (Slack's auth.teams.list names them; an E... ID is the organization, not a workspace)", v)
	}
	return v, nil
}
