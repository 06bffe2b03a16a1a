package tools

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Directory kinds served as resources slack://<workspace>/<kind>.
const (
	DirectoryChannels = "channels"
	DirectoryUsers    = "users"
)

// WorkspaceName is the <workspace> part of resource URIs: the first label
// of the workspace URL (acme for https://acme.slack.com/), else the team ID.
func WorkspaceName(s *Session) string {
	id := s.Client.Identity
	if u, err := url.Parse(id.URL); err == nil {
		host := u.Hostname()
		if label, _, ok := strings.Cut(host, "."); ok && label != "" && !isDigits(label) {
			return label
		}
	}
	return id.TeamID
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// DirectoryCSV renders the caller's channels or users directory as CSV.
// workspace must name the caller's own workspace: one tenant never reads
// another's directory by guessing a URI.
func DirectoryCSV(ctx context.Context, d *Deps, workspace, kind string) (string, error) {
	spaces, err := listingWorkspaces(ctx, d)
	if err != nil {
		return "", err
	}
	if spaces != nil {
		// Several workspaces: the URI names one as the workspace argument does.
		if ctx, err = InWorkspace(ctx, d, workspace); err != nil {
			return "", err
		}
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return "", err
	}
	if own := WorkspaceName(s); spaces == nil && workspace != own && workspace != s.Client.Identity.TeamID {
		return "", Inputf("unknown workspace %q; yours is %q", workspace, own)
	}
	if err := recheck(ctx, d); err != nil {
		return "", err
	}
	switch kind {
	case DirectoryChannels:
		var rows []Channel
		for _, c := range s.Channels.All() {
			rows = append(rows, Channel{ID: c.ID, Name: channelLabel(s, c), Topic: c.Topic, Purpose: c.Purpose, MemberCount: c.MemberCount, Type: channelType(c)})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
		return csvText(rows), nil
	case DirectoryUsers:
		if err := s.Users.Err(); err != nil {
			return "", err
		}
		var rows []User
		for _, u := range s.Users.All() {
			rows = append(rows, User{UserID: u.ID, UserName: u.Name, RealName: u.RealName, DisplayName: u.DisplayName, Email: u.Email, Title: u.Title, IsBot: u.IsBot, Deleted: u.Deleted})
		}
		return csvText(rows), nil
	default:
		return "", fmt.Errorf("unknown directory %q", kind)
	}
}
