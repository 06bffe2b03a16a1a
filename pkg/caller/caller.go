package caller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/resource"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// Kind is what kind of Bearer value a request presented.
type Kind int

const (
	// Unrecognised is none of the kinds below.
	Unrecognised Kind = iota
	// SlackToken is a Slack user or bot token sent directly.
	SlackToken
	// PersonalAccessToken is a token of the browser flow (tenant.PATPrefix).
	PersonalAccessToken
	// AccessToken is a token of our MCP authorization server
	// (tenant.AccessTokenPrefix).
	AccessToken
)

// KindOf classifies a Bearer value by its shape alone.
func KindOf(bearer string) Kind {
	switch {
	case strings.HasPrefix(bearer, tenant.PATPrefix):
		return PersonalAccessToken
	case strings.HasPrefix(bearer, tenant.AccessTokenPrefix):
		return AccessToken
	}
	switch slackapi.KindOf(bearer) {
	case slackapi.UserToken, slackapi.BotToken:
		return SlackToken
	}
	return Unrecognised
}

// Issued reports whether k is a token this server issued; those are
// looked up in the store on every request.
func (k Kind) Issued() bool { return k == PersonalAccessToken || k == AccessToken }

// Grant is what a token we issued stands for. For an access token Scopes
// are the granted scopes (tenant.ScopeRead, tenant.ScopeWrite), never
// nil; for a personal access token or a Slack token they are nil:
// unrestricted but for the Slack token's own scopes.
type Grant struct {
	// Credentials are the Slack credentials of the installation.
	Credentials slackapi.Credentials
	Scopes      []string
	// ClientID is the OAuth client an access token was issued to.
	ClientID string
	// Resource is the resource URI (RFC 8707) an access token is bound
	// to; empty means this server.
	Resource string
	// InstallationID is the store's key of the Slack installation.
	InstallationID string
}

// PATResolver maps a personal access token we issued to the Slack
// credentials of its installation. Unknown and revoked tokens are errors
// wrapping authn.ErrInvalidToken or authn.ErrRevokedToken; any other error
// is an outage (the caller gets a 503, nothing is cached).
type PATResolver interface {
	ResolvePAT(ctx context.Context, token string) (slackapi.Credentials, error)
}

// AccessTokenResolver maps an access token we issued to its grant, with
// the same error contract as PATResolver. Errors must not contain the
// token.
type AccessTokenResolver interface {
	ResolveAccessToken(ctx context.Context, token string) (Grant, error)
}

// The sentences of refusals the client sees (authn.Refusal); fixed text,
// no request data.
const (
	MsgSlackTokensRefused = "this server does not accept Slack tokens as Bearer tokens: the MCP specification forbids passing a client's token through to an upstream API. " +
		"Add the server to your MCP client by its URL and sign in when asked; the client then authorizes at /authorize and gets a token issued by this server"
	MsgWrongAudience = "this access token was issued for another resource; authorize again for this server"
)

// Defaults of Options.
const (
	DefaultNegativeTTL = 30 * time.Second
	DefaultMaxRefusals = 10_000
)

// Options configure a Resolver.
type Options struct {
	// PATs resolves personal access tokens; nil refuses them.
	PATs PATResolver
	// AccessTokens resolves our access tokens; nil refuses them.
	AccessTokens AccessTokenResolver
	// Resources are the resource URIs an access token may be bound to
	// (resource.Identifiers); a grant bound to another is refused. Empty
	// leaves the audience check to AccessTokens.
	Resources []string
	// AcceptSlackTokens accepts xoxp-/xoxb- tokens sent directly. Off,
	// they are refused with a sentence saying why and how to connect.
	AcceptSlackTokens bool
	// NegativeTTL is how long a refused token stays refused without
	// asking again (default 30s).
	NegativeTTL time.Duration
	// MaxRefusals bounds the table of refused tokens (default 10,000).
	MaxRefusals int
	// Revoked is told when Slack ends the grant behind a token we issued
	// (Revoker.Revoke does what OAuth mode needs).
	Revoked RevokedFunc
	Now     func() time.Time
}

// Resolver turns Bearer values into the credentials they stand for and
// remembers refusals. It is safe for concurrent use.
type Resolver struct {
	o       Options
	refused *refusals
}

