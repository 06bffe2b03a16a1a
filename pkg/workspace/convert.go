package workspace

import (
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// userFromSlack is the one conversion from slack.User. It keeps only what
// tools show or match on, so 50,000 users stay a few megabytes.
func userFromSlack(su *slack.User) User {
	u := User{
		ID:           su.ID,
		Name:         su.Name,
		RealName:     su.RealName,
		DisplayName:  su.Profile.DisplayName,
		Email:        su.Profile.Email,
		Title:        su.Profile.Title,
		TZ:           su.TZ,
		IsBot:        su.IsBot,
		Deleted:      su.Deleted,
		IsRestricted: su.IsRestricted || su.IsUltraRestricted,
	}
	if u.RealName == "" {
		u.RealName = su.Profile.RealName
	}
	return u
}

// channelFromSlack is the one conversion from slack.Channel. An IM is named
// after its peer's user ID; MPIMs keep Slack's "mpdm-a--b-1" names.
func channelFromSlack(sc *slack.Channel) Channel {
	c := Channel{
		ID:          sc.ID,
		Name:        sc.Name,
		Topic:       sc.Topic.Value,
		Purpose:     sc.Purpose.Value,
		MemberCount: sc.NumMembers,
		IsPrivate:   sc.IsPrivate || sc.IsGroup || sc.IsIM || sc.IsMpIM,
		IsIM:        sc.IsIM,
		IsMPIM:      sc.IsMpIM,
		IsArchived:  sc.IsArchived,
		IsExtShared: sc.IsExtShared,
		// conversations.list shows a user token only the private channels
		// it is in; is_member is documented for the public ones.
		IsMember: sc.IsMember || sc.IsIM || sc.IsMpIM || sc.IsPrivate || sc.IsGroup,
		Created:  int64(sc.Created),
	}
	if c.Name == "" {
		c.Name = sc.NameNormalized
	}
	if c.MemberCount == 0 && len(sc.Members) > 0 {
		c.MemberCount = len(sc.Members)
	}
	if c.IsIM {
		c.PeerUserID = sc.User
		c.Name = sc.User
	}
	return c
}

// isNotFoundCode reports the Slack error codes that mean "no such user or
// conversation".
func isNotFoundCode(code string) bool {
	switch code {
	case "user_not_found", "users_not_found", "channel_not_found":
		return true
	}
	return false
}

// apiError wraps an error of a targeted Slack call, adding ErrNotFound when
// Slack said the object does not exist. key (an ID) may be "" to keep it
// out of the text, as for emails.
func apiError(method, key string, err error) error {
	what := method
	if key != "" {
		what += " " + key
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && isNotFoundCode(se.Err) {
		return fmt.Errorf("%w: %s: %w", ErrNotFound, what, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
