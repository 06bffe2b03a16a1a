package connections

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

type fixture struct {
	mu           sync.Mutex // guards disconnected, tested and testFails
	st           store.Backend
	srv          *httptest.Server
	mine, theirs store.Installation
	linked       store.Installation // mine's person connected it too
	disconnected []string
	tested       []string
	testFails    string // the Slack error the next tests answer; "" passes
}

// forEachBackend runs test on SQLite and PostgreSQL.
func forEachBackend(t *testing.T, test func(t *testing.T, f *fixture)) {
	storetest.ForEachBackend(t, func() time.Time { return t0 }, func(t *testing.T, st store.Backend) {
		test(t, newFixture(t, st))
	})
}

// newFixture serves the API over a real store with two people.
// Tests name the caller with X-Test-Installation (and X-Test-Browser for
// a browser session, whose CSRF token is "csrf-"+installation).
func newFixture(t *testing.T, st store.Backend) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: st}
	for i, user := range []string{"U1", "U2"} {
		in, err := st.UpsertInstallation(ctx, store.Installation{TeamID: "T1", TeamName: "Acme", UserID: user,
			Scopes: []string{"search:read"}, AccessToken: "v1.k1.sealed", InstalledAt: t0})
		require.NoError(t, err)
		require.NoError(t, st.CreatePAT(ctx, store.PAT{Hash: strings.Repeat(string(rune('a'+i)), 64), InstallationID: in.ID, CreatedAt: t0}))
		require.NoError(t, st.PutClient(ctx, store.Client{ID: "mcpc_" + user, Kind: store.ClientDynamic, Name: "Claude " + user, CreatedAt: t0}))
		require.NoError(t, st.PutConsent(ctx, store.Consent{InstallationID: in.ID, ClientID: "mcpc_" + user, Scope: "slack:read", RedirectURI: "http://127.0.0.1/cb", GrantedAt: t0}))
		require.NoError(t, st.TouchClientUse(ctx, in.ID, "mcpc_"+user, t0.Add(30*time.Minute)))
		if i == 0 {
			f.mine = in
		} else {
			f.theirs = in
		}
	}
	linked, err := st.UpsertInstallation(ctx, store.Installation{TeamID: "T2", TeamName: "Beta", UserID: "U1B",
		Scopes: []string{"search:read"}, AccessToken: "v1.k1.sealed", InstalledAt: t0.Add(time.Minute)})
	require.NoError(t, err)
	require.NoError(t, st.LinkInstallations(ctx, f.mine.ID, linked.ID))
	f.linked = linked
	api := New(Options{
		Store: st, Now: func() time.Time { return t0.Add(time.Hour) },
		Identify: func(r *http.Request) (Who, error) {
			id := r.Header.Get("X-Test-Installation")
			if id == "" {
				return Who{}, ErrNoCredential
			}
			if r.Header.Get("X-Test-Browser") != "" {
				return Who{InstallationID: id, Browser: true, CSRF: "csrf-" + id}, nil
			}
			return Who{InstallationID: id}, nil
		},
		Session: func(r *http.Request) (Who, error) {
			c, err := r.Cookie("test_session")
			if err != nil {
				return Who{}, ErrNoCredential
			}
			in, err := st.GetInstallation(r.Context(), c.Value)
			if err != nil || in.Status != store.StatusActive {
				return Who{}, ErrNoCredential // as the store ends a revoked installation's sessions
			}
			return Who{InstallationID: in.ID, Browser: true, CSRF: "csrf-" + in.ID}, nil
		},
		SignOut: func(w http.ResponseWriter, _ *http.Request) error {
			http.SetCookie(w, &http.Cookie{Name: "test_session", MaxAge: -1})
			return nil
		},
		Test: func(_ context.Context, id string) TestResult {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.tested = append(f.tested, id)
			if f.testFails != "" {
				return TestResult{Error: f.testFails}
			}
			return TestResult{OK: true, TeamID: "T1", Team: "Acme"}
		},
		Disconnect: func(ctx context.Context, in store.Installation) error {
			f.mu.Lock()
			f.disconnected = append(f.disconnected, in.ID)
			f.mu.Unlock()
			return st.RevokeInstallation(ctx, in.ID, t0)
		},
	})
	mux := http.NewServeMux()
	for p, h := range api.Routes() {
		mux.Handle(p, h)
	}
	for p, h := range api.PageRoutes() {
		mux.Handle(p, h)
	}
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) do(t *testing.T, method, path, who string, hdr map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(t, err)
	if who != "" {
		req.Header.Set("X-Test-Installation", who)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestListShowsOnlyYourConnections(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		status, body := f.do(t, http.MethodGet, "/api/connections", f.mine.ID, nil)
		require.Equal(t, http.StatusOK, status, body)
		list := body["connections"].([]any)
		require.Len(t, list, 2, "this one and the workspace linked to it")
		c := list[0].(map[string]any)
		assert.Equal(t, f.mine.ID, c["id"])
		assert.Equal(t, "Acme", c["team_name"])
		assert.Equal(t, "active", c["status"])
		assert.Equal(t, "2025-03-14T09:00:00Z", c["connected_at"])
		clients := c["clients"].([]any)
		require.Len(t, clients, 1)
		assert.Equal(t, "Claude U1", clients[0].(map[string]any)["name"])
		assert.Equal(t, "2025-03-14T09:30:00Z", clients[0].(map[string]any)["last_used_at"])
		tokens := c["tokens"].([]any)
		require.Len(t, tokens, 1)
		assert.Equal(t, "personal access token …aaaa", tokens[0].(map[string]any)["name"])
		raw, _ := json.Marshal(body)
		assert.NotContains(t, string(raw), f.theirs.ID, "nothing of the other person")
		assert.NotContains(t, string(raw), "sealed", "never a token")
	})
}

