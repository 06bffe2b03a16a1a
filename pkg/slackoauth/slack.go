package slackoauth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// grant is what oauth.v2.access answered for the user token, reduced to
// what we keep. A user-scope-only answer has no top-level access_token;
// the token is under authed_user.
type grant struct {
	EnterpriseID, EnterpriseName string
	TeamID, TeamName             string
	UserID                       string
	IsEnterpriseInstall          bool
	Scopes                       []string
	AccessToken, RefreshToken    string
	ExpiresAt                    time.Time // zero when the token does not expire
}

// slackCode extracts Slack's error code ("invalid_code") from err, or "".
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var sp *slack.SlackErrorResponse
	if errors.As(err, &sp) && sp != nil {
		return sp.Err
	}
	return ""
}

// exchange trades the authorization code of the flow with this state
// for the user token.
func (s *Service) exchange(ctx context.Context, code, state string) (grant, error) {
	opts := []slack.OAuthOption{slack.OAuthOptionAPIURL(s.apiURL)}
	if s.o.PKCE {
		opts = append(opts, slack.OAuthOptionCodeVerifier(s.pkceVerifier(state)))
	}
	resp, err := slack.GetOAuthV2ResponseContext(ctx, s.o.HTTPClient, s.o.ClientID, s.o.ClientSecret, code, s.o.RedirectURI, opts...)
	if err != nil {
		return grant{}, err
	}
	if !resp.Ok {
		return grant{}, errors.New("oauth.v2.access answered ok=false")
	}
	au := resp.AuthedUser
	g := grant{
		EnterpriseID:        resp.Enterprise.ID,
		EnterpriseName:      resp.Enterprise.Name,
		TeamID:              resp.Team.ID,
		TeamName:            resp.Team.Name,
		UserID:              au.ID,
		IsEnterpriseInstall: resp.IsEnterpriseInstall,
		Scopes:              splitScopes(au.Scope),
		AccessToken:         au.AccessToken,
		RefreshToken:        au.RefreshToken,
	}
	if au.ExpiresIn > 0 {
		g.ExpiresAt = s.o.Now().Add(time.Duration(au.ExpiresIn) * time.Second)
	}
	switch {
	case g.AccessToken == "" || g.UserID == "":
		return grant{}, errors.New("oauth.v2.access answered without a user token")
	case g.TeamID == "" && !(g.IsEnterpriseInstall && g.EnterpriseID != ""):
		return grant{}, errors.New("oauth.v2.access answered without a team or enterprise")
	}
	return g, nil
}

// refreshed is the answer to a refresh_token grant.
type refreshed struct {
	AccessToken, RefreshToken string
	ExpiresAt                 time.Time
}

// refreshToken spends refreshToken (Slack revokes it on use) for a new
// access token and refresh token.
func (s *Service) refreshToken(ctx context.Context, refreshToken string) (refreshed, error) {
	resp, err := slack.RefreshOAuthV2TokenContext(ctx, s.o.HTTPClient, s.o.ClientID, s.o.ClientSecret, refreshToken, slack.OAuthOptionAPIURL(s.apiURL))
	if err != nil {
		return refreshed{}, err
	}
	if !resp.Ok {
		return refreshed{}, errors.New("oauth.v2.access answered ok=false")
	}
	// Slack answers a user-token refresh at the top level; accept the
	// authed_user shape as well.
	out := refreshed{AccessToken: resp.AccessToken, RefreshToken: resp.RefreshToken}
	expiresIn := resp.ExpiresIn
	if au := resp.AuthedUser; au.AccessToken != "" {
		out.AccessToken, out.RefreshToken, expiresIn = au.AccessToken, au.RefreshToken, au.ExpiresIn
	}
	if out.AccessToken == "" {
		return refreshed{}, errors.New("oauth.v2.access refresh answered without an access token")
	}
	if expiresIn > 0 {
		out.ExpiresAt = s.o.Now().Add(time.Duration(expiresIn) * time.Second)
	}
	return out, nil
}

// revokeAtSlack calls auth.revoke with token. Slack answering that the
// token is already dead counts as success.
func (s *Service) revokeAtSlack(ctx context.Context, token string) error {
	api := slack.New(token, slack.OptionAPIURL(s.apiURL), slack.OptionHTTPClient(s.o.HTTPClient))
	_, err := api.SendAuthRevokeContext(ctx, token)
	switch slackCode(err) {
	case "invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed":
		return nil
	}
	return err
}

// deadRefresh reports Slack codes meaning the grant cannot be refreshed
// any more, so the installation is revoked.
func deadRefresh(code string) bool {
	switch code {
	case "invalid_refresh_token", "invalid_grant", "token_revoked", "invalid_auth", "account_inactive":
		return true
	}
	return false
}

func splitScopes(s string) []string {
	var out []string
	for sc := range strings.SplitSeq(s, ",") {
		if sc = strings.TrimSpace(sc); sc != "" && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// missingScopes returns the required scopes not in granted.
func missingScopes(required, granted []string) []string {
	var out []string
	for _, sc := range required {
		if !slices.Contains(granted, sc) {
			out = append(out, sc)
		}
	}
	return out
}
