package slackemu

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func TestOAuthV2AccessErrors(t *testing.T) {
	t.Parallel()
	type exchange struct{ id, secret, code, redirect string }
	tests := []struct {
		name    string
		prepare func(t *testing.T, srv *Server, clk *fakeClock) exchange
		want    string // "" = success
	}{
		{"success", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery()), redirectA}
		}, ""},
		{"redirect omitted at both steps", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery("redirect_uri", "")), ""}
		}, ""},
		{"redirect omitted at authorize, default sent at exchange", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery("redirect_uri", "")), redirectA}
		}, ""},
		{"code just before expiry", func(t *testing.T, srv *Server, clk *fakeClock) exchange {
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			clk.Advance(oauthCodeTTL - time.Second)
			return exchange{plainID, plainSecret, code, redirectA}
		}, ""},
		{"unknown client", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{"9.9", plainSecret, authorizeCode(t, srv, authorizePath, plainQuery()), redirectA}
		}, "invalid_client_id"},
		{"empty client", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{"", plainSecret, authorizeCode(t, srv, authorizePath, plainQuery()), redirectA}
		}, "invalid_client_id"},
		{"wrong secret", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, "nope", authorizeCode(t, srv, authorizePath, plainQuery()), redirectA}
		}, "bad_client_secret"},
		{"empty secret", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, "", authorizeCode(t, srv, authorizePath, plainQuery()), redirectA}
		}, "bad_client_secret"},
		{"unknown code", func(*testing.T, *Server, *fakeClock) exchange {
			return exchange{plainID, plainSecret, "deadbeef", redirectA}
		}, "invalid_code"},
		{"empty code", func(*testing.T, *Server, *fakeClock) exchange {
			return exchange{plainID, plainSecret, "", redirectA}
		}, "invalid_code"},
		{"code used twice", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			_, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
			require.NoError(t, err)
			return exchange{plainID, plainSecret, code, redirectA}
		}, "invalid_code"},
		{"code burnt by a failed exchange", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			_, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectB, oauthOpt(srv))
			requireSlackErr(t, err, "bad_redirect_uri")
			return exchange{plainID, plainSecret, code, redirectA}
		}, "invalid_code"},
		{"code expired", func(t *testing.T, srv *Server, clk *fakeClock) exchange {
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			clk.Advance(oauthCodeTTL)
			return exchange{plainID, plainSecret, code, redirectA}
		}, "invalid_code"},
		{"code of another app", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery("client_id", rotID)), redirectA}
		}, "invalid_code"},
		{"other registered redirect", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery()), redirectB}
		}, "bad_redirect_uri"},
		{"redirect sent at authorize, omitted at exchange", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery()), ""}
		}, "bad_redirect_uri"},
		{"redirect omitted at authorize, other sent at exchange", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery("redirect_uri", "")), redirectB}
		}, "bad_redirect_uri"},
		{"v2_user code at oauth.v2.access", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, userAuthorizePath, plainQuery()), redirectA}
		}, "oauth_authorization_url_mismatch"},
		{"no scopes requested", func(t *testing.T, srv *Server, _ *fakeClock) exchange {
			return exchange{plainID, plainSecret, authorizeCode(t, srv, authorizePath, plainQuery("user_scope", "")), redirectA}
		}, "no_scopes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, clk := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
			ex := tc.prepare(t, srv, clk)
			res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, ex.id, ex.secret, ex.code, ex.redirect, oauthOpt(srv))
			if tc.want != "" {
				requireSlackErr(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			require.Equal(t, uAlice, res.AuthedUser.ID)
			require.True(t, strings.HasPrefix(res.AuthedUser.AccessToken, "xoxp-"))
		})
	}
}

