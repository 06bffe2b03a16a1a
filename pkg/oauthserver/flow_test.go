package oauthserver

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

func TestFullFlow(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		ctx := context.Background()
		clientID := h.publicClient()
		browser := newBrowser(t)
		v, ch := pkce()
		q := h.authzParams(clientID, ch)

		// The consent page: client name escaped, redirect host, Slack
		// permissions, hardened.
		page := h.authorize(browser, q)
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		require.Contains(t, page.Body, "Test &lt;Client&gt;")
		require.Contains(t, page.Body, "127.0.0.1:9999")
		require.Contains(t, page.Body, "only redirects to <strong>localhost</strong>")
		require.Contains(t, page.Body, "Read messages in public channels (channels:history)")
		require.NotContains(t, page.Body, "chat:write", "read scope asks for no write permission")
		require.Contains(t, page.Body, `id="approve"`)
		require.Contains(t, page.Body, `id="deny"`)
		require.Equal(t, "DENY", page.Header.Get("X-Frame-Options"))
		require.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:9999 "+h.emu.URL+"; frame-ancestors 'none'; base-uri 'none'",
			page.Header.Get("Content-Security-Policy"))
		require.Equal(t, "no-referrer", page.Header.Get("Referrer-Policy"))
		require.Equal(t, "no-store", page.Header.Get("Cache-Control"))
		cookies := (&http.Response{Header: page.Header}).Cookies()
		require.Len(t, cookies, 1)
		require.True(t, strings.HasPrefix(cookies[0].Name, "mcp_txn_"), "plain http loopback: no __Host- prefix")
		require.True(t, cookies[0].HttpOnly)
		require.Equal(t, http.SameSiteLaxMode, cookies[0].SameSite)

		// No Slack state before consent.
		require.Zero(t, h.emu.Calls("oauth.authorize"))
		txn, csrf := consentFields(t, page)
		toSlack := h.decide(browser, txn, csrf, "approve")
		require.Equal(t, http.StatusSeeOther, toSlack.Status)
		sq := toSlack.Location(t).Query()
		require.Equal(t, "channels:history,channels:read,search:read,users:read", sq.Get("user_scope"))
		require.Equal(t, h.srv.URL+"/oauth/callback", sq.Get("redirect_uri"))
		code := h.codeFrom(h.throughSlack(browser, toSlack), "client-state-1")

		// Token.
		r := h.exchange(clientID, code, v)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		require.Equal(t, "no-store", r.Header.Get("Cache-Control"))
		tok := r.JSON(t)
		at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
		require.True(t, strings.HasPrefix(at, tenant.AccessTokenPrefix))
		require.True(t, strings.HasPrefix(rt, tenant.RefreshTokenPrefix))
		require.Equal(t, "Bearer", tok["token_type"])
		require.EqualValues(t, 3600, tok["expires_in"])
		require.Equal(t, "slack:read", tok["scope"])

		// The access token resolves to working Slack credentials.
		g, err := h.as.ResolveAccessToken(ctx, at)
		require.NoError(t, err)
		require.Equal(t, clientID, g.ClientID)
		require.Equal(t, []string{"slack:read"}, g.Scopes)
		require.Equal(t, h.srv.URL+"/mcp", g.Resource)
		require.NotEmpty(t, g.InstallationID)
		who, err := h.slackAuthTest(g.Credentials.Token)
		require.NoError(t, err)
		require.Equal(t, testUser, who.UserID)
		require.Equal(t, testTeam, who.TeamID)
		_, err = h.as.ResolveAccessToken(ctx, rt)
		require.ErrorIs(t, err, authn.ErrInvalidToken, "a refresh token is not a bearer token")

		// Refresh rotates.
		r = h.refresh(clientID, rt)
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		tok2 := r.JSON(t)
		at2, rt2 := tok2["access_token"].(string), tok2["refresh_token"].(string)
		require.NotEqual(t, rt, rt2)
		_, err = h.as.ResolveAccessToken(ctx, at2)
		require.NoError(t, err)

		// Reusing the old refresh token revokes the family.
		r = h.refresh(clientID, rt)
		require.Equal(t, http.StatusBadRequest, r.Status)
		require.Equal(t, "invalid_grant", r.JSON(t)["error"])
		for _, tk := range []string{at, at2} {
			_, err = h.as.ResolveAccessToken(ctx, tk)
			require.ErrorIs(t, err, authn.ErrInvalidToken)
		}
		r = h.refresh(clientID, rt2)
		require.Equal(t, "invalid_grant", r.JSON(t)["error"], "the newest refresh token died with its family")
		require.Len(t, h.audit("refresh_reuse"), 1)

		// A new flow (remembered consent now) and revocation.
		tok3 := h.tokens(clientID)
		at3, rt3 := tok3["access_token"].(string), tok3["refresh_token"].(string)
		_, err = h.as.ResolveAccessToken(ctx, at3)
		require.NoError(t, err)
		r = h.postForm(http.DefaultClient, "/revoke", map[string][]string{"client_id": {clientID}, "token": {rt3}})
		require.Equal(t, http.StatusOK, r.Status, r.Body)
		_, err = h.as.ResolveAccessToken(ctx, at3)
		require.ErrorIs(t, err, authn.ErrInvalidToken, "revoking the refresh token revokes the family")
		r = h.postForm(http.DefaultClient, "/revoke", map[string][]string{"client_id": {clientID}, "token": {"mcp_at_unknown"}})
		require.Equal(t, http.StatusOK, r.Status, "unknown tokens: 200")

		for _, ev := range []string{"client_registered", "authorize_started", "consent_granted", "code_issued", "token_refreshed", "token_revoked"} {
			require.NotEmpty(t, h.audit(ev), ev)
		}
	})
}

