package caller

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// twoInstallations is an access token resolver whose one token reaches
// installation I1 (its own, Slack user U1) and I2 (U2).
type twoInstallations struct{}

var byInstallation = map[string]string{"I1": "xoxp-1", "I2": "xoxp-2"}

func (twoInstallations) ResolveAccessToken(ctx context.Context, tok string) (Grant, error) {
	return twoInstallations{}.ResolveAccessTokenIn(ctx, tok, "I1")
}

func (twoInstallations) AccessTokenWorkspaces(_ context.Context, tok string) ([]Workspace, error) {
	if tok != "mcp_at_two" {
		return nil, authn.ErrInvalidToken
	}
	return []Workspace{{InstallationID: "I1", TeamID: "T1"}, {InstallationID: "I2", TeamID: "T1"}}, nil
}

func (twoInstallations) ResolveAccessTokenIn(_ context.Context, tok, inst string) (Grant, error) {
	slackTok, ok := byInstallation[inst]
	if tok != "mcp_at_two" || !ok {
		return Grant{}, fmt.Errorf("%w: not reached", authn.ErrInvalidToken)
	}
	return Grant{Credentials: slackapi.Credentials{Token: slackTok}, Scopes: []string{tenant.ScopeRead}, InstallationID: inst}, nil
}

// Each workspace of a token is validated on its own, under its own key:
// a workspace the token does not reach is refused without touching the
// others, and invalidating the token drops them all.
func TestValidatorPerWorkspace(t *testing.T) {
	t.Parallel()
	r := newValidatorRig(t, func(o *ValidatorOptions) {
		o.Resolver = New(Options{AccessTokens: twoInstallations{}, PATs: &swappablePATs{m: map[string]string{"smcp_a": "xoxp-1"}}, Now: o.Now})
	})
	ctx := context.Background()
	const at = "mcp_at_two"
	c, err := r.v.Authenticate(ctx, at)
	require.NoError(t, err)
	assert.Empty(t, c.Installation)
	in, err := r.v.AuthenticateIn(ctx, at, "I2")
	require.NoError(t, err)
	assert.Equal(t, "I2", in.Installation)
	assert.Equal(t, KeyIn(at, "I2"), in.Key)
	assert.Equal(t, []string{tenant.ScopeRead}, in.Scopes)

	def, ok := r.v.Lookup(tenant.KeyOf(at))
	require.True(t, ok)
	other, ok := r.v.Lookup(KeyIn(at, "I2"))
	require.True(t, ok)
	assert.Equal(t, "U1", def.Identity.UserID)
	assert.Equal(t, "U2", other.Identity.UserID, "the other workspace's own credentials")

	_, err = r.v.AuthenticateIn(ctx, at, "I9")
	require.ErrorIs(t, err, authn.ErrInvalidToken)
	_, err = r.v.Authenticate(ctx, at)
	require.NoError(t, err, "refusing one workspace leaves the token alone")

	list, err := r.v.Workspaces(tenant.With(ctx, c))
	require.NoError(t, err)
	require.Len(t, list, 2)

	r.v.InvalidateKey(tenant.KeyOf(at))
	_, ok = r.v.Lookup(KeyIn(at, "I2"))
	assert.False(t, ok, "invalidating the token drops every workspace of it")
	_, told := r.drops.of(KeyIn(at, "I2"))
	assert.True(t, told)

	// Tokens that reach one workspace refuse a choice.
	_, err = r.v.AuthenticateIn(ctx, "smcp_a", "I2")
	require.ErrorIs(t, err, authn.ErrInvalidToken)
	assert.Contains(t, err.Error(), MsgOneWorkspace)
	pats, err := r.v.Workspaces(tenant.With(ctx, &tenant.Caller{Bearer: "smcp_a"}))
	require.NoError(t, err)
	assert.Nil(t, pats)
	_, err = r.v.Workspaces(ctx)
	require.ErrorIs(t, err, ErrNoWorkspaces)
}

func TestKeyInAndIn(t *testing.T) {
	t.Parallel()
	assert.Equal(t, tenant.KeyOf("tok"), KeyIn("tok", ""))
	assert.Equal(t, tenant.KeyOf("tok")+"@I2", KeyIn("tok", "I2"))
	c := &tenant.Caller{Key: tenant.KeyOf("tok"), Bearer: "tok", Subject: "E|T|U", Scopes: []string{"slack:read"}}
	in := In(c, "I2")
	assert.Equal(t, "E|T|U", in.Subject, "the MCP session stays bound to the token's own identity")
	assert.Equal(t, KeyIn("tok", "I2"), KeyOf(in))
	assert.Empty(t, c.Installation, "the original is untouched")
	assert.Equal(t, c.Key, KeyOf(In(in, "")))
}