func TestEveryRouteRefusesAnotherPersonsConnection(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct{ method, path string }{
			{http.MethodGet, "/api/connections/" + f.theirs.ID},
			{http.MethodPost, "/api/connections/" + f.theirs.ID + "/test"},
			{http.MethodDelete, "/api/connections/" + f.theirs.ID},
			{http.MethodDelete, "/api/connections/" + f.theirs.ID + "/clients/mcpc_U2"},
			{http.MethodDelete, "/api/connections/" + f.theirs.ID + "/tokens/" + strings.Repeat("b", 16)},
		} {
			t.Run(tc.method+" "+tc.path, func(t *testing.T) {
				status, body := f.do(t, tc.method, tc.path, f.mine.ID, nil)
				assert.Equal(t, http.StatusNotFound, status)
				assert.Equal(t, CodeNotFound, body["code"])
			})
		}
		f.mu.Lock()
		assert.Empty(t, f.disconnected)
		assert.Empty(t, f.tested)
		f.mu.Unlock()
		_, err := f.st.GetPAT(context.Background(), strings.Repeat("b", 64))
		require.NoError(t, err, "their token lives")
		_, err = f.st.GetConsent(context.Background(), f.theirs.ID, "mcpc_U2")
		require.NoError(t, err, "their client lives")
	})
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		for _, tc := range []struct {
			name, method, path, who string
			hdr                     map[string]string
			status                  int
			code                    string
		}{
			{"no credential", http.MethodGet, "/api/connections", "", nil, http.StatusUnauthorized, CodeUnauthorized},
			{"browser change without CSRF", http.MethodDelete, "/api/connections/" + f.mine.ID, f.mine.ID, map[string]string{"X-Test-Browser": "1"}, http.StatusForbidden, CodeCSRF},
			{"browser change with a wrong CSRF", http.MethodDelete, "/api/connections/" + f.mine.ID, f.mine.ID, map[string]string{"X-Test-Browser": "1", "X-CSRF-Token": "csrf-" + f.theirs.ID}, http.StatusForbidden, CodeCSRF},
			{"unknown route", http.MethodGet, "/api/connections/" + f.mine.ID + "/nope", f.mine.ID, nil, http.StatusNotFound, "NOT_FOUND"},
			{"wrong method", http.MethodPut, "/api/connections", f.mine.ID, nil, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"},
			{"unknown client", http.MethodDelete, "/api/connections/" + f.mine.ID + "/clients/mcpc_nobody", f.mine.ID, nil, http.StatusNotFound, CodeNotFound},
			{"unknown token", http.MethodDelete, "/api/connections/" + f.mine.ID + "/tokens/0000000000000000", f.mine.ID, nil, http.StatusNotFound, CodeNotFound},
			{"short token id", http.MethodDelete, "/api/connections/" + f.mine.ID + "/tokens/aaaa", f.mine.ID, nil, http.StatusNotFound, CodeNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				status, body := f.do(t, tc.method, tc.path, tc.who, tc.hdr)
				assert.Equal(t, tc.status, status, body)
				assert.Equal(t, tc.code, body["code"])
				assert.NotEmpty(t, body["error"])
			})
		}
		f.mu.Lock()
		assert.Empty(t, f.disconnected, "nothing was disconnected")
		f.mu.Unlock()
	})
}

