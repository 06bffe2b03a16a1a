package slackoauth

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// maxUserName bounds a stored name. Slack documents no length limit for
// real or display names that we could find; 80 runes keeps a page
// readable and is longer than any name Slack's own UI shows whole.
const maxUserName = 80

// userName reads the person's Slack name with their new token: one
// users.info call per login, stored with the installation, so pages name
// them without a Slack call per view. It needs users:read (every read
// tool set asks for it); without it, or on any failure, the name stays
// unknown ("") and pages fall back to the user ID. A login never fails
// for it.
func (s *Service) userName(ctx context.Context, g grant) string {
	if !slices.Contains(g.Scopes, "users:read") {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	api := slack.New(g.AccessToken, slack.OptionAPIURL(s.apiURL), slack.OptionHTTPClient(s.o.HTTPClient))
	u, err := api.GetUserInfoContext(ctx, g.UserID)
	if err != nil {
		s.o.Logger.Debug().Ctx(ctx).Str("error_code", slackCode(err)).Msg("slackoauth: users.info at login failed; pages show the user ID")
		return ""
	}
	return displayName(u)
}

// displayName is how Slack would name the person: the real name, else
// the display name, else the username.
func displayName(u *slack.User) string {
	for _, n := range []string{u.RealName, u.Profile.RealName, u.Profile.DisplayName, u.Name} {
		if n = strings.TrimSpace(n); n != "" {
			return truncateRunes(n, maxUserName)
		}
	}
	return ""
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
