package main

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/admin"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/connections"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/oauthserver"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// connectionsAPI wires /api/connections: a person is named by their own
// personal access token or by their browser session.
func connectionsAPI(st store.Backend, as *oauthserver.Server, oauth *slackoauth.Service,
	factory *slackapi.Factory, slackURL string, log zerolog.Logger) *connections.API {
	return connections.New(connections.Options{
		Store:    st,
		GovSlack: strings.Contains(slackURL, "slack-gov.com"),
		Logger:   log,
		Identify: func(r *http.Request) (connections.Who, error) {
			if h := r.Header.Get("Authorization"); h != "" {
				// Only the person's own personal access token: an MCP
				// client's access token is bound to /mcp (its audience) and
				// was never meant to manage the person's connections.
				scheme, tok, _ := strings.Cut(h, " ")
				tok = strings.TrimSpace(tok)
				if !strings.EqualFold(scheme, "Bearer") || caller.KindOf(tok) != caller.PersonalAccessToken {
					return connections.Who{}, connections.ErrNoCredential
				}
				id, err := oauth.PATInstallation(r.Context(), tok)
				switch {
				case errors.Is(err, authn.ErrInvalidToken), errors.Is(err, authn.ErrRevokedToken):
					return connections.Who{}, connections.ErrNoCredential
				case err != nil:
					return connections.Who{}, err
				}
				return connections.Who{InstallationID: id}, nil
			}
			return browserSession(as, r)
		},
		Session: func(r *http.Request) (connections.Who, error) { return browserSession(as, r) },
		SignOut: as.EndBrowserSession,
		Test: func(ctx context.Context, id string) connections.TestResult {
			creds, err := oauth.CredentialsFor(ctx, id)
			if err != nil {
				return connections.TestResult{Error: testFailure(err)}
			}
			c, err := factory.Connect(ctx, creds)
			if err != nil {
				return connections.TestResult{Error: testFailure(err)}
			}
			who := c.Identity
			return connections.TestResult{OK: true, Team: who.TeamName, TeamID: who.TeamID, User: who.UserName, UserID: who.UserID, URL: who.URL}
		},
		Disconnect: oauth.Disconnect,
	})
}

// adminAPI wires /api/admin for the operators of SLACK_MCP_ADMINS and the
// holder of SLACK_MCP_ADMIN_TOKEN.
func adminAPI(st store.Backend, o oauthConfig, as *oauthserver.Server, oauth *slackoauth.Service, log zerolog.Logger) *admin.API {
	return admin.New(admin.Options{
		Store: st, Admins: o.Admins, Token: o.AdminToken, Disconnect: oauth.Disconnect, Logger: log,
		Session: func(r *http.Request) (admin.Session, bool, error) {
			id, csrf, ok, err := as.BrowserSession(r)
			return admin.Session{InstallationID: id, CSRF: csrf}, ok, err
		},
	})
}

// workspaceRules reads a workspace's admin policy on every write tool
// call: one primary-key lookup, so a change applies at once on every
// replica.
func workspaceRules(st store.Policies) tools.WorkspaceRulesFunc {
	return func(ctx context.Context, teamID string) (tools.WorkspaceRules, error) {
		p, err := st.GetWorkspacePolicy(ctx, teamID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return tools.ParseWorkspaceRules(p.Rules)
	}
}

// browserSession names the installation this browser signed in to.
func browserSession(as *oauthserver.Server, r *http.Request) (connections.Who, error) {
	id, csrf, ok, err := as.BrowserSession(r)
	switch {
	case err != nil:
		return connections.Who{}, err
	case !ok:
		return connections.Who{}, connections.ErrNoCredential
	}
	return connections.Who{InstallationID: id, Browser: true, CSRF: csrf}, nil
}

// testFailure is Slack's error code, or a fixed word when Slack gave none
// (an error's text could name internals).
func testFailure(err error) string {
	if code := slackapi.SlackErrorCode(err); code != "" {
		return code
	}
	return "unreachable"
}
