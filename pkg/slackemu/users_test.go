package slackemu

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// What the users methods show depends on the token: its scopes (emails
// need users:read.email, everything needs users:read) and whether its user
// is a guest (only people it shares a conversation with).
func TestUsersVisibilityPerToken(t *testing.T) {
	t.Parallel()
	w := fixture()
	const uGuest, uSolo = "U0GUEST", "U0SOLO"
	w.AddUser(User{ID: uGuest, Name: "guest", Email: "guest@example.com", IsRestricted: true})
	w.AddUser(User{ID: uSolo, Name: "solo", Email: "solo@example.com", IsUltraRestricted: true})
	w.AddChannel(Channel{ID: "C0GUESTS", Name: "guests", Members: []string{uGuest, uBob}})
	w.AddToken("xoxp-guest", Token{UserID: uGuest, Kind: UserToken, Scopes: AllUserScopes()})
	w.AddToken("xoxp-solo", Token{UserID: uSolo, Kind: UserToken, Scopes: AllUserScopes()})
	w.AddToken("xoxp-chat", Token{UserID: uAlice, Kind: UserToken, Scopes: []string{"chat:write"}})
	srv := start(t, w, Options{})

	for _, tc := range []struct {
		token   string
		sees    []string // users.list IDs
		emails  bool
		missing string // missing_scope of users.list
	}{
		{tokAlice, []string{uAlice, uBob, uBot, uCarol, uGuest, uSolo}, true, ""},
		{tokReader, []string{uAlice, uBob, uBot, uCarol, uGuest, uSolo}, false, ""},
		{tokBot, []string{uAlice, uBob, uBot, uCarol, uGuest, uSolo}, false, ""},
		{"xoxp-guest", []string{uBob, uGuest}, true, ""},
		{"xoxp-solo", []string{uSolo}, true, ""},
		{"xoxp-chat", nil, false, "users:read"},
	} {
		t.Run(tc.token, func(t *testing.T) {
			t.Parallel()
			users, err := client(srv, tc.token).GetUsers()
			if tc.missing != "" {
				se := slackErr(t, err)
				require.Equal(t, "missing_scope", se.Err)
				require.Equal(t, tc.missing, se.Needed)
				return
			}
			require.NoError(t, err)
			var ids []string
			for _, u := range users {
				ids = append(ids, u.ID)
				if u.ID == uBob {
					require.Equal(t, tc.emails, u.Profile.Email != "", "email of bob")
				}
			}
			slices.Sort(ids)
			require.Equal(t, tc.sees, ids)

			_, err = client(srv, tc.token).GetUserInfo(uAlice)
			if slices.Contains(tc.sees, uAlice) {
				require.NoError(t, err)
			} else {
				requireSlackErr(t, err, "user_not_found")
			}
		})
	}

	u, err := client(srv, tokAlice).GetUserInfo(uSolo)
	require.NoError(t, err)
	require.True(t, u.IsRestricted && u.IsUltraRestricted, "a single-channel guest is both")
	_, err = client(srv, "xoxp-guest").GetUserByEmail("alice@example.com")
	requireSlackErr(t, err, "users_not_found")

	// Every authenticated answer carries the token's scopes, as Slack's do.
	resp, _ := rawCall(t, srv, "auth.test", http.Header{"Authorization": {"Bearer xoxp-chat"}}, url.Values{})
	require.Equal(t, "chat:write", resp.Header.Get("X-OAuth-Scopes"))
	_, err = client(srv, "xoxp-chat").GetUserInfo(uBob)
	se := slackErr(t, err)
	require.Equal(t, "users:read", se.Needed)
	require.Equal(t, "chat:write", se.Provided)
}
