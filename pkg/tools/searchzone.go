package tools

import (
	"context"
	"time"
)

// searchZone is the time zone Slack reads the dates of after:, before:,
// on: and during: in: the searching user's (users.info tz), as the Slack
// client shows them (see slackemu's searchZone for what the docs say).
// "today", "yesterday" and "this week" are computed there, so a user in
// Auckland gets their today, not UTC's. UTC when the zone is unknown.
func searchZone(ctx context.Context, s *Session) *time.Location {
	if s.Users == nil || s.Client == nil || s.Client.Identity.UserID == "" {
		return time.UTC
	}
	u, err := s.Users.Get(ctx, s.Client.Identity.UserID)
	if err != nil || u.TZ == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(u.TZ)
	if err != nil {
		return time.UTC
	}
	return loc
}