func TestOAuthGrantTypeAndRefreshErrors(t *testing.T) {
	t.Parallel()
	srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
	code := authorizeCode(t, srv, authorizePath, plainQuery("client_id", rotID))
	rot, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, rotID, rotSecret, code, redirectA, oauthOpt(srv))
	require.NoError(t, err)
	require.NotEmpty(t, rot.AuthedUser.RefreshToken)

	tests := []struct {
		name   string
		method string
		form   url.Values
		want   string
	}{
		{"unknown grant_type", "oauth.v2.access", url.Values{"client_id": {plainID}, "client_secret": {plainSecret}, "grant_type": {"password"}}, "invalid_grant_type"},
		{"unknown grant_type, user.access", "oauth.v2.user.access", url.Values{"client_id": {plainID}, "client_secret": {plainSecret}, "grant_type": {"client_credentials"}}, "invalid_grant_type"},
		{"client checked before grant_type", "oauth.v2.access", url.Values{"client_id": {plainID}, "client_secret": {"x"}, "grant_type": {"password"}}, "bad_client_secret"},
		{"unknown refresh token", "oauth.v2.access", url.Values{"client_id": {rotID}, "client_secret": {rotSecret}, "grant_type": {"refresh_token"}, "refresh_token": {"xoxe-1-nope"}}, "invalid_refresh_token"},
		{"missing refresh token", "oauth.v2.access", url.Values{"client_id": {rotID}, "client_secret": {rotSecret}, "grant_type": {"refresh_token"}}, "invalid_refresh_token"},
		{"refresh token of another app", "oauth.v2.access", url.Values{"client_id": {plainID}, "client_secret": {plainSecret}, "grant_type": {"refresh_token"}, "refresh_token": {rot.AuthedUser.RefreshToken}}, "invalid_refresh_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := postOAuth(t, srv, tc.method, tc.form, "", "")
			require.Equal(t, map[string]any{"ok": false, "error": tc.want}, res)
		})
	}
}

func TestOAuthV2AccessUserScopesShape(t *testing.T) {
	t.Parallel()
	srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
	code := authorizeCode(t, srv, authorizePath, plainQuery())
	res := postOAuth(t, srv, "oauth.v2.access", url.Values{"client_id": {plainID}, "client_secret": {plainSecret}, "code": {code}, "redirect_uri": {redirectA}}, "", "")

	require.NotContains(t, res, "access_token", "user-scope-only installs have no top-level token")
	require.NotContains(t, res, "token_type")
	require.NotContains(t, res, "refresh_token")
	require.Equal(t, true, res["ok"])
	require.Equal(t, plainAppID, res["app_id"])
	require.Equal(t, map[string]any{"id": tTeam, "name": "Fixture"}, res["team"])
	require.Nil(t, res["enterprise"])
	require.Contains(t, res, "enterprise")
	require.Equal(t, false, res["is_enterprise_install"])
	authed := res["authed_user"].(map[string]any)
	tok, _ := authed["access_token"].(string)
	require.True(t, strings.HasPrefix(tok, "xoxp-"), tok)
	require.Equal(t, map[string]any{"id": uAlice, "scope": userScopes, "access_token": tok, "token_type": "user"}, authed)

	// The issued token works, with exactly the granted scopes.
	c := client(srv, tok)
	at, err := c.AuthTest()
	require.NoError(t, err)
	require.Equal(t, uAlice, at.UserID)
	_, err = c.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral})
	require.NoError(t, err)
	_, err = c.SearchMessages("hello", slack.NewSearchParameters())
	requireSlackErr(t, err, "missing_scope")

	require.Equal(t, 1, srv.Calls("oauth.authorize"))
	require.Equal(t, 1, srv.Calls("oauth.v2.access"))
}

func TestOAuthClientAuth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		basicID, basicSec  string
		formID, formSecret string
		want               string // "" = ok
	}{
		{"basic only", plainID, plainSecret, "", "", ""},
		{"basic wins over form", plainID, plainSecret, "9.9", "x", ""},
		{"basic wrong secret", plainID, "x", "", "", "bad_client_secret"},
		{"basic unknown client", "9.9", plainSecret, plainID, plainSecret, "invalid_client_id"},
		{"form only", "", "", plainID, plainSecret, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
			form := url.Values{"code": {authorizeCode(t, srv, authorizePath, plainQuery())}, "redirect_uri": {redirectA}}
			if tc.formID != "" {
				form.Set("client_id", tc.formID)
				form.Set("client_secret", tc.formSecret)
			}
			res := postOAuth(t, srv, "oauth.v2.access", form, tc.basicID, tc.basicSec)
			if tc.want != "" {
				require.Equal(t, map[string]any{"ok": false, "error": tc.want}, res)
				return
			}
			require.Equal(t, true, res["ok"], res)
		})
	}
}

func TestOAuthBotAndUserScopes(t *testing.T) {
	t.Parallel()
	srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
	code := authorizeCode(t, srv, authorizePath, plainQuery("scope", "chat:write,channels:read", "user_scope", "search:read"))
	res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(res.AccessToken, "xoxb-"), res.AccessToken)
	require.Equal(t, "bot", res.TokenType)
	require.Equal(t, "chat:write,channels:read", res.Scope)
	require.Equal(t, uBot, res.BotUserID)
	require.Equal(t, "search:read", res.AuthedUser.Scope)
	require.True(t, strings.HasPrefix(res.AuthedUser.AccessToken, "xoxp-"))

	at, err := client(srv, res.AccessToken).AuthTest()
	require.NoError(t, err)
	require.Equal(t, uBot, at.UserID)
	require.Equal(t, bBot, at.BotID)
}

func TestOAuthGrantScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		grant []string
		want  string
	}{
		{"nil grants all", nil, userScopes},
		{"fewer", []string{"channels:read", "search:read"}, "channels:read"},
		{"order follows the request", []string{"users:read", "channels:read"}, "channels:read,users:read"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true, GrantScopes: tc.grant})
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
			require.NoError(t, err)
			require.Equal(t, tc.want, res.AuthedUser.Scope)
			_, err = client(srv, res.AuthedUser.AccessToken).GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral})
			if strings.Contains(tc.want, "channels:history") {
				require.NoError(t, err)
			} else {
				requireSlackErr(t, err, "missing_scope")
			}
		})
	}
	t.Run("none granted", func(t *testing.T) {
		t.Parallel()
		srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true, GrantScopes: []string{}})
		code := authorizeCode(t, srv, authorizePath, plainQuery())
		_, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
		requireSlackErr(t, err, "no_scopes")
	})
}

func TestOAuthTokenRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, clk := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
	code := authorizeCode(t, srv, authorizePath, plainQuery("client_id", rotID))
	res, err := slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, rotID, rotSecret, code, redirectA, oauthOpt(srv))
	require.NoError(t, err)
	first := res.AuthedUser
	require.True(t, strings.HasPrefix(first.AccessToken, "xoxe.xoxp-1-"), first.AccessToken)
	require.True(t, strings.HasPrefix(first.RefreshToken, "xoxe-1-"), first.RefreshToken)
	require.Equal(t, 43200, first.ExpiresIn)
	require.Equal(t, "user", first.TokenType)

	_, err = client(srv, first.AccessToken).AuthTest()
	require.NoError(t, err)

	// Refresh an hour in: a new pair; the old refresh token dies, the old
	// access token lives until it expires.
	clk.Advance(time.Hour)
	ref, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, rotID, rotSecret, first.RefreshToken, oauthOpt(srv))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(ref.AccessToken, "xoxe.xoxp-1-"))
	require.NotEqual(t, first.AccessToken, ref.AccessToken)
	require.NotEqual(t, first.RefreshToken, ref.RefreshToken)
	require.True(t, strings.HasPrefix(ref.RefreshToken, "xoxe-1-"))
	require.Equal(t, 43200, ref.ExpiresIn)
	require.Equal(t, "user", ref.TokenType)
	require.Equal(t, userScopes, ref.Scope)
	require.Equal(t, tTeam, ref.Team.ID)

	_, err = slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, rotID, rotSecret, first.RefreshToken, oauthOpt(srv))
	requireSlackErr(t, err, "invalid_refresh_token")

	_, err = client(srv, first.AccessToken).AuthTest()
	require.NoError(t, err, "the old access token lives until it expires")

	clk.Advance(11 * time.Hour)
	_, err = client(srv, first.AccessToken).AuthTest()
	requireSlackErr(t, err, "token_expired")
	at, err := client(srv, ref.AccessToken).AuthTest()
	require.NoError(t, err)
	require.Equal(t, uAlice, at.UserID)

	clk.Advance(time.Hour)
	_, err = client(srv, ref.AccessToken).GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral})
	requireSlackErr(t, err, "token_expired")

	// An expired access token can still be refreshed with its refresh token.
	ref2, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, rotID, rotSecret, ref.RefreshToken, oauthOpt(srv))
	require.NoError(t, err)
	_, err = client(srv, ref2.AccessToken).GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral})
	require.NoError(t, err)
	require.Equal(t, 4, srv.Calls("oauth.v2.access"))
}

func TestOAuthTokenTTL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ttl  time.Duration
		want int
	}{
		{"default 12h", 0, 43200},
		{"one hour", time.Hour, 3600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			w := oauthFixture(fixtureTeam())
			w.AddOAuthApp(OAuthApp{ClientID: rotID, ClientSecret: rotSecret, RedirectURLs: []string{redirectA}, TokenRotation: true, TokenTTL: tc.ttl})
			srv := start(t, w, Options{Now: clk.Now})
			srv.SetConsent(Consent{AutoApprove: true})
			code := authorizeCode(t, srv, authorizePath, plainQuery("client_id", rotID))
			res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, rotID, rotSecret, code, redirectA, oauthOpt(srv))
			require.NoError(t, err)
			require.Equal(t, tc.want, res.AuthedUser.ExpiresIn)
			clk.Advance(time.Duration(tc.want)*time.Second - time.Second)
			_, err = client(srv, res.AuthedUser.AccessToken).AuthTest()
			require.NoError(t, err)
			clk.Advance(time.Second)
			_, err = client(srv, res.AuthedUser.AccessToken).AuthTest()
			requireSlackErr(t, err, "token_expired")
		})
	}
}

