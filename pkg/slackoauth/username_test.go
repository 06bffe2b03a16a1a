package slackoauth

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// TestSuccessPageNamesThePerson: the success page used to name the person
// only by user ID. One users.info at login now stores their Slack name
// with the installation; when that call fails the login still succeeds
// and the page falls back to the ID, and a later login with a failed
// lookup keeps the name known before.
func TestSuccessPageNamesThePerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fail     bool
		wantName string
	}{
		{"name read at login", false, "Alice Ames"},
		{"users.info fails", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if tc.fail {
				h.emu.FailNext("users.info", 1, time.Second)
			}
			r := h.connect(h.browser, "")
			require.Equal(t, http.StatusOK, r.Status, r.Body)
			if tc.wantName != "" {
				require.Contains(t, r.Body, `<strong id="user-name">Alice Ames</strong> (Slack user `+testUser+`)`)
			} else {
				require.Contains(t, r.Body, `Slack user <strong>`+testUser+`</strong>`)
				require.NotContains(t, r.Body, "Alice Ames")
			}
			require.Equal(t, 1, h.emu.Calls("users.info"), "one lookup per login")
			in, err := h.store.FindInstallation(context.Background(), "", testTeam, testUser)
			require.NoError(t, err)
			require.Equal(t, tc.wantName, in.UserName)

			// Log in again with the lookup failing: a known name stays.
			h.emu.FailNext("users.info", 1, time.Second)
			require.Equal(t, http.StatusOK, h.connect(h.browser, "").Status)
			in, err = h.store.FindInstallation(context.Background(), "", testTeam, testUser)
			require.NoError(t, err)
			require.Equal(t, tc.wantName, in.UserName)
		})
	}
}

func TestDisplayName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 100)
	for _, tc := range []struct {
		name string
		u    slack.User
		want string
	}{
		{"real name", slack.User{Name: "alice", RealName: "Alice Ames", Profile: slack.UserProfile{DisplayName: "al"}}, "Alice Ames"},
		{"profile real name", slack.User{Name: "alice", Profile: slack.UserProfile{RealName: "Alice P", DisplayName: "al"}}, "Alice P"},
		{"display name", slack.User{Name: "alice", Profile: slack.UserProfile{DisplayName: " al "}}, "al"},
		{"username", slack.User{Name: "alice"}, "alice"},
		{"nothing", slack.User{}, ""},
		{"long", slack.User{RealName: long}, strings.Repeat("é", maxUserName)},
	} {
		require.Equal(t, tc.want, displayName(&tc.u), tc.name)
	}
}
