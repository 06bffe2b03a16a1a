package caller

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Several workspaces through one token: an access token of our
// authorization server stands for the installation it was issued for and,
// when the person picked more on the consent page, for those too. Each
// workspace gets its own caller key (KeyIn), so its validation, session,
// caches and Slack rate limits stay apart from the others'.

// Workspace is one Slack installation a token reaches.
type Workspace struct {
	InstallationID string
	TeamID         string
	EnterpriseID   string
	// Name is the workspace's name as Slack gave it at sign-in.
	Name string
}

// AccessTokenWorkspaces is implemented by access token resolvers whose
// tokens may reach several installations (pkg/oauthserver).
type AccessTokenWorkspaces interface {
	// AccessTokenWorkspaces lists the installations token reaches, the
	// token's own (the default) first. Errors follow AccessTokenResolver.
	AccessTokenWorkspaces(ctx context.Context, token string) ([]Workspace, error)
	// ResolveAccessTokenIn is ResolveAccessToken for one of them; an
	// installation the token does not reach is a refusal.
	ResolveAccessTokenIn(ctx context.Context, token, installationID string) (Grant, error)
}

// MsgOneWorkspace refuses a workspace choice for a token that reaches one.
const MsgOneWorkspace = "this token reaches one Slack workspace only; connect the others through the consent page of an MCP client to use several"

// KeyIn is the caller key of bearer acting in installation ("" for the
// token's own): the Validator and the session pool keep one entry per
// workspace under it.
func KeyIn(bearer, installation string) string {
	key := tenant.KeyOf(bearer)
	if installation == "" {
		return key
	}
	return key + "@" + installation
}

// In returns a copy of c acting in installation ("" for the token's own):
// the same token and grant, another caller key. The MCP session stays
// bound to c's Subject.
func In(c *tenant.Caller, installation string) *tenant.Caller {
	cc := *c
	cc.Installation = installation
	cc.Key = KeyIn(c.Bearer, installation)
	return &cc
}

// Workspaces lists the workspaces bearer reaches, its own first; nil when
// it reaches exactly one (every kind of token but access tokens of a
// resolver that implements AccessTokenWorkspaces).
func (r *Resolver) Workspaces(ctx context.Context, bearer string) ([]Workspace, error) {
	aw, ok := r.o.AccessTokens.(AccessTokenWorkspaces)
	if !ok || KindOf(bearer) != AccessToken {
		return nil, nil
	}
	list, err := aw.AccessTokenWorkspaces(ctx, bearer)
	if err != nil && !IsRefusal(err) {
		return nil, fmt.Errorf("caller: workspaces of access token %s: %w", tenant.Fingerprint(bearer), err)
	}
	return list, err
}

// ResolveIn is Resolve for bearer acting in installation; "" is Resolve.
func (r *Resolver) ResolveIn(ctx context.Context, bearer, installation string) (Grant, error) {
	if installation == "" {
		return r.Resolve(ctx, bearer)
	}
	aw, ok := r.o.AccessTokens.(AccessTokenWorkspaces)
	if !ok || KindOf(bearer) != AccessToken {
		return Grant{}, authn.Refusal(authn.ErrInvalidToken, MsgOneWorkspace)
	}
	g, err := aw.ResolveAccessTokenIn(ctx, bearer, installation)
	if err != nil {
		if IsRefusal(err) {
			return Grant{}, err
		}
		return Grant{}, fmt.Errorf("caller: resolving access token %s in another workspace: %w", tenant.Fingerprint(bearer), err)
	}
	if g.Credentials.Token == "" {
		return Grant{}, fmt.Errorf("%w: access token %s resolved to no Slack credentials", authn.ErrInvalidToken, tenant.Fingerprint(bearer))
	}
	g.Scopes = CloneScopes(g.Scopes)
	if g.Scopes == nil {
		g.Scopes = []string{}
	}
	return g, nil
}

// ErrNoWorkspaces is returned by Validator.Workspaces without a caller.
var ErrNoWorkspaces = errors.New("caller: no authenticated caller in the request context")

// Workspaces lists the workspaces the caller of ctx reaches (Resolver.Workspaces).
func (v *Validator) Workspaces(ctx context.Context) ([]Workspace, error) {
	c := tenant.From(ctx)
	if c == nil {
		return nil, ErrNoWorkspaces
	}
	return v.o.Resolver.Workspaces(ctx, c.Bearer)
}