func TestRevokeAccessTokenOnly(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		clientID := h.publicClient()
		tok := h.tokens(clientID)
		at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
		other := h.publicClient()
		r := h.postForm(http.DefaultClient, "/revoke", map[string][]string{"client_id": {other}, "token": {at}})
		require.Equal(t, http.StatusOK, r.Status)
		_, err := h.as.ResolveAccessToken(context.Background(), at)
		require.NoError(t, err, "another client cannot revoke it")

		r = h.postForm(http.DefaultClient, "/revoke", map[string][]string{"client_id": {clientID}, "token": {at}, "token_type_hint": {"access_token"}})
		require.Equal(t, http.StatusOK, r.Status)
		_, err = h.as.ResolveAccessToken(context.Background(), at)
		require.ErrorIs(t, err, authn.ErrInvalidToken)
		r = h.refresh(clientID, rt)
		require.Equal(t, http.StatusOK, r.Status, "revoking an access token leaves its refresh token")
	})
}

func TestRememberedConsent(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		clientID := h.publicClient()
		browser := newBrowser(t)
		_, ch := pkce()
		h.fullFlow(browser, h.authzParams(clientID, ch))
		slackCalls := h.emu.Calls("oauth.authorize")

		// Same browser, client, scope, another loopback port: a code at
		// once, no consent page, no Slack.
		v, ch := pkce()
		q := h.authzParams(clientID, ch)
		q.Set("redirect_uri", "http://127.0.0.1:5555/callback")
		r := h.authorize(browser, q)
		require.Equal(t, http.StatusFound, r.Status, r.Body)
		loc := r.Location(t)
		require.Equal(t, "127.0.0.1:5555", loc.Host)
		code := loc.Query().Get("code")
		require.NotEmpty(t, code)
		require.Equal(t, slackCalls, h.emu.Calls("oauth.authorize"), "no Slack round trip")
		tr := h.exchange(clientID, code, v, "redirect_uri", "http://127.0.0.1:5555/callback")
		require.Equal(t, http.StatusOK, tr.Status, tr.Body)

		// A wider scope: consent page again.
		q.Set("scope", "slack:write")
		page := h.authorize(browser, q)
		txn, csrf := consentFields(t, page)
		require.Contains(t, page.Body, "chat:write")
		toSlack := h.decide(browser, txn, csrf, "approve")
		require.Contains(t, toSlack.Location(t).Query().Get("user_scope"), "chat:write")
		cb := h.throughSlack(browser, toSlack)
		require.Equal(t, http.StatusFound, cb.Status)
		require.NotEmpty(t, cb.Location(t).Query().Get("code"))

		// Write consent remembered; Slack grant covers it: direct code.
		r = h.authorize(browser, q)
		require.Equal(t, http.StatusFound, r.Status)
		require.NotEmpty(t, r.Location(t).Query().Get("code"))

		// prompt=consent forces the page.
		q.Set("prompt", "consent")
		consentFields(t, h.authorize(browser, q))

		// Another browser (no session) gets the consent page.
		q.Del("prompt")
		consentFields(t, h.authorize(newBrowser(t), q))

		// Revoked consent: the page again.
		in, err := h.store.FindInstallation(context.Background(), "", testTeam, testUser)
		require.NoError(t, err)
		require.NoError(t, h.store.RevokeConsent(context.Background(), in.ID, clientID, h.clock.Now()))
		consentFields(t, h.authorize(browser, q))
	})
}

