package caller

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bearer string
		want   Kind
		issued bool
	}{
		{"smcp_abc", PersonalAccessToken, true},
		{"mcp_at_abc", AccessToken, true},
		{"mcp_rt_abc", Unrecognised, false}, // refresh tokens are never Bearer values
		{"xoxp-1-2-3", SlackToken, false},
		{"xoxb-1-2", SlackToken, false},
		{"", Unrecognised, false},
		{"Bearer xoxp-1", Unrecognised, false},
	} {
		got := KindOf(tc.bearer)
		assert.Equal(t, tc.want, got, tc.bearer)
		assert.Equal(t, tc.issued, got.Issued(), tc.bearer)
	}
}

type pats map[string]error

func (p pats) ResolvePAT(_ context.Context, tok string) (slackapi.Credentials, error) {
	if err := p[tok]; err != nil {
		return slackapi.Credentials{}, err
	}
	return slackapi.Credentials{Token: "xoxp-of-" + tok}, nil
}

type grants map[string]Grant

func (g grants) ResolveAccessToken(_ context.Context, tok string) (Grant, error) {
	if tok == "mcp_at_down" {
		return Grant{}, errors.New("store unreachable")
	}
	gr, ok := g[tok]
	if !ok {
		return Grant{}, fmt.Errorf("unknown: %w", authn.ErrInvalidToken)
	}
	return gr, nil
}

func TestResolve(t *testing.T) {
	t.Parallel()
	here := "https://mcp.example.com/mcp"
	full := Options{
		PATs: pats{"smcp_gone": fmt.Errorf("revoked: %w", authn.ErrRevokedToken), "smcp_down": errors.New("disk on fire")},
		AccessTokens: grants{
			"mcp_at_ok":       {Credentials: slackapi.Credentials{Token: "xoxp-1"}, Scopes: []string{"slack:read"}, Resource: here},
			"mcp_at_noscope":  {Credentials: slackapi.Credentials{Token: "xoxp-1"}},
			"mcp_at_away":     {Credentials: slackapi.Credentials{Token: "xoxp-1"}, Resource: "https://elsewhere.example/mcp"},
			"mcp_at_nocreds":  {Resource: here},
			"mcp_at_resource": {Credentials: slackapi.Credentials{Token: "xoxp-1"}},
		},
		Resources:         []string{here},
		AcceptSlackTokens: true,
	}
	for _, tc := range []struct {
		name    string
		o       Options
		bearer  string
		want    Grant
		refusal error  // a refusal wrapping this
		msg     string // the refusal's sentence, when it has one
		outage  bool
	}{
		{name: "pat", o: full, bearer: "smcp_live", want: Grant{Credentials: slackapi.Credentials{Token: "xoxp-of-smcp_live"}}},
		{name: "pat revoked", o: full, bearer: "smcp_gone", refusal: authn.ErrRevokedToken},
		{name: "pat outage", o: full, bearer: "smcp_down", outage: true},
		{name: "pats off", bearer: "smcp_live", refusal: authn.ErrInvalidToken},
		{name: "access token", o: full, bearer: "mcp_at_ok", want: Grant{Credentials: slackapi.Credentials{Token: "xoxp-1"}, Scopes: []string{"slack:read"}, Resource: here}},
		{name: "access token never unrestricted", o: full, bearer: "mcp_at_noscope", want: Grant{Credentials: slackapi.Credentials{Token: "xoxp-1"}, Scopes: []string{}}},
		{name: "access token for another resource", o: full, bearer: "mcp_at_away", refusal: authn.ErrInvalidToken, msg: MsgWrongAudience},
		{name: "access token without credentials", o: full, bearer: "mcp_at_nocreds", refusal: authn.ErrInvalidToken},
		{name: "access token unknown", o: full, bearer: "mcp_at_who", refusal: authn.ErrInvalidToken},
		{name: "access token outage", o: full, bearer: "mcp_at_down", outage: true},
		{name: "access tokens off", bearer: "mcp_at_ok", refusal: authn.ErrInvalidToken},
		{name: "slack token accepted", o: full, bearer: "xoxp-9", want: Grant{Credentials: slackapi.Credentials{Token: "xoxp-9"}}},
		{name: "slack token refused with the reason", bearer: "xoxb-9", refusal: authn.ErrInvalidToken, msg: MsgSlackTokensRefused},
		{name: "unrecognised", o: full, bearer: "hello", refusal: authn.ErrInvalidToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := New(tc.o).Resolve(context.Background(), tc.bearer)
			switch {
			case tc.outage:
				require.Error(t, err)
				assert.False(t, IsRefusal(err), "an outage is not a refusal: %v", err)
				assert.NotContains(t, err.Error(), tc.bearer)
			case tc.refusal != nil:
				require.ErrorIs(t, err, tc.refusal)
				if tc.msg != "" {
					assert.Equal(t, tc.msg, err.Error(), "the client sees this sentence")
				}
			default:
				require.NoError(t, err)
				assert.Equal(t, tc.want, g)
			}
		})
	}
}

func TestRefusalsExpireAndAreBounded(t *testing.T) {
	t.Parallel()
	clock := testkit.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r := New(Options{Now: clock.Now, MaxRefusals: 8})
	refused := fmt.Errorf("no: %w", authn.ErrInvalidToken)
	r.Refuse("k", refused)
	err, ok := r.Refused("k")
	require.True(t, ok)
	assert.Same(t, refused, err)
	clock.Advance(DefaultNegativeTTL)
	_, ok = r.Refused("k")
	assert.False(t, ok, "expired after NegativeTTL")

	for i := range 100 {
		r.Refuse(fmt.Sprint(i), refused)
	}
	assert.LessOrEqual(t, r.Refusals(), 8)
	r.ForgetRefusals()
	assert.Zero(t, r.Refusals())
}

func FuzzKindOf(f *testing.F) {
	for _, s := range []string{"smcp_x", "mcp_at_x", "mcp_rt_x", "xoxp-1", "xoxb-1", "xoxc-1", ""} {
		f.Add(s)
	}
	r := New(Options{})
	f.Fuzz(func(t *testing.T, bearer string) {
		k := KindOf(bearer)
		if k.Issued() != (k == PersonalAccessToken || k == AccessToken) {
			t.Fatalf("KindOf(%q) = %v, Issued disagrees", bearer, k)
		}
		// With nothing configured every Bearer value is refused, never an outage.
		if _, err := r.Resolve(context.Background(), bearer); !IsRefusal(err) {
			t.Fatalf("Resolve(%q) = %v, want a refusal", bearer, err)
		}
	})
}