func TestOAuthEnterprise(t *testing.T) {
	t.Parallel()
	grid := Team{ID: tTeam, Name: "Grid Co", Domain: "grid", EnterpriseID: "E0GRID"}
	tests := []struct {
		name     string
		orgWide  bool
		wantTeam any
	}{
		{"org-wide install", true, nil},
		{"workspace install on a grid", false, map[string]any{"id": tTeam, "name": "Grid Co"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := oauthServer(t, grid, Consent{AutoApprove: true, EnterpriseInstall: tc.orgWide})
			code := authorizeCode(t, srv, authorizePath, plainQuery())
			raw := postOAuth(t, srv, "oauth.v2.access", url.Values{"code": {code}, "redirect_uri": {redirectA}}, plainID, plainSecret)
			require.Equal(t, true, raw["ok"], raw)
			require.Contains(t, raw, "team")
			require.Equal(t, tc.wantTeam, raw["team"])
			require.Equal(t, map[string]any{"id": "E0GRID", "name": "Grid Co"}, raw["enterprise"])
			require.Equal(t, tc.orgWide, raw["is_enterprise_install"])

			tok := raw["authed_user"].(map[string]any)["access_token"].(string)
			_, body := rawCall(t, srv, "auth.test", http.Header{"Authorization": {"Bearer " + tok}}, nil)
			require.Equal(t, tc.orgWide, body["is_enterprise_install"])
			require.Equal(t, "E0GRID", body["enterprise_id"])
		})
	}
	t.Run("slack-go decodes a null team", func(t *testing.T) {
		t.Parallel()
		srv, _ := oauthServer(t, grid, Consent{AutoApprove: true, EnterpriseInstall: true})
		code := authorizeCode(t, srv, authorizePath, plainQuery())
		res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
		require.NoError(t, err)
		require.True(t, res.IsEnterpriseInstall)
		require.Empty(t, res.Team.ID)
		require.Equal(t, "E0GRID", res.Enterprise.ID)
	})
}

func TestOAuthV2UserAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		clientID string
		secret   string
		query    url.Values
		rotating bool
	}{
		{"user_scope", plainID, plainSecret, plainQuery(), false},
		{"scope names user scopes", plainID, plainSecret, plainQuery("user_scope", "", "scope", userScopes), false},
		{"rotating", rotID, rotSecret, plainQuery("client_id", rotID), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, clk := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
			code := authorizeCode(t, srv, userAuthorizePath, tc.query)
			res := postOAuth(t, srv, "oauth.v2.user.access", url.Values{"code": {code}, "redirect_uri": {redirectA}}, tc.clientID, tc.secret)
			require.Equal(t, true, res["ok"], res)
			tok, _ := res["access_token"].(string)
			require.Equal(t, "user", res["token_type"])
			require.Equal(t, map[string]any{"id": uAlice, "scope": userScopes}, res["authed_user"])
			require.Equal(t, map[string]any{"id": tTeam, "name": "Fixture"}, res["team"])
			require.Equal(t, false, res["is_enterprise_install"])
			_, err := client(srv, tok).AuthTest()
			require.NoError(t, err)
			require.Equal(t, 1, srv.Calls("oauth.v2.user.access"))

			if !tc.rotating {
				require.True(t, strings.HasPrefix(tok, "xoxp-"), tok)
				require.NotContains(t, res, "refresh_token")
				require.NotContains(t, res, "expires_in")
				return
			}
			require.True(t, strings.HasPrefix(tok, "xoxe.xoxp-1-"), tok)
			require.Equal(t, float64(43200), res["expires_in"])
			rt := res["refresh_token"].(string)
			refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
			clk.Advance(13 * time.Hour)
			_, err = client(srv, tok).AuthTest()
			requireSlackErr(t, err, "token_expired")
			ref := postOAuth(t, srv, "oauth.v2.user.access", refresh, tc.clientID, tc.secret)
			require.Equal(t, true, ref["ok"], ref)
			require.NotEqual(t, rt, ref["refresh_token"])
			_, err = client(srv, ref["access_token"].(string)).AuthTest()
			require.NoError(t, err)
			again := postOAuth(t, srv, "oauth.v2.user.access", refresh, tc.clientID, tc.secret)
			require.Equal(t, map[string]any{"ok": false, "error": "invalid_refresh_token"}, again)
		})
	}
	t.Run("v2 code at oauth.v2.user.access", func(t *testing.T) {
		t.Parallel()
		srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
		code := authorizeCode(t, srv, authorizePath, plainQuery())
		res := postOAuth(t, srv, "oauth.v2.user.access", url.Values{"code": {code}, "redirect_uri": {redirectA}}, plainID, plainSecret)
		require.Equal(t, map[string]any{"ok": false, "error": "oauth_authorization_url_mismatch"}, res)
	})
}

