package oauthserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// A browser signed in to one installation that signs in to another tells
// SignedInAgain (the connections page then lists both); a fresh browser
// does not, and EndBrowserSession signs out.
func TestBrowserSessionLinksThePerson(t *testing.T) {
	t.Parallel()
	var links [][2]string
	h := newHarness(t, "sqlite", func(o *hopts) {
		o.mod = func(opts *Options) {
			opts.SignedInAgain = func(_ context.Context, prev, next string) error {
				links = append(links, [2]string{prev, next})
				return nil
			}
		}
	})
	ctx := context.Background()
	up := func(team string) store.Installation {
		in, err := h.store.UpsertInstallation(ctx, store.Installation{TeamID: team, UserID: "U1", AccessToken: "v1.k1.x", InstalledAt: h.clock.Now()})
		require.NoError(t, err)
		return in
	}
	a, b := up("T1"), up("T2")

	rec := httptest.NewRecorder()
	require.NoError(t, h.as.StartBrowserSession(rec, httptest.NewRequest(http.MethodGet, "/", nil), a.ID))
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.True(t, cookies[0].HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookies[0].SameSite)
	assert.Empty(t, links, "a fresh browser links nothing")

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(cookies[0])
	id, csrf, ok, err := h.as.BrowserSession(req)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, a.ID, id)
	assert.NotEmpty(t, csrf)

	rec = httptest.NewRecorder()
	require.NoError(t, h.as.StartBrowserSession(rec, req, b.ID))
	assert.Equal(t, [][2]string{{a.ID, b.ID}}, links)
	_, _, ok, err = h.as.BrowserSession(req)
	require.NoError(t, err)
	assert.False(t, ok, "the old session was replaced")

	next := httptest.NewRequest(http.MethodGet, "/", nil)
	next.AddCookie(rec.Result().Cookies()[0])
	rec = httptest.NewRecorder()
	require.NoError(t, h.as.EndBrowserSession(rec, next))
	assert.Equal(t, -1, rec.Result().Cookies()[0].MaxAge)
	_, _, ok, err = h.as.BrowserSession(next)
	require.NoError(t, err)
	assert.False(t, ok, "signed out")
}
