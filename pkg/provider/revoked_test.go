package provider

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// revocations records what caller.Options.Revoked was told.
type revocations struct {
	mu  sync.Mutex
	got []string // bearer + " " + Slack token + " " + code
}

func (r *revocations) hook(_ context.Context, bearer, _ string, creds slackapi.Credentials, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, bearer+" "+creds.Token+" "+code)
}

func (r *revocations) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// newRevokingMulti serves a PAT, an access token and the Slack tokens of
// team T1, telling rec about definitive refusals.
func newRevokingMulti(t *testing.T, emu *slackemu.Server, rec *revocations) testMulti {
	t.Helper()
	pats := &fakePATs{creds: map[string]slackapi.Credentials{"smcp_alive": {Token: userToken("T1", 0)}}, errs: map[string]error{}}
	grants := newGrants(t)
	m, _ := newMultiFor(t, newFactory(t, emu.URL), func(o *testOptions) {
		o.PATs = pats
		o.AccessTokens = grants
		o.Revoked = rec.hook
	})
	return m
}

// Finding 5: a token we issued whose Slack grant Slack refuses for good
// is reported, so its installation can be revoked; outages and Slack
// tokens sent directly are not.
func TestMultiReportsSlackRevocation(t *testing.T) {
	t.Parallel()
	slackTok := userToken("T1", 0)
	for _, tc := range []struct {
		name, token, inject string
		want                []string
	}{
		{name: "access token, token_revoked", token: "mcp_at_read", inject: "token_revoked", want: []string{"mcp_at_read " + slackTok + " token_revoked"}},
		{name: "access token, invalid_auth", token: "mcp_at_read", inject: "invalid_auth", want: []string{"mcp_at_read " + slackTok + " invalid_auth"}},
		{name: "pat, account_inactive", token: "smcp_alive", inject: "account_inactive", want: []string{"smcp_alive " + slackTok + " account_inactive"}},
		{name: "pat, token_revoked", token: "smcp_alive", inject: "token_revoked", want: []string{"smcp_alive " + slackTok + " token_revoked"}},
		{name: "outage is not a revocation", token: "mcp_at_read", inject: "internal_error"},
		{name: "rate limit is not a revocation", token: "smcp_alive", inject: "ratelimited"},
		{name: "expired token is not a revocation", token: "mcp_at_read", inject: "token_expired"},
		{name: "slack token sent directly is not ours", token: slackTok, inject: "token_revoked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
			rec := &revocations{}
			m := newRevokingMulti(t, emu, rec)
			emu.FailNextWith("auth.test", tc.inject, 1)
			_, err := m.Authenticate(context.Background(), tc.token)
			require.Error(t, err)
			assert.Equal(t, tc.want, rec.all())
		})
	}
}

// Finding 5, the tool path: a cached validation hides the revocation from
// Authenticate; the tool's auth error makes the server call Invalidate,
// which confirms with auth.test and reports at once. A spurious tool
// error (auth.test still fine) reports nothing and keeps the caller.
func TestMultiInvalidateConfirmsRevocation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, token, inject string
		revoked             bool
	}{
		{name: "access token revoked at slack", token: "mcp_at_read", inject: "token_revoked", revoked: true},
		{name: "pat revoked at slack", token: "smcp_alive", inject: "invalid_auth", revoked: true},
		{name: "auth.test still fine", token: "mcp_at_read"},
		{name: "auth.test outage", token: "smcp_alive", inject: "internal_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
			rec := &revocations{}
			m := newRevokingMulti(t, emu, rec)
			ctx := withCaller(t, m, tc.token)
			require.Equal(t, 1, emu.Calls("auth.test"))
			if tc.inject != "" {
				emu.FailNextWith("auth.test", tc.inject, 1)
			}
			m.Invalidate(ctx)
			assert.Equal(t, 2, emu.Calls("auth.test"), "confirmed at once")
			if !tc.revoked {
				assert.Empty(t, rec.all())
				return
			}
			require.Len(t, rec.all(), 1)
			_, err := m.Authenticate(context.Background(), tc.token)
			require.True(t, caller.IsRefusal(err), "refused until Slack says otherwise: %v", err)
			assert.Equal(t, 2, emu.Calls("auth.test"), "the refusal is remembered")
		})
	}
}

// A Slack token sent directly has no installation of ours: Invalidate
// costs no confirming auth.test.
func TestMultiInvalidateSlackTokenNoConfirm(t *testing.T) {
	t.Parallel()
	emu := newEmu(t, newWorkspace("T1", 2), slackemu.Options{})
	rec := &revocations{}
	m := newRevokingMulti(t, emu, rec)
	ctx := withCaller(t, m, userToken("T1", 1))
	m.Invalidate(ctx)
	m.Invalidate(tenant.With(context.Background(), &tenant.Caller{Bearer: userToken("T1", 1)}))
	assert.Equal(t, 1, emu.Calls("auth.test"))
	assert.Empty(t, rec.all())
}
