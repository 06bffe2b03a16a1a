package tools

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

const (
	// profileFieldsTTL is how long a workspace's custom profile field
	// definitions (team.profile.get) are trusted: admins rarely change them.
	profileFieldsTTL = time.Hour
	// profileFieldsRecheck is how soon a failed team.profile.get may be
	// tried again.
	profileFieldsRecheck = time.Minute
)

// profileFieldCache keeps each workspace's custom profile field
// definitions, so users_profile labels a person's fields with one
// users.profile.get (Tier 4) instead of users.profile.get with
// include_labels, which Slack rate-limits far harder. The definitions
// belong to the workspace, so its callers share an entry; values always
// come from the caller's own users.profile.get. The zero value is ready.
type profileFieldCache struct {
	mu    sync.Mutex
	teams map[string]profileFieldEntry
}

type profileFieldEntry struct {
	fields  map[string]slack.TeamProfileField // nil when team.profile.get failed
	fetched time.Time
}

// definitions returns the field definitions by ID, or nil when Slack would
// not give them (the profile is then shown with field IDs).
func (c *profileFieldCache) definitions(ctx context.Context, s *Session, now time.Time) map[string]slack.TeamProfileField {
	team := s.Client.TeamParam()
	if team == "" {
		team = s.Client.Identity.TeamID
	}
	c.mu.Lock()
	e, ok := c.teams[team]
	c.mu.Unlock()
	if ok && (now.Sub(e.fetched) < profileFieldsTTL && e.fields != nil || now.Sub(e.fetched) < profileFieldsRecheck) {
		return e.fields
	}
	e = profileFieldEntry{fetched: now}
	var teamArg []string
	if t := s.Client.TeamParam(); t != "" {
		teamArg = []string{t}
	}
	if p, err := s.Client.GetTeamProfileContext(ctx, teamArg...); err == nil {
		e.fields = make(map[string]slack.TeamProfileField, len(p.Fields))
		for _, f := range p.Fields {
			e.fields[f.ID] = f
		}
	}
	c.mu.Lock()
	if c.teams == nil {
		c.teams = map[string]profileFieldEntry{}
	}
	c.teams[team] = e
	c.mu.Unlock()
	return e.fields
}