// A failed test marks the connection failed, with Slack's answer, until
// a test works again.
func TestFailedTestShowsAsFailed(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		get := func() map[string]any {
			status, body := f.do(t, http.MethodGet, "/api/connections/"+f.mine.ID, f.mine.ID, nil)
			require.Equal(t, http.StatusOK, status, body)
			return body
		}
		assert.Equal(t, "active", get()["status"])
		f.mu.Lock()
		f.testFails = "ratelimited"
		f.mu.Unlock()
		status, body := f.do(t, http.MethodPost, "/api/connections/"+f.mine.ID+"/test", f.mine.ID, nil)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "ratelimited", body["error"])
		c := get()
		assert.Equal(t, "failed", c["status"])
		assert.Equal(t, "ratelimited", c["error"])
		assert.NotEmpty(t, c["failed_at"])

		f.mu.Lock()
		f.testFails = ""
		f.mu.Unlock()
		f.do(t, http.MethodPost, "/api/connections/"+f.mine.ID+"/test", f.mine.ID, nil)
		c = get()
		assert.Equal(t, "active", c["status"])
		assert.Nil(t, c["error"])
	})
}

func TestTestRevokeAndDisconnect(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		status, body := f.do(t, http.MethodPost, "/api/connections/"+f.mine.ID+"/test", f.mine.ID, nil)
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, true, body["ok"])
		f.mu.Lock()
		assert.Equal(t, []string{f.mine.ID}, f.tested)
		f.mu.Unlock()

		status, body = f.do(t, http.MethodDelete, "/api/connections/"+f.mine.ID+"/tokens/"+strings.Repeat("a", 16), f.mine.ID, nil)
		require.Equal(t, http.StatusOK, status, body)
		_, err := f.st.GetPAT(ctx, strings.Repeat("a", 64))
		require.ErrorIs(t, err, store.ErrNotFound)

		browser := map[string]string{"X-Test-Browser": "1", "X-CSRF-Token": "csrf-" + f.mine.ID}
		status, body = f.do(t, http.MethodDelete, "/api/connections/"+f.mine.ID+"/clients/mcpc_U1", f.mine.ID, browser)
		require.Equal(t, http.StatusOK, status, body)
		_, err = f.st.GetConsent(ctx, f.mine.ID, "mcpc_U1")
		require.ErrorIs(t, err, store.ErrNotFound)

		status, body = f.do(t, http.MethodDelete, "/api/connections/"+f.mine.ID, f.mine.ID, browser)
		require.Equal(t, http.StatusOK, status, body)
		f.mu.Lock()
		assert.Equal(t, []string{f.mine.ID}, f.disconnected)
		f.mu.Unlock()
		status, body = f.do(t, http.MethodPost, "/api/connections/"+f.mine.ID+"/test", f.mine.ID, nil)
		assert.Equal(t, http.StatusConflict, status)
		assert.Equal(t, CodeInactive, body["code"])

		events, err := f.st.ListAudit(ctx, store.AuditFilter{UserID: "U1"})
		require.NoError(t, err)
		var names []string
		for _, e := range events {
			names = append(names, e.Event)
		}
		assert.Subset(t, names, []string{"pat_revoked", "client_revoked", "token_revoked"})
	})
}

func TestOnePersonSeesEveryWorkspaceTheyConnected(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		status, body := f.do(t, http.MethodGet, "/api/connections", f.linked.ID, nil)
		require.Equal(t, http.StatusOK, status, body)
		list := body["connections"].([]any)
		require.Len(t, list, 2)
		assert.Equal(t, f.linked.ID, list[0].(map[string]any)["id"], "the credential's own first")
		assert.Equal(t, f.mine.ID, list[1].(map[string]any)["id"])

		status, body = f.do(t, http.MethodPost, "/api/connections/"+f.mine.ID+"/test", f.linked.ID, nil)
		require.Equal(t, http.StatusOK, status, body)
		status, _ = f.do(t, http.MethodGet, "/api/connections/"+f.theirs.ID, f.linked.ID, nil)
		assert.Equal(t, http.StatusNotFound, status, "linking never reaches another person")
		status, body = f.do(t, http.MethodGet, "/api/connections", f.theirs.ID, nil)
		require.Equal(t, http.StatusOK, status)
		assert.Len(t, body["connections"].([]any), 1)

		_, _, html := f.pageCall(t, f.mine.ID, nil)
		assert.Contains(t, html, ">Acme</h2>")
		assert.Contains(t, html, ">Beta</h2>")
		// Disconnecting the other workspace keeps this browser signed in.
		_, _, html = f.pageCall(t, f.mine.ID, url.Values{"csrf": {"csrf-" + f.mine.ID}, "id": {f.linked.ID}, "action": {"disconnect"}})
		assert.Contains(t, html, "Disconnected Beta")
		assert.Contains(t, html, `id="sign-out"`)
		assert.Contains(t, html, `id="status-1">revoked`)
	})
}
