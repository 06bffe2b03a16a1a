package slackemu

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProfiles(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	w.SetProfileFields(ProfileField{ID: "Xf01", Label: "Manager", Type: "user", Ordering: 1},
		ProfileField{ID: "Xf02", Label: "Shoe size", Type: "text", Ordering: 2, IsHidden: true})
	w.SetProfileValues(uAlice, map[string]ProfileValue{"Xf01": {Value: uBob}})
	now := time.Now()
	srv := start(t, w, Options{Now: func() time.Time { return now }})
	alice := client(srv, tokAlice)

	p, err := alice.GetUserProfile(&slack.GetUserProfileParameters{})
	require.NoError(t, err)
	assert.Equal(t, uBob, p.FieldsMap()["Xf01"].Value)
	assert.Empty(t, p.FieldsMap()["Xf01"].Label, "labels only when asked")
	p, err = alice.GetUserProfile(&slack.GetUserProfileParameters{UserID: uAlice, IncludeLabels: true})
	require.NoError(t, err)
	assert.Equal(t, "Manager", p.FieldsMap()["Xf01"].Label)
	_, err = alice.GetUserProfile(&slack.GetUserProfileParameters{UserID: "U0NOBODY"})
	requireSlackErr(t, err, "user_not_found")
	_, err = client(srv, tokReader).GetUserProfile(&slack.GetUserProfileParameters{})
	requireSlackErr(t, err, "missing_scope")

	team, err := alice.GetTeamProfile()
	require.NoError(t, err)
	require.Len(t, team.Fields, 2)
	assert.Equal(t, "Manager", team.Fields[0].Label)
	assert.True(t, team.Fields[1].IsHidden)

	until := now.Add(time.Hour).Unix()
	require.NoError(t, alice.SetUserCustomStatus("In a meeting", ":calendar:", until))
	assert.Equal(t, Status{Text: "In a meeting", Emoji: ":calendar:", Expiration: until}, w.UserStatus(uAlice))
	info, err := alice.GetUserInfo(uAlice)
	require.NoError(t, err)
	assert.Equal(t, "In a meeting", info.Profile.StatusText, "users.info shows the status")
	now = now.Add(2 * time.Hour)
	info, err = alice.GetUserInfo(uAlice)
	require.NoError(t, err)
	assert.Empty(t, info.Profile.StatusText, "an expired status reads as none")

	for _, tc := range []struct {
		name, token, text, emoji, want string
	}{
		{"bot token", tokBot, "hi", "", "not_allowed_token_type"},
		{"too long", tokAlice, strings.Repeat("a", 101), "", "profile_set_failed"},
		{"emoji without colons", tokAlice, "hi", "calendar", "profile_set_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireSlackErr(t, client(srv, tc.token).SetUserCustomStatus(tc.text, tc.emoji, 0), tc.want)
		})
	}
	requireSlackErr(t, alice.SetUserCustomStatusWithUser(uBob, "hi", "", 0), "not_admin")
	require.NoError(t, alice.UnsetUserCustomStatus())
	assert.Equal(t, Status{}, w.UserStatus(uAlice))
}
