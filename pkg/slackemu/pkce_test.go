package slackemu

import (
	"context"
	"net/http"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

const (
	pkceID     = "5555.6666"
	pkceSecret = "pkce-secret"
)

// PKCE on the OAuth v2 flow: a code minted with a challenge is exchanged
// only with its verifier, once; PKCE is refused for apps that did not
// enable it.
func TestOAuthPKCE(t *testing.T) {
	t.Parallel()
	verifier, err := slack.GenerateCodeVerifier()
	require.NoError(t, err)
	other, err := slack.GenerateCodeVerifier()
	require.NoError(t, err)
	challenge := slack.GenerateCodeChallenge(verifier)
	for _, tc := range []struct {
		name           string
		path           string
		method         string // the exchange method
		query          []string
		verifiers      []string // tried in turn on the same code
		want           []string // "" = ok, else Slack's error
		refused        bool     // the authorize page refuses
		withoutPKCEApp bool
	}{
		{name: "right verifier", verifiers: []string{verifier}, want: []string{""}},
		{name: "user flow, right verifier", path: userAuthorizePath, method: "oauth.v2.user.access", verifiers: []string{verifier}, want: []string{""}},
		{name: "wrong verifier spends the code", verifiers: []string{other, verifier}, want: []string{"invalid_code_verifier", "invalid_code"}},
		{name: "missing verifier", verifiers: []string{""}, want: []string{"invalid_code_verifier"}},
		{name: "user flow, wrong verifier", path: userAuthorizePath, method: "oauth.v2.user.access", verifiers: []string{other}, want: []string{"invalid_code_verifier"}},
		{name: "no challenge, no verifier needed", query: []string{"code_challenge", "", "code_challenge_method", ""}, verifiers: []string{"", ""}, want: []string{"", "invalid_code"}},
		{name: "no challenge, a verifier is ignored", query: []string{"code_challenge", "", "code_challenge_method", ""}, verifiers: []string{other}, want: []string{""}},
		{name: "app without PKCE", withoutPKCEApp: true, refused: true},
		{name: "plain method", query: []string{"code_challenge_method", "plain"}, refused: true},
		{name: "no method", query: []string{"code_challenge_method", ""}, refused: true},
		{name: "malformed challenge", query: []string{"code_challenge", "short"}, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := oauthServer(t, fixtureTeam(), Consent{UserID: uAlice, AutoApprove: true})
			srv.Workspace().AddOAuthApp(OAuthApp{ClientID: pkceID, ClientSecret: pkceSecret, RedirectURLs: []string{redirectA}, PKCE: true})
			id, secret := pkceID, pkceSecret
			if tc.withoutPKCEApp {
				id, secret = plainID, plainSecret
			}
			q := plainQuery("client_id", id, "code_challenge", challenge, "code_challenge_method", "S256")
			for i := 0; i+1 < len(tc.query); i += 2 {
				if tc.query[i+1] == "" {
					q.Del(tc.query[i])
				} else {
					q.Set(tc.query[i], tc.query[i+1])
				}
			}
			path, method := authorizePath, "oauth.v2.access"
			if tc.path != "" {
				path, method = tc.path, tc.method
			}
			if tc.refused {
				resp, body := browse(t, http.MethodGet, authorizeURL(srv, path, q), nil)
				require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
				require.Contains(t, body, "invalid_request")
				return
			}
			code := authorizeCode(t, srv, path, q)
			for i, v := range tc.verifiers {
				form := map[string][]string{"client_id": {id}, "client_secret": {secret}, "code": {code}, "redirect_uri": {redirectA}}
				if v != "" {
					form["code_verifier"] = []string{v}
				}
				got := postOAuth(t, srv, method, form, "", "")
				if tc.want[i] == "" {
					require.Equal(t, true, got["ok"], "try %d: %v", i, got)
					continue
				}
				require.Equal(t, map[string]any{"ok": false, "error": tc.want[i]}, got, "try %d", i)
			}
		})
	}
	// slack-go sends the verifier with OAuthOptionCodeVerifier.
	srv, _ := oauthServer(t, fixtureTeam(), Consent{UserID: uAlice, AutoApprove: true})
	srv.Workspace().AddOAuthApp(OAuthApp{ClientID: pkceID, ClientSecret: pkceSecret, RedirectURLs: []string{redirectA}, PKCE: true})
	code := authorizeCode(t, srv, authorizePath, plainQuery("client_id", pkceID, "code_challenge", challenge, "code_challenge_method", "S256"))
	res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, pkceID, pkceSecret, code, redirectA, oauthOpt(srv), slack.OAuthOptionCodeVerifier(verifier))
	require.NoError(t, err)
	require.NotEmpty(t, res.AuthedUser.AccessToken)
}