func TestAuthRevokeExactToken(t *testing.T) {
	t.Parallel()
	srv, _ := oauthServer(t, fixtureTeam(), Consent{AutoApprove: true})
	issue := func() string {
		code := authorizeCode(t, srv, authorizePath, plainQuery())
		res, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, plainID, plainSecret, code, redirectA, oauthOpt(srv))
		require.NoError(t, err)
		return res.AuthedUser.AccessToken
	}
	one, two := issue(), issue()
	require.NotEqual(t, one, two)

	_, body := rawCall(t, srv, "auth.revoke", http.Header{"Authorization": {"Bearer " + one}}, url.Values{"test": {"1"}})
	require.Equal(t, map[string]any{"ok": true, "revoked": false}, body)
	_, err := client(srv, one).AuthTest()
	require.NoError(t, err, "test mode revokes nothing")

	_, body = rawCall(t, srv, "auth.revoke", http.Header{"Authorization": {"Bearer " + one}}, nil)
	require.Equal(t, map[string]any{"ok": true, "revoked": true}, body)
	_, err = client(srv, one).AuthTest()
	requireSlackErr(t, err, "token_revoked")
	_, err = client(srv, one).SendAuthRevoke("")
	requireSlackErr(t, err, "token_revoked")

	_, err = client(srv, two).AuthTest()
	require.NoError(t, err, "other tokens of the same user live on")
	_, err = client(srv, tokAlice).AuthTest()
	require.NoError(t, err)
	_, err = client(srv, "xoxp-never-issued").AuthTest()
	requireSlackErr(t, err, "invalid_auth")
}

func TestSetTokenURL(t *testing.T) {
	t.Parallel()
	w := fixture()
	srv := start(t, w, Options{})
	w.SetTokenURL(tokAlice, "https://acme.slack.com")
	tests := []struct {
		name, token, want string
	}{
		{"override gets a slash", tokAlice, "https://acme.slack.com/"},
		{"same user, other token", tokReader, srv.URL + "/"},
		{"default", tokBot, srv.URL + "/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := client(srv, tc.token).AuthTest()
			require.NoError(t, err)
			require.Equal(t, tc.want, res.URL)
		})
	}
	t.Run("cleared", func(t *testing.T) {
		t.Parallel()
		w := fixture()
		srv := start(t, w, Options{WorkspaceURL: "https://fixture.slack.com"})
		w.SetTokenURL(tokAlice, "https://acme.slack.com/")
		w.SetTokenURL(tokAlice, "")
		res, err := client(srv, tokAlice).AuthTest()
		require.NoError(t, err)
		require.Equal(t, "https://fixture.slack.com/", res.URL)
	})
}

func TestExpiringTokenFileDownload(t *testing.T) {
	t.Parallel()
	clk := newClock()
	w := fixture()
	w.AddFile(File{ID: "F0EXP", Name: "e.txt", Mimetype: "text/plain", User: uAlice, Content: []byte("body"), Channels: []string{cGeneral}})
	w.AddToken("xoxe.xoxp-1-short", Token{UserID: uAlice, Kind: UserToken, Scopes: AllUserScopes(), Expires: clk.Now().Add(time.Minute)})
	srv := start(t, w, Options{Now: clk.Now})
	c := client(srv, "xoxe.xoxp-1-short")
	f, _, _, err := c.GetFileInfo("F0EXP", 0, 0)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, c.GetFile(f.URLPrivateDownload, &buf))
	require.Equal(t, "body", buf.String())

	clk.Advance(time.Minute)
	buf.Reset()
	require.ErrorContains(t, c.GetFile(f.URLPrivateDownload, &buf), "sign-in page")
	_, _, _, err = c.GetFileInfo("F0EXP", 0, 0)
	requireSlackErr(t, err, "token_expired")
}
