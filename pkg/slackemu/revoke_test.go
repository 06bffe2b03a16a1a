package slackemu

import (
	"context"
	"net/http"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// RevokeUserTokens kills every user token of one person, access and
// refresh, and nothing else.
func TestRevokeUserTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, _ := oauthServer(t, fixtureTeam(), Consent{UserID: uAlice, AutoApprove: true})
	w := srv.Workspace()
	w.AddToken("xoxp-bob", Token{UserID: uBob, Kind: UserToken, Scopes: AllUserScopes()})
	code := authorizeCode(t, srv, authorizePath, plainQuery("client_id", rotID))
	rot, err := slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, rotID, rotSecret, code, redirectA, oauthOpt(srv))
	require.NoError(t, err)

	require.Equal(t, 3, w.RevokeUserTokens(uAlice), "tokAlice, tokReader and the issued one")
	for _, tc := range []struct {
		name, token, want string
	}{
		{"issued access token", rot.AuthedUser.AccessToken, "token_revoked"},
		{"added token", tokAlice, "token_revoked"},
		{"other user", "xoxp-bob", ""},
		{"bot", tokBot, ""},
	} {
		_, err := client(srv, tc.token).AuthTest()
		if tc.want == "" {
			require.NoError(t, err, tc.name)
			continue
		}
		requireSlackErr(t, err, tc.want)
	}
	_, err = slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, rotID, rotSecret, rot.AuthedUser.RefreshToken, oauthOpt(srv))
	requireSlackErr(t, err, "invalid_refresh_token")
	require.Zero(t, w.RevokeUserTokens(uAlice))
}
