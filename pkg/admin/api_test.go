package admin

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

const adminToken = "admin-token-0123456789abcdef0123456789"

type fixture struct {
	st          store.Backend
	srv         *httptest.Server
	admin, user store.Installation
	other       store.Installation // another workspace
}

// Sessions are named by the X-Test-Session header (an installation ID);
// their CSRF token is "csrf-"+ID.
func newFixture(t *testing.T, st store.Backend) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{st: st}
	up := func(team, user string) store.Installation {
		in, err := st.UpsertInstallation(ctx, store.Installation{TeamID: team, TeamName: "Team " + team, UserID: user,
			Scopes: []string{"search:read"}, AccessToken: "v1.k1.sealed-secret", InstalledAt: t0})
		require.NoError(t, err)
		return in
	}
	f.admin, f.user, f.other = up("T1AA", "U1AA"), up("T1AA", "U2BB"), up("T2CC", "U3DD")
	require.NoError(t, st.TouchInstallation(ctx, f.user.ID, t0.Add(time.Hour)))
	require.NoError(t, st.CreatePAT(ctx, store.PAT{Hash: strings.Repeat("c", 60) + "beef", InstallationID: f.user.ID, CreatedAt: t0}))
	require.NoError(t, st.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_initiated", Outcome: "ok"}))
	require.NoError(t, st.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_failed", Outcome: "OAUTH_ACCESS_DENIED"}))
	require.NoError(t, st.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "code_issued", Outcome: "ok", Detail: "client_id=mcpc_x ms=4200"}))
	require.NoError(t, st.AppendAudit(ctx, store.AuditEvent{At: t0, Event: "oauth_completed", Detail: "ms=1800", TeamID: "T1AA", UserID: "U2BB", Outcome: "ok"}))
	require.NoError(t, st.AppendAudit(ctx, store.AuditEvent{At: t0.Add(time.Minute), Event: "tool_write", TeamID: "T2CC", UserID: "U3DD", Tool: "conversations_add_message", Channel: "C1", Outcome: "ok"}))
	require.NoError(t, st.AddUsage(ctx, []store.UsageDelta{{TeamID: "T2CC", Day: "2025-03-14", ToolCalls: 42, RateLimited: 3}}))
	admins, err := ParseAdmins("T1AA:U1AA")
	require.NoError(t, err)
	api := New(Options{
		Store: st, Admins: admins, Token: adminToken, Now: func() time.Time { return t0.Add(2 * time.Hour) },
		Session: func(r *http.Request) (Session, bool, error) {
			id := r.Header.Get("X-Test-Session")
			if id == "" {
				return Session{}, false, nil
			}
			return Session{InstallationID: id, CSRF: "csrf-" + id}, true, nil
		},
		Disconnect: func(ctx context.Context, in store.Installation) error { return st.RevokeInstallation(ctx, in.ID, t0) },
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

func (f *fixture) do(t *testing.T, method, path string, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return resp.StatusCode, resp.Header, b.String()
}

func forEachBackend(t *testing.T, test func(t *testing.T, f *fixture)) {
	storetest.ForEachBackend(t, func() time.Time { return t0 }, func(t *testing.T, st store.Backend) {
		test(t, newFixture(t, st))
	})
}

func code(t *testing.T, body string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m), body)
	c, _ := m["code"].(string)
	return c
}

func TestNonAdminsGetNothing(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		routes := []struct{ method, path string }{
			{http.MethodGet, "/api/admin/installations"},
			{http.MethodDelete, "/api/admin/installations/" + f.other.ID},
			{http.MethodGet, "/api/admin/audit"},
			{http.MethodGet, "/api/admin/audit?format=jsonl"},
		}
		for _, rt := range routes {
			status, _, body := f.do(t, rt.method, rt.path, nil)
			assert.Equal(t, http.StatusUnauthorized, status, "%s %s", rt.method, rt.path)
			assert.Equal(t, CodeUnauthorized, code(t, body))
			for _, hdr := range []map[string]string{
				{"X-Test-Session": f.user.ID},                                 // a person, not an admin
				{"X-Test-Session": f.other.ID},                                // same user ID pattern, other team
				{"Authorization": "Bearer " + adminToken[:len(adminToken)-1]}, // almost the token
			} {
				status, _, body := f.do(t, rt.method, rt.path, hdr)
				assert.Equal(t, http.StatusForbidden, status, "%s %s %v", rt.method, rt.path, hdr)
				assert.Equal(t, CodeForbidden, code(t, body))
			}
		}
		in, err := f.st.GetInstallation(context.Background(), f.other.ID)
		require.NoError(t, err)
		assert.Equal(t, store.StatusActive, in.Status, "nothing was disconnected")
	})
}

