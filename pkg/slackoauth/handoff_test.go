package slackoauth

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// recordingHandoff claims callbacks whose state hash it knows and runs
// the exchange.
type recordingHandoff struct {
	want     string
	required []string
	got      store.Installation
	err      error
}

func (h *recordingHandoff) HandleSlackCallback(w http.ResponseWriter, r *http.Request, stateHash string, exchange ExchangeFunc) bool {
	if stateHash != h.want {
		return false
	}
	h.got, h.err = exchange(r.Context(), h.required)
	w.WriteHeader(http.StatusTeapot)
	return true
}

func TestHandoff(t *testing.T) {
	t.Parallel()
	ho := &recordingHandoff{required: testScopes[:2]}
	h := newHarness(t)
	h.mux.Handle("/oauth/callback", h.svc.Callback(ho.HandleSlackCallback)) // as oauthserver mounts it

	state := newRandom()
	ho.want = hashHex(state)
	u, err := url.Parse(h.svc.AuthorizeURL(state, testScopes[:2]))
	require.NoError(t, err)
	require.Equal(t, h.emu.URL+"/oauth/v2/authorize", u.Scheme+"://"+u.Host+u.Path)
	require.Equal(t, "channels:history,channels:read", u.Query().Get("user_scope"))
	require.Equal(t, h.emu.URL, h.svc.SlackURL())

	// Slack approves; the callback goes to the handoff, which gets an
	// installation and no PAT.
	sl := do(t, h.browser, http.MethodGet, u.String(), nil)
	require.Equal(t, http.StatusFound, sl.Status, sl.Body)
	cb := do(t, h.browser, http.MethodGet, sl.Header.Get("Location"), nil)
	require.Equal(t, http.StatusTeapot, cb.Status)
	require.NoError(t, ho.err)
	require.Equal(t, testUser, ho.got.UserID)
	require.NotContains(t, ho.got.AccessToken, "xox", "sealed")
	require.NotContains(t, cb.Body, "smcp_")
	require.Len(t, h.audit("oauth_completed"), 1)

	creds, err := h.svc.CredentialsFor(context.Background(), ho.got.ID)
	require.NoError(t, err)
	who, err := h.slackAuthTest(creds.Token)
	require.NoError(t, err)
	require.Equal(t, testUser, who.UserID)

	// An unknown state the handoff does not claim: invalid state, as before.
	r := do(t, h.browser, http.MethodGet, h.srv.URL+"/oauth/callback?code=x&state="+newRandom(), nil)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Contains(t, r.Body, CodeInvalidState)

	// Slack's access_denied reaches the handoff as an error code.
	state = newRandom()
	ho.want = hashHex(state)
	r = do(t, h.browser, http.MethodGet, h.srv.URL+"/oauth/callback?error=access_denied&state="+state, nil)
	require.Equal(t, http.StatusTeapot, r.Status)
	require.Equal(t, CodeAccessDenied, ErrorCode(ho.err))
}