func TestRememberedConsentNeedsSlackForMoreScopes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		clientID := h.publicClient()
		browser := newBrowser(t)
		_, ch := pkce()
		h.fullFlow(browser, h.authzParams(clientID, ch))
		ctx := context.Background()
		in, err := h.store.FindInstallation(ctx, "", testTeam, testUser)
		require.NoError(t, err)
		// Consent remembered for write, but the Slack grant is read-only.
		require.NoError(t, h.store.PutConsent(ctx, storeConsent(in.ID, clientID, "slack:read slack:write")))
		q := h.authzParams(clientID, ch)
		q.Set("scope", "slack:read slack:write")
		r := h.authorize(browser, q)
		require.Equal(t, http.StatusFound, r.Status, r.Body)
		require.Contains(t, r.Location(t).Query().Get("user_scope"), "chat:write", "straight to Slack for the missing scopes")
		h.codeFrom(h.throughSlack(browser, r), "client-state-1")
	})
}

func TestDenyAndSlackDenial(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		clientID := h.publicClient()
		browser := newBrowser(t)
		_, ch := pkce()
		txn, csrf := consentFields(t, h.authorize(browser, h.authzParams(clientID, ch)))
		r := h.decide(browser, txn, csrf, "deny")
		require.Equal(t, http.StatusSeeOther, r.Status)
		q := r.Location(t).Query()
		require.Equal(t, "access_denied", q.Get("error"))
		require.Equal(t, "client-state-1", q.Get("state"))
		require.Equal(t, h.srv.URL, q.Get("iss"))
		r = h.decide(browser, txn, csrf, "approve")
		require.GreaterOrEqual(t, r.Status, 400, "a denied transaction cannot be approved")
		require.Empty(t, r.Header.Get("Location"))
		require.Len(t, h.audit("consent_denied"), 1)
	})
	t.Run("slack access_denied", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, "mem", func(o *hopts) { o.consent.Deny = true })
		clientID := h.publicClient()
		browser := newBrowser(t)
		_, ch := pkce()
		txn, csrf := consentFields(t, h.authorize(browser, h.authzParams(clientID, ch)))
		cb := h.throughSlack(browser, h.decide(browser, txn, csrf, "approve"))
		require.Equal(t, http.StatusFound, cb.Status, cb.Body)
		q := cb.Location(t).Query()
		require.Equal(t, "access_denied", q.Get("error"))
		require.Equal(t, "client-state-1", q.Get("state"))
		require.Equal(t, h.srv.URL, q.Get("iss"))
	})
}

func TestResolveAccessTokenRefusals(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, kind string) {
		h := newHarness(t, kind)
		ctx := context.Background()
		clientID := h.publicClient()
		at := h.tokens(clientID)["access_token"].(string)
		g, err := h.as.ResolveAccessToken(ctx, at)
		require.NoError(t, err)

		// A token for another resource (issued before PublicURL moved).
		other := tenant.AccessTokenPrefix + newRandom()
		require.NoError(t, h.store.CreateToken(ctx, storeToken(h.as.tokenHash(other), g.InstallationID, clientID, "https://other.example.com/mcp", h.clock.Now())))
		_, err = h.as.ResolveAccessToken(ctx, other)
		require.ErrorIs(t, err, authn.ErrInvalidToken)

		for _, bad := range []string{"", "xoxp-123", "mcp_at_", "mcp_at_short", tenant.AccessTokenPrefix + newRandom(), strings.Replace(at, "mcp_at_", "mcp_rt_", 1)} {
			_, err := h.as.ResolveAccessToken(ctx, bad)
			require.ErrorIs(t, err, authn.ErrInvalidToken, bad)
			if bad != "" {
				require.NotContains(t, err.Error(), bad)
			}
		}

		// Expired.
		h.clock.Advance(DefaultAccessTTL)
		_, err = h.as.ResolveAccessToken(ctx, at)
		require.ErrorIs(t, err, authn.ErrInvalidToken)

		// Installation revoked.
		tok := h.tokens(clientID)
		require.NoError(t, h.store.RevokeInstallation(ctx, g.InstallationID, h.clock.Now()))
		_, err = h.as.ResolveAccessToken(ctx, tok["access_token"].(string))
		require.True(t, errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken), "%v", err)
	})
}
