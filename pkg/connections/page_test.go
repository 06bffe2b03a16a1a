package connections

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// pageCall loads the page or posts its form as the browser signed in to
// session ("" for none).
func (f *fixture) pageCall(t *testing.T, session string, form url.Values) (int, http.Header, string) {
	t.Helper()
	method, path, body := http.MethodGet, PagePath, ""
	if form != nil {
		method, path, body = http.MethodPost, ActionPath, form.Encode()
	}
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "test_session", Value: session})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

func TestPageSignedOutAndIn(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		status, hdr, html := f.pageCall(t, "", nil)
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, html, `id="sign-in" href="/oauth/authorize?return_url=%2Fconnections"`)
		assert.Contains(t, hdr.Get("Content-Security-Policy"), "frame-ancestors 'none'")
		assert.Equal(t, "DENY", hdr.Get("X-Frame-Options"))

		status, _, html = f.pageCall(t, f.mine.ID, nil)
		require.Equal(t, http.StatusOK, status)
		for _, want := range []string{"<h2 id=\"ws-" + f.mine.ID + "\">Acme</h2>", `id="status">active`, "Claude U1",
			"personal access token …aaaa", `id="test"`, `id="disconnect"`, `id="sign-out"`, `value="csrf-` + f.mine.ID + `"`} {
			assert.Contains(t, html, want)
		}
		assert.NotContains(t, html, "Claude U2", "nothing of the other person")
		assert.NotContains(t, html, "sealed")
	})
}

func TestPageActions(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		form := func(kv ...string) url.Values {
			v := url.Values{"csrf": {"csrf-" + f.mine.ID}, "id": {f.mine.ID}}
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		status, _, body := f.pageCall(t, f.mine.ID, url.Values{"csrf": {"forged"}, "id": {f.mine.ID}, "action": {"disconnect"}})
		assert.Equal(t, http.StatusForbidden, status, body)
		status, _, body = f.pageCall(t, f.mine.ID, form("action", "disconnect", "id", f.theirs.ID))
		assert.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, "not one of yours")
		status, _, _ = f.pageCall(t, "", form("action", "disconnect"))
		assert.Equal(t, http.StatusSeeOther, status, "no session: back to the page")

		_, _, body = f.pageCall(t, f.mine.ID, form("action", "test"))
		assert.Contains(t, body, "Slack answered")
		f.mu.Lock()
		f.testFails = "ratelimited"
		f.mu.Unlock()
		_, _, body = f.pageCall(t, f.mine.ID, form("action", "test"))
		assert.Contains(t, body, "The test failed: Slack answered ratelimited.")
		assert.Contains(t, body, `id="status">failed`)
		assert.Contains(t, body, `id="failure">since <span class="when">2025-03-14 10:00 UTC</span>: Slack answered <code>ratelimited</code>.`)
		if dir := os.Getenv("CONNECTIONS_HTML"); dir != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "connections-failed.html"), []byte(body), 0o644))
		}
		f.mu.Lock()
		f.testFails = ""
		f.mu.Unlock()
		_, _, body = f.pageCall(t, f.mine.ID, form("action", "test"))
		assert.Contains(t, body, `id="status">active`)
		_, _, body = f.pageCall(t, f.mine.ID, form("action", "revoke_token", "token_id", strings.Repeat("a", 16)))
		assert.Contains(t, body, "Revoked the personal access token.")
		assert.Contains(t, body, `id="no-tokens"`)
		_, _, body = f.pageCall(t, f.mine.ID, form("action", "revoke_client", "client_id", "mcpc_U1"))
		assert.Contains(t, body, "Revoked the application")
		assert.Contains(t, body, `id="no-clients"`)
		_, _, body = f.pageCall(t, f.mine.ID, form("action", "nonsense"))
		assert.Contains(t, body, "Unknown action.")

		f.mu.Lock()
		assert.Empty(t, f.disconnected)
		f.mu.Unlock()
		_, _, body = f.pageCall(t, f.mine.ID, form("action", "disconnect"))
		assert.Contains(t, body, "Disconnected Acme")
		assert.Contains(t, body, `id="sign-in"`, "the session ended with the connection")
		in, err := f.st.GetInstallation(t.Context(), f.mine.ID)
		require.NoError(t, err)
		assert.Equal(t, store.StatusRevoked, in.Status)
		theirs, err := f.st.GetInstallation(t.Context(), f.theirs.ID)
		require.NoError(t, err)
		assert.Equal(t, store.StatusActive, theirs.Status)

		status, hdr, _ := f.pageCall(t, f.mine.ID, url.Values{"action": {"sign_out"}, "csrf": {"x"}})
		assert.Equal(t, http.StatusSeeOther, status, "a revoked session is no session")
		assert.Equal(t, PagePath, hdr.Get("Location"))
	})
}