// New returns a Resolver with o's defaults filled in.
func New(o Options) *Resolver {
	if o.NegativeTTL <= 0 {
		o.NegativeTTL = DefaultNegativeTTL
	}
	if o.MaxRefusals <= 0 {
		o.MaxRefusals = DefaultMaxRefusals
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Resolver{o: o, refused: newRefusals(o.MaxRefusals, o.NegativeTTL)}
}

// Resolve returns what bearer stands for: the Slack credentials and, for
// an access token, the grant's scopes. Refusals wrap authn.ErrInvalidToken
// or authn.ErrRevokedToken (IsRefusal); other errors are outages. It does
// not consult or fill the refusal table: the caller decides what to
// remember (Refuse).
func (r *Resolver) Resolve(ctx context.Context, bearer string) (Grant, error) {
	fp := tenant.Fingerprint(bearer)
	switch KindOf(bearer) {
	case PersonalAccessToken:
		if r.o.PATs == nil {
			return Grant{}, fmt.Errorf("%w: personal access tokens are not enabled", authn.ErrInvalidToken)
		}
		creds, err := r.o.PATs.ResolvePAT(ctx, bearer)
		if err != nil {
			if IsRefusal(err) {
				return Grant{}, err
			}
			return Grant{}, fmt.Errorf("caller: resolving personal access token %s: %w", fp, err)
		}
		return Grant{Credentials: creds}, nil
	case AccessToken:
		if r.o.AccessTokens == nil {
			return Grant{}, fmt.Errorf("%w: OAuth access tokens are not enabled", authn.ErrInvalidToken)
		}
		g, err := r.o.AccessTokens.ResolveAccessToken(ctx, bearer)
		if err != nil {
			if IsRefusal(err) {
				return Grant{}, err
			}
			return Grant{}, fmt.Errorf("caller: resolving access token %s: %w", fp, err)
		}
		if g.Resource != "" && len(r.o.Resources) > 0 && !resource.Match(r.o.Resources, g.Resource) {
			return Grant{}, authn.Refusal(authn.ErrInvalidToken, MsgWrongAudience)
		}
		if g.Credentials.Token == "" {
			return Grant{}, fmt.Errorf("%w: access token %s resolved to no Slack credentials", authn.ErrInvalidToken, fp)
		}
		g.Scopes = CloneScopes(g.Scopes)
		if g.Scopes == nil {
			g.Scopes = []string{} // an access token is never unrestricted
		}
		return g, nil
	case SlackToken:
		if !r.o.AcceptSlackTokens {
			return Grant{}, authn.Refusal(authn.ErrInvalidToken, MsgSlackTokensRefused)
		}
		return Grant{Credentials: slackapi.Credentials{Token: bearer}}, nil
	default:
		return Grant{}, fmt.Errorf("%w: unrecognised token type", authn.ErrInvalidToken)
	}
}

// IsRefusal reports whether err refuses the token (as opposed to an
// outage, which is never remembered).
func IsRefusal(err error) bool {
	return errors.Is(err, authn.ErrInvalidToken) || errors.Is(err, authn.ErrRevokedToken)
}

// CloneScopes copies scopes, keeping nil (unrestricted) and empty (none
// granted) apart.
func CloneScopes(scopes []string) []string {
	if scopes == nil {
		return nil
	}
	return slices.Clone(scopes)
}

// Refused returns the remembered refusal of the token with key
// tenant.KeyOf(bearer), if it is still fresh.
func (r *Resolver) Refused(key string) (error, bool) { return r.refused.get(key, r.o.Now()) }

// Refuse remembers err as the answer for key for Options.NegativeTTL.
func (r *Resolver) Refuse(key string, err error) { r.refused.put(key, err, r.o.Now()) }

// PurgeRefusals drops the refusals that have expired.
func (r *Resolver) PurgeRefusals() { r.refused.purge(r.o.Now()) }

// ForgetRefusals drops every refusal.
func (r *Resolver) ForgetRefusals() { r.refused.clear() }

// Refusals is the number of refusals remembered, for /health.
func (r *Resolver) Refusals() int { return r.refused.len() }
