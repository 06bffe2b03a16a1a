package oauthserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readOnlyDeployment: no write tool is enabled.
func readOnlyDeployment(ho *hopts) {
	ho.mod = func(o *Options) { o.WriteSlackScopes, o.WriteActions = nil, nil }
}

// TestConsentShowsWhatTheDeploymentCanDo: the consent page used to say
// "read and write" while listing read permissions only when no write tool
// was enabled, and still granted slack:write. Now a read-only deployment
// neither advertises, shows nor grants write, and a writing one lists each
// enabled write action with its Slack scopes.
func TestConsentShowsWhatTheDeploymentCanDo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		readOnly   bool
		scope      string
		wantScope  string
		wantAccess string
		wantWrite  []string // write action lines on the page
	}{
		{"read-only deployment, write asked", true, "slack:read slack:write", "slack:read", "read only", nil},
		{"read-only deployment, write alone asked", true, "slack:write", "slack:read", "read only", nil},
		{"read-only deployment, read asked", true, "slack:read", "slack:read", "read only", nil},
		{"writing deployment, read asked", false, "slack:read", "slack:read", "read only", nil},
		{"writing deployment, write asked", false, "slack:read slack:write", "slack:read slack:write", "read and write",
			[]string{"<li>Post a message (chat:write)</li>", "<li>Add a reaction (reactions:write)</li>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mods []func(*hopts)
			if tc.readOnly {
				mods = append(mods, readOnlyDeployment)
			}
			h := newHarness(t, "mem", mods...)
			clientID := h.publicClient()
			b := newBrowser(t)
			v, ch := pkce()
			q := h.authzParams(clientID, ch)
			q.Set("scope", tc.scope)
			page := h.authorize(b, q)
			require.Equal(t, http.StatusOK, page.Status, page.Body)
			require.Contains(t, page.Body, "Access: <strong>"+tc.wantAccess+"</strong>")
			require.Contains(t, page.Body, "<li>Search messages and files you can see (search:read)</li>")
			for _, line := range tc.wantWrite {
				require.Contains(t, page.Body, line)
			}
			if tc.wantWrite == nil {
				for _, s := range []string{"write", "Post a message", "act in Slack", "Send messages"} {
					require.NotContains(t, page.Body, s, "no write wording")
				}
				require.Contains(t, page.Body, "It cannot change anything in Slack.")
			}

			txn, csrf := consentFields(t, page)
			toSlack := h.decide(b, txn, csrf, "approve")
			asked := toSlack.Location(t).Query().Get("user_scope")
			require.Equal(t, tc.wantWrite != nil, strings.Contains(asked, "chat:write"), asked)
			code := h.codeFrom(h.throughSlack(b, toSlack), "client-state-1")
			tok := h.exchange(clientID, code, v)
			require.Equal(t, http.StatusOK, tok.Status, tok.Body)
			require.Equal(t, tc.wantScope, tok.JSON(t)["scope"])
			g, err := h.as.ResolveAccessToken(context.Background(), tok.JSON(t)["access_token"].(string))
			require.NoError(t, err)
			require.Equal(t, strings.Fields(tc.wantScope), g.Scopes)

			// The list of approved applications says the same.
			list := h.consentsPage(b)
			require.Contains(t, list.Body, "Access: <strong>"+tc.wantAccess+"</strong>")
			require.Equal(t, tc.wantWrite != nil, strings.Contains(list.Body, "Post a message"))
		})
	}
}

// TestScopesSupportedFollowWriteTools: the metadata names slack:write only
// when a write tool is enabled.
func TestScopesSupportedFollowWriteTools(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		readOnly bool
		want     []any
	}{
		{true, []any{"slack:read"}},
		{false, []any{"slack:read", "slack:write"}},
	} {
		var mods []func(*hopts)
		if tc.readOnly {
			mods = append(mods, readOnlyDeployment)
		}
		h := newHarness(t, "mem", mods...)
		r := do(t, http.DefaultClient, http.MethodGet, h.srv.URL+"/.well-known/oauth-authorization-server", nil)
		require.Equal(t, tc.want, r.JSON(t)["scopes_supported"])
	}
}

// TestWriteGrantAfterWriteToolsTurnedOff: a token granted slack:write
// while write tools were on reads only once the deployment has none, and
// its refresh is issued read-only; the list of approved applications no
// longer says "read and write".
func TestWriteGrantAfterWriteToolsTurnedOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "mem")
	clientID := h.publicClient()
	b := newBrowser(t)
	v, ch := pkce()
	q := h.authzParams(clientID, ch)
	q.Set("scope", "slack:read slack:write")
	tok := h.exchange(clientID, h.fullFlow(b, q), v).JSON(t)
	require.Equal(t, "slack:read slack:write", tok["scope"])

	o := h.as.o
	o.WriteSlackScopes, o.WriteActions = nil, nil
	readOnly, err := New(o)
	require.NoError(t, err)
	g, err := readOnly.ResolveAccessToken(context.Background(), tok["access_token"].(string))
	require.NoError(t, err)
	require.Equal(t, []string{ScopeRead}, g.Scopes)

	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {clientID}, "refresh_token": {tok["refresh_token"].(string)}}
	req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	readOnly.Routes()["/token"].ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), `"scope":"slack:read"`)

	list := httptest.NewRecorder()
	lr := httptest.NewRequest(http.MethodGet, ConsentsPath, nil)
	for _, c := range b.Jar.Cookies(mustURL(t, h.srv.URL)) {
		lr.AddCookie(c)
	}
	readOnly.Routes()[ConsentsPath].ServeHTTP(list, lr)
	require.Equal(t, http.StatusOK, list.Code)
	require.Contains(t, list.Body.String(), "Access: <strong>read only</strong>")
	require.NotContains(t, list.Body.String(), "read and write")
}

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u
}

// TestConsentsPageNamesThePerson: the list of approved applications named
// the person by user ID only. It now shows the Slack name stored at login
// (no Slack call per view), and the ID alone when the grant cannot read
// names (no users:read).
func TestConsentsPageNamesThePerson(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		scopes []string
		want   string
		lookup int
	}{
		{"name known", readScopes, `, <strong id="user">Alice Ames</strong> <span class="muted">(` + testUser + `)</span> in <strong>Acme</strong>,`, 1},
		{"no users:read", []string{"channels:history"}, `, <strong id="user">` + testUser + `</strong> in <strong>Acme</strong>,`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "mem", func(ho *hopts) {
				ho.mod = func(o *Options) { o.ReadSlackScopes = tc.scopes }
			})
			clientID := h.publicClient()
			b := newBrowser(t)
			_, ch := pkce()
			h.fullFlow(b, h.authzParams(clientID, ch))
			for range 2 {
				list := h.consentsPage(b)
				require.Equal(t, http.StatusOK, list.Status, list.Body)
				require.Contains(t, list.Body, tc.want)
			}
			require.Equal(t, tc.lookup, h.emu.Calls("users.info"), "one lookup at login, none per view")
		})
	}
}
