package oauthserver

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Several workspaces through one MCP connection. An access token stands
// for the installation it was issued for (the default) and for every
// other installation of the same person (Options.PersonInstallations)
// where the person approved the same application with at least the
// token's scopes: a consent, recorded when they picked that workspace on
// the consent page. Links alone never grant anything, and revoking the
// application in one workspace (or disconnecting it) takes that
// workspace away at the next call.

var _ caller.AccessTokenWorkspaces = (*Server)(nil)

// msgNotReached refuses a workspace the token does not (or no longer)
// reach.
const msgNotReached = "this application is not allowed in that workspace (or it was disconnected); approve it there from the application's sign-in page"

// AccessTokenWorkspaces implements caller.AccessTokenWorkspaces.
func (s *Server) AccessTokenWorkspaces(ctx context.Context, token string) ([]caller.Workspace, error) {
	t, err := s.accessToken(ctx, token)
	if err != nil {
		return nil, err
	}
	own, others, err := s.reached(ctx, t)
	if err != nil {
		return nil, err
	}
	out := []caller.Workspace{workspaceOf(own)}
	for _, in := range others {
		out = append(out, workspaceOf(in))
	}
	return out, nil
}

// ResolveAccessTokenIn implements caller.AccessTokenWorkspaces.
func (s *Server) ResolveAccessTokenIn(ctx context.Context, token, installationID string) (caller.Grant, error) {
	t, err := s.accessToken(ctx, token)
	if err != nil {
		return caller.Grant{}, err
	}
	if installationID == t.InstallationID {
		return s.grantIn(ctx, t, installationID)
	}
	_, others, err := s.reached(ctx, t)
	if err != nil {
		return caller.Grant{}, err
	}
	if !slices.ContainsFunc(others, func(in store.Installation) bool { return in.ID == installationID }) {
		return caller.Grant{}, authn.Refusal(authn.ErrInvalidToken, msgNotReached)
	}
	return s.grantIn(ctx, t, installationID)
}

// accessToken loads a valid access token of ours, with ResolveAccessToken's
// refusals.
func (s *Server) accessToken(ctx context.Context, token string) (store.Token, error) {
	hash, err := s.parseToken(token, tenant.AccessTokenPrefix)
	if err != nil {
		return store.Token{}, fmt.Errorf("oauthserver: access token: %w", authn.ErrInvalidToken)
	}
	t, err := s.o.Store.GetToken(ctx, hash, s.o.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Token{}, fmt.Errorf("oauthserver: access token %s: %w", fp(hash), authn.ErrInvalidToken)
	case err != nil:
		return store.Token{}, fmt.Errorf("oauthserver: look up access token %s: %w", fp(hash), err)
	case !t.RevokedAt.IsZero():
		return store.Token{}, fmt.Errorf("oauthserver: access token %s: %w", fp(hash), authn.ErrRevokedToken)
	case t.Kind != store.TokenAccess, !s.ourResource(t.Resource):
		return store.Token{}, fmt.Errorf("oauthserver: token %s: %w", fp(hash), authn.ErrInvalidToken)
	}
	return t, nil
}

// reached returns t's own installation and the others t reaches: the
// same person's, active, where t's client holds an unrevoked consent
// covering t's scopes. One read of the person's installations serves both.
func (s *Server) reached(ctx context.Context, t store.Token) (own store.Installation, others []store.Installation, err error) {
	var mine []store.Installation
	if s.o.PersonInstallations != nil {
		if mine, err = s.o.PersonInstallations(ctx, t.InstallationID); err != nil {
			return own, nil, fmt.Errorf("oauthserver: the person's installations: %w", err)
		}
	}
	i := slices.IndexFunc(mine, func(in store.Installation) bool { return in.ID == t.InstallationID })
	if i < 0 {
		if own, err = s.o.Store.GetInstallation(ctx, t.InstallationID); err != nil {
			return own, nil, fmt.Errorf("oauthserver: access token %s: installation: %w", fp(t.Hash), err)
		}
	} else {
		own = mine[i]
	}
	want := splitScope(t.Scope)
	for _, in := range mine {
		if in.ID == t.InstallationID || in.Status != store.StatusActive || in.AccessToken == "" {
			continue
		}
		c, err := s.o.Store.GetConsent(ctx, in.ID, t.ClientID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return own, nil, fmt.Errorf("oauthserver: consent: %w", err)
		}
		if c.RevokedAt.IsZero() && scopesCover(splitScope(c.Scope), want) {
			others = append(others, in)
		}
	}
	return own, others, nil
}

// scopesCover is covers with slack:write implying slack:read.
func scopesCover(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) && !(w == ScopeRead && slices.Contains(have, ScopeWrite)) {
			return false
		}
	}
	return true
}

func workspaceOf(in store.Installation) caller.Workspace {
	return caller.Workspace{InstallationID: in.ID, TeamID: in.TeamID, EnterpriseID: in.EnterpriseID, Name: in.TeamName}
}