func TestAdminInstallations(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		tok := map[string]string{"Authorization": "Bearer " + adminToken}
		status, _, body := f.do(t, http.MethodGet, "/api/admin/installations", tok)
		require.Equal(t, http.StatusOK, status, body)
		assert.NotContains(t, body, "sealed-secret", "never a token")
		var got struct{ Installations []Installation }
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		require.Len(t, got.Installations, 3)
		assert.Equal(t, f.user.ID, got.Installations[0].ID, "most recently used first")
		require.Len(t, got.Installations[0].Tokens, 1)
		assert.Equal(t, "…beef", got.Installations[0].Tokens[0].Name, "tokens only by the last four of their hash")
		assert.NotContains(t, body, strings.Repeat("c", 60))

		for _, tc := range []struct {
			query string
			want  int
		}{{"?team=T2CC", 1}, {"?status=revoked", 0}, {"?status=failed", 0}, {"?used_since=2025-03-14T09:30:00Z", 1}, {"?limit=2", 2}} {
			status, _, body := f.do(t, http.MethodGet, "/api/admin/installations"+tc.query, tok)
			require.Equal(t, http.StatusOK, status, body)
			require.NoError(t, json.Unmarshal([]byte(body), &got))
			assert.Len(t, got.Installations, tc.want, tc.query)
		}
		// A token that failed: listed as failed, with Slack's answer.
		require.NoError(t, f.st.SetFailure(context.Background(), f.other.ID, "ratelimited", t0))
		status, _, body = f.do(t, http.MethodGet, "/api/admin/installations?status=failed", tok)
		require.Equal(t, http.StatusOK, status, body)
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		require.Len(t, got.Installations, 1)
		assert.Equal(t, f.other.ID, got.Installations[0].ID)
		assert.Equal(t, "failed", got.Installations[0].Status)
		assert.Equal(t, "ratelimited", got.Installations[0].Error)
		for _, q := range []string{"?status=maybe", "?limit=0", "?limit=x", "?used_since=someday"} {
			status, _, body := f.do(t, http.MethodGet, "/api/admin/installations"+q, tok)
			assert.Equal(t, http.StatusBadRequest, status, q)
			assert.Equal(t, CodeBadRequest, code(t, body), q)
		}

		browser := map[string]string{"X-Test-Session": f.admin.ID}
		status, _, body = f.do(t, http.MethodGet, "/api/admin/installations", browser)
		require.Equal(t, http.StatusOK, status, "an admin's browser session reads")
		status, _, body = f.do(t, http.MethodDelete, "/api/admin/installations/"+f.other.ID, browser)
		assert.Equal(t, http.StatusForbidden, status)
		assert.Equal(t, CodeCSRF, code(t, body))
		status, _, body = f.do(t, http.MethodDelete, "/api/admin/installations/nope", tok)
		assert.Equal(t, http.StatusNotFound, status)
		assert.Equal(t, CodeNotFound, code(t, body))
		browser["X-CSRF-Token"] = "csrf-" + f.admin.ID
		status, _, body = f.do(t, http.MethodDelete, "/api/admin/installations/"+f.other.ID, browser)
		require.Equal(t, http.StatusOK, status, body)
		in, err := f.st.GetInstallation(context.Background(), f.other.ID)
		require.NoError(t, err)
		assert.Equal(t, store.StatusRevoked, in.Status)
	})
}

func TestAdminAudit(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		tok := map[string]string{"Authorization": "Bearer " + adminToken}
		status, _, body := f.do(t, http.MethodGet, "/api/admin/audit?team=T2CC", tok)
		require.Equal(t, http.StatusOK, status, body)
		var got struct{ Events []AuditEvent }
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		require.Len(t, got.Events, 1)
		assert.Equal(t, "conversations_add_message", got.Events[0].Tool)

		status, hdr, body := f.do(t, http.MethodGet, "/api/admin/audit?format=jsonl", tok)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "application/jsonl; charset=utf-8", hdr.Get("Content-Type"))
		lines := strings.Split(strings.TrimSpace(body), "\n")
		require.Len(t, lines, 5)
		for _, l := range lines {
			var e AuditEvent
			require.NoError(t, json.Unmarshal([]byte(l), &e))
		}
		status, _, body = f.do(t, http.MethodGet, "/api/admin/audit?event=oauth_completed&since=2025-03-14", tok)
		require.Equal(t, http.StatusOK, status)
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		require.Len(t, got.Events, 1)
		for _, q := range []string{"?format=xml", "?since=whenever", "?limit=100000"} {
			status, _, body := f.do(t, http.MethodGet, "/api/admin/audit"+q, tok)
			assert.Equal(t, http.StatusBadRequest, status, q)
			assert.Equal(t, CodeBadRequest, code(t, body))
		}
		status, _, _ = f.do(t, http.MethodPost, "/api/admin/audit", tok)
		assert.Equal(t, http.StatusMethodNotAllowed, status)
		status, _, _ = f.do(t, http.MethodGet, "/api/admin/nope", tok)
		assert.Equal(t, http.StatusNotFound, status)
	})
}

func TestAdminUsage(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, f *fixture) {
		tok := map[string]string{"Authorization": "Bearer " + adminToken}
		status, _, body := f.do(t, http.MethodGet, "/api/admin/usage", tok)
		require.Equal(t, http.StatusOK, status, body)
		assert.Contains(t, body, `"team_id":"T2CC","tool_calls":42,"rate_limited":3`)
		status, _, body = f.do(t, http.MethodGet, "/api/admin/usage?since=2025-03-15", tok)
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, `"workspaces":[]`)
		status, _, _ = f.do(t, http.MethodGet, "/api/admin/usage?since=whenever", tok)
		assert.Equal(t, http.StatusBadRequest, status)
		status, _, _ = f.do(t, http.MethodGet, "/api/admin/usage", map[string]string{"X-Test-Session": f.user.ID})
		assert.Equal(t, http.StatusForbidden, status)
	})
}
