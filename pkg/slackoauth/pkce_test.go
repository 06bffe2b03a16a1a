package slackoauth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Finding 11: a Slack code minted for the victim's flow, taken to the
// attacker's own flow (the attacker's state, bound to the attacker's
// browser), must not yield a token there. With PKCE the exchange carries
// the verifier of the attacker's flow and Slack refuses it; without PKCE
// the code completes (the residual risk the documentation names).
func TestSlackCodeInjection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		pkce     bool
		injected bool // the attacker's flow gets a token
	}{
		{name: "with PKCE the code is bound to its flow", pkce: true},
		{name: "without PKCE (residual risk)", pkce: false, injected: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mods []func(*setup)
			if tc.pkce {
				mods = append(mods, withPKCE())
			}
			h := newHarness(t, mods...)
			victim, attacker := newBrowser(t), newBrowser(t)

			// The victim's code, intercepted before it reaches us.
			toSlack := h.authorize(victim, "")
			slackURL := toSlack.Location(t)
			require.Equal(t, tc.pkce, slackURL.Query().Get("code_challenge") != "", slackURL.String())
			if tc.pkce {
				require.Equal(t, "S256", slackURL.Query().Get("code_challenge_method"))
			}
			victimCB, err := url.Parse(h.toSlack(victim, toSlack))
			require.NoError(t, err)
			code := victimCB.Query().Get("code")

			// The attacker starts a flow and finishes it with that code.
			attackerCB, err := url.Parse(h.toSlack(attacker, h.authorize(attacker, "")))
			require.NoError(t, err)
			q := attackerCB.Query()
			q.Set("code", code)
			attackerCB.RawQuery = q.Encode()
			got := do(t, attacker, http.MethodGet, attackerCB.String(), nil)
			if tc.injected {
				require.Equal(t, http.StatusOK, got.Status, got.Body)
				patOf(t, got.Body)
				return
			}
			require.NotEqual(t, http.StatusOK, got.Status, got.Body)
			require.Contains(t, got.Body, CodeExchangeFailed)
			require.False(t, patRE.MatchString(got.Body))
			_, err = h.store.FindInstallation(context.Background(), "", testTeam, testUser)
			require.ErrorIs(t, err, store.ErrNotFound, "no installation from the injected code")
			ev := h.audit("oauth_failed")
			require.NotEmpty(t, ev)
			require.False(t, strings.Contains(ev[len(ev)-1].Detail, code), "the code is not logged")

			// The victim's own flow, with its own code, works.
			page := h.connect(victim, "")
			require.Equal(t, http.StatusOK, page.Status, page.Body)
			patOf(t, page.Body)
		})
	}
}

// The verifier is a function of the state (43 base64url characters), so
// both flows that reach Slack bind their codes without storing anything.
func TestPKCEVerifier(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withPKCE())
	a, b := h.svc.pkceVerifier("state-a"), h.svc.pkceVerifier("state-b")
	require.Len(t, a, 43)
	require.NotEqual(t, a, b)
	require.Equal(t, a, h.svc.pkceVerifier("state-a"))
	u, err := url.Parse(h.svc.AuthorizeURL("state-a", nil))
	require.NoError(t, err)
	require.NotEmpty(t, u.Query().Get("code_challenge"))
	require.NotContains(t, u.String(), a, "the verifier never leaves the server")
}
