package admin

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/htmlpage"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Paths of the operator's page and its one form target.
const (
	PagePath   = "/admin"
	ActionPath = "/admin/action"
	signInURL  = "/oauth/authorize?return_url=%2Fadmin"
	// funnelWindow is how far back the page counts the login funnel.
	funnelWindow = 7 * 24 * time.Hour
)

const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var adminPage = template.Must(template.New("admin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Admin · Slack MCP server</title>
<style>` + htmlpage.Style + `
body{max-width:64rem}table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem;font-size:.95rem}
th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #eee;vertical-align:top}th{font-weight:600;color:#616061}
td form{margin:0}button.small{padding:.2rem .6rem;font-size:.9rem}.when{white-space:nowrap}
.filters{display:flex;gap:.75rem;flex-wrap:wrap;align-items:end;margin:.5rem 0}label{display:flex;flex-direction:column;font-size:.9rem;color:#616061}
input,select{font:inherit;padding:.25rem .4rem}.stats{display:flex;gap:1.5rem;flex-wrap:wrap}.stats div{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}
.stats strong{display:block;font-size:1.4rem}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #1264a3;outline-offset:2px}
a.button{display:inline-block;padding:.5rem 1.2rem;border-radius:4px;background:#4a154b;color:#fff;text-decoration:none}
</style></head><body>
<h1>Admin</h1>
{{with .Flash}}<p class="{{if $.FlashErr}}err{{else}}ok{{end}}" id="flash" role="status">{{.}}</p>{{end}}
{{if .Forbidden}}<p class="err" id="forbidden">You are signed in, but you are not an admin of this server (SLACK_MCP_ADMINS).</p>
{{else if not .Signed}}<p>Sign in with Slack as one of this server's admins.</p>
<p><a class="button" id="sign-in" href="{{.SignInURL}}">Sign in with Slack</a></p>
{{else}}
<h2>Logins, last 7 days</h2>
<div class="stats" id="funnel"><div>Started<strong id="started">{{.Funnel.Started}}</strong></div><div>Completed<strong id="completed">{{.Funnel.Completed}}</strong></div>
<div>Failed<strong id="failed">{{.Funnel.Failed}}</strong></div>
<div>Median time<strong id="median">{{if .Funnel.Median}}{{.Funnel.Median}}{{else}}–{{end}}</strong></div></div>
{{if .Funnel.ByCode}}<p class="muted">Failures by code: {{range $i, $c := .Funnel.ByCode}}{{if $i}}, {{end}}{{$c.Code}} {{$c.Count}}{{end}}</p>{{end}}

<h2>Workspaces, last 7 days</h2>
<table id="usage"><thead><tr><th scope="col">Workspace</th><th scope="col">Tool calls</th><th scope="col">Slack 429s</th></tr></thead><tbody>
{{range .Usage}}<tr><td><code>{{.TeamID}}</code></td><td>{{.ToolCalls}}</td><td>{{.RateLimited}}</td></tr>
{{else}}<tr><td colspan="3" class="muted">No tool calls counted yet (replicas add theirs every minute).</td></tr>{{end}}</tbody></table>

<h2>Installations</h2>
<form class="filters" method="get" action="{{.PagePath}}">
<label>Workspace ID<input name="team" value="{{.Team}}" size="12"></label>
<label>Status<select name="status"><option value=""{{if eq .Status ""}} selected{{end}}>any</option><option value="active"{{if eq .Status "active"}} selected{{end}}>active</option><option value="revoked"{{if eq .Status "revoked"}} selected{{end}}>revoked</option><option value="failed"{{if eq .Status "failed"}} selected{{end}}>failed</option></select></label>
<label>Used since<input name="used_since" value="{{.UsedSince}}" placeholder="2025-03-14" size="12"></label>
<button type="submit" id="filter">Filter</button></form>
<table id="installations"><thead><tr><th scope="col">Workspace</th><th scope="col">Person</th><th scope="col">Status</th><th scope="col">Connected</th><th scope="col">Last used</th><th scope="col">Tokens</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
{{range .Installations}}<tr><td>{{.TeamName}} <code>{{.TeamID}}</code>{{if .EnterpriseID}} <code>{{.EnterpriseID}}</code>{{end}}</td><td>{{.UserName}} <code>{{.UserID}}</code></td><td>{{.Status}}{{if .Error}} <span class="muted">({{.Error}})</span>{{end}}</td>
<td class="when">{{.ConnectedAt}}</td><td class="when">{{if .LastUsedAt}}{{.LastUsedAt}}{{else}}<span class="muted">never</span>{{end}}</td>
<td>{{range .Tokens}}<code>{{.Name}}</code> {{end}}</td>
<td>{{if ne .Status "revoked"}}<form method="post" action="{{$.ActionPath}}"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="id" value="{{.ID}}">
<button class="small" type="submit" name="action" value="disconnect" aria-label="Disconnect {{.UserName}} in {{.TeamName}}">Disconnect</button></form>{{end}}</td></tr>
{{else}}<tr><td colspan="7" class="muted">None.</td></tr>{{end}}</tbody></table>

<h2>Workspace policies</h2>
<p class="muted">Narrow the write tools for one workspace's people, one setting per line as the environment takes it
(<code>SLACK_MCP_ADD_MESSAGE_TOOL=C0123,C0456</code>, <code>SLACK_MCP_STATUS_TOOL=false</code>). The server's settings stay the upper bound.</p>
<table id="policies"><thead><tr><th scope="col">Workspace</th><th scope="col">Rules</th><th scope="col">Changed</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
{{range .Policies}}<tr><td><code>{{.TeamID}}</code></td><td>{{range $k, $v := .Rules}}<code>{{$k}}={{$v}}</code><br>{{end}}</td><td class="when">{{.UpdatedAt}} by {{.UpdatedBy}}</td>
<td><form method="post" action="{{$.ActionPath}}"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="team" value="{{.TeamID}}">
<button class="small" type="submit" name="action" value="delete_policy" aria-label="Remove the policy of {{.TeamID}}">Remove</button></form></td></tr>
{{else}}<tr><td colspan="4" class="muted">None: the server's settings apply alone.</td></tr>{{end}}</tbody></table>
<form method="post" action="{{.ActionPath}}" id="policy-form"><input type="hidden" name="csrf" value="{{.CSRF}}">
<div class="filters"><label>Workspace ID<input name="team" required size="12" id="policy-team"></label>
<label>Rules<textarea name="rules" rows="3" cols="48" id="policy-rules" placeholder="SLACK_MCP_ADD_MESSAGE_TOOL=C0123"></textarea></label>
<button type="submit" name="action" value="set_policy" id="policy-save">Save policy</button></div></form>

<h2>Audit log</h2>
<p><a href="/api/admin/audit?format=jsonl" id="export">Download as JSON Lines</a> <span class="muted">(the newest 500; filters as query parameters: team, user, event, since, limit)</span></p>
<table id="audit"><thead><tr><th scope="col">At</th><th scope="col">Event</th><th scope="col">Workspace</th><th scope="col">Person</th><th scope="col">Tool</th><th scope="col">Outcome</th></tr></thead><tbody>
{{range .Audit}}<tr><td class="when">{{.At}}</td><td>{{.Event}}</td><td><code>{{.TeamID}}</code></td><td><code>{{.UserID}}</code></td><td>{{.Tool}}</td><td>{{.Outcome}}</td></tr>
{{else}}<tr><td colspan="6" class="muted">None.</td></tr>{{end}}</tbody></table>
{{end}}
</body></html>`))

// Funnel counts the browser and MCP logins of a window, from the audit log
// (so every replica's logins count).
type Funnel struct {
	Started, Completed, Failed int
	ByCode                     []CodeCount
	// Median is the median time from start to completion ("" when unknown).
	Median string
}

// CodeCount is how often a login failed with one code.
type CodeCount struct {
	Code  string
	Count int
}

type adminPageData struct {
	Signed, Forbidden       bool
	SignInURL, PagePath     string
	ActionPath, CSRF        string
	Flash                   string
	FlashErr                bool
	Team, Status, UsedSince string
	Funnel                  Funnel
	Installations           []Installation
	Policies                []Policy
	Usage                   []UsageRow
	Audit                   []AuditEvent
}

// PageRoutes serve the operator's page and its form.
func (a *API) PageRoutes() map[string]http.Handler {
	return map[string]http.Handler{PagePath: http.HandlerFunc(a.page), ActionPath: http.HandlerFunc(a.pageAction)}
}

// pageAdmin decides who is looking: signed and an admin, signed and not,
// or not signed in.
func (a *API) pageAdmin(r *http.Request) (sess Session, signed, admin bool, err error) {
	if a.o.Session == nil {
		return Session{}, false, false, nil
	}
	sess, signed, err = a.o.Session(r)
	if err != nil || !signed {
		return sess, false, false, err
	}
	in, err := a.o.Store.GetInstallation(r.Context(), sess.InstallationID)
	if err != nil {
		return sess, true, false, nil
	}
	return sess, true, isAdmin(a.o.Admins, in.TeamID, in.UserID), nil
}

func (a *API) page(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a.renderPage(w, r, "", false)
}

func (a *API) renderPage(w http.ResponseWriter, r *http.Request, flash string, flashErr bool) {
	sess, signed, admin, err := a.pageAdmin(r)
	if err != nil {
		a.internal(w, r, "session", err)
		return
	}
	q := r.URL.Query()
	data := adminPageData{Signed: signed, Forbidden: signed && !admin, SignInURL: signInURL, PagePath: PagePath, ActionPath: ActionPath,
		CSRF: sess.CSRF, Flash: flash, FlashErr: flashErr, Team: q.Get("team"), Status: q.Get("status"), UsedSince: q.Get("used_since")}
	status := http.StatusOK
	switch {
	case data.Forbidden:
		status = http.StatusForbidden
	case admin:
		if err := a.fill(r, &data); err != nil {
			a.internal(w, r, "admin page", err)
			return
		}
	}
	var b bytes.Buffer
	if err := adminPage.Execute(&b, data); err != nil {
		a.internal(w, r, "render", err)
		return
	}
	htmlpage.SetHeaders(w, pageCSP)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// fill loads what an admin sees; bad filters are shown as a message.
func (a *API) fill(r *http.Request, data *adminPageData) error {
	ctx := r.Context()
	f := store.InstallationFilter{TeamID: data.Team, Limit: 500}
	switch data.Status {
	case store.StatusActive, store.StatusRevoked, store.StatusFailed:
		f.Status = data.Status
	}
	if since, err := a.timeParam(r, "used_since"); err != nil {
		data.Flash, data.FlashErr = err.Error(), true
	} else {
		f.UsedSince = since
	}
	list, err := a.o.Store.ListInstallations(ctx, f)
	if err != nil {
		return err
	}
	for _, in := range list {
		row := Installation{ID: in.ID, TeamID: in.TeamID, TeamName: in.TeamName,
			EnterpriseID: in.EnterpriseID, UserID: in.UserID, UserName: in.UserName,
			ConnectedAt: pageTime(in.InstalledAt), LastUsedAt: pageTime(in.LastUsedAt)}
		if row.Status, row.Error, err = a.statusOf(r, in); err != nil {
			return err
		}
		if row.Tokens, err = a.tokenNames(r, in.ID); err != nil {
			return err
		}
		data.Installations = append(data.Installations, row)
	}
	policies, err := a.o.Store.ListWorkspacePolicies(ctx)
	if err != nil {
		return err
	}
	for _, p := range policies {
		out := policyOut(p)
		out.UpdatedAt = pageTime(p.UpdatedAt)
		data.Policies = append(data.Policies, out)
	}
	events, err := a.o.Store.ListAudit(ctx, store.AuditFilter{Limit: 100})
	if err != nil {
		return err
	}
	for _, e := range events {
		data.Audit = append(data.Audit, AuditEvent{At: pageTime(e.At), Event: e.Event, TeamID: e.TeamID, UserID: e.UserID, Tool: e.Tool, Outcome: e.Outcome})
	}
	if data.Usage, err = a.usageRows(r, a.o.Now().Add(-funnelWindow).UTC().Format(time.DateOnly)); err != nil {
		return err
	}
	data.Funnel, err = a.funnel(r)
	return err
}

// funnelEvents are the audit events of the two login flows (the browser
// connect flow and MCP authorization) by funnel stage.
var funnelEvents = map[string][]string{
	"started":   {"oauth_initiated", "authorize_started"},
	"completed": {"oauth_completed", "code_issued"},
	"failed":    {"oauth_failed", "slack_callback_error", "consent_denied"},
}

// funnel counts the logins of the last week: started, completed (with
// the median time, from the ms= their audit events carry) and failed by
// code.
func (a *API) funnel(r *http.Request) (Funnel, error) {
	since := a.o.Now().Add(-funnelWindow)
	var f Funnel
	codes := map[string]int{}
	var times []int
	for stage, names := range funnelEvents {
		for _, ev := range names {
			events, err := a.o.Store.ListAudit(r.Context(), store.AuditFilter{Event: ev, Since: since, Limit: maxAuditExport})
			if err != nil {
				return Funnel{}, err
			}
			switch stage {
			case "started":
				f.Started += len(events)
			case "completed":
				f.Completed += len(events)
				for _, e := range events {
					if ms, ok := detailMillis(e.Detail); ok {
						times = append(times, ms)
					}
				}
			default:
				f.Failed += len(events)
				for _, e := range events {
					codes[e.Outcome]++
				}
			}
		}
	}
	for c, n := range codes {
		f.ByCode = append(f.ByCode, CodeCount{Code: c, Count: n})
	}
	sort.Slice(f.ByCode, func(i, j int) bool {
		if f.ByCode[i].Count != f.ByCode[j].Count {
			return f.ByCode[i].Count > f.ByCode[j].Count
		}
		return f.ByCode[i].Code < f.ByCode[j].Code
	})
	if len(times) > 0 {
		sort.Ints(times)
		if ms := times[len(times)/2]; ms < 1000 {
			f.Median = strconv.Itoa(ms) + " ms"
		} else {
			f.Median = (time.Duration(ms) * time.Millisecond).Round(100 * time.Millisecond).String()
		}
	}
	return f, nil
}

// detailMillis reads the "ms=N" of an audit detail.
func detailMillis(detail string) (int, bool) {
	for _, f := range strings.Fields(detail) {
		if v, ok := strings.CutPrefix(f, "ms="); ok {
			n, err := strconv.Atoi(v)
			return n, err == nil && n >= 0
		}
	}
	return 0, false
}

func pageTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

func (a *API) pageAction(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	sess, signed, admin, err := a.pageAdmin(r)
	by := ""
	if signed {
		if in, gerr := a.o.Store.GetInstallation(r.Context(), sess.InstallationID); gerr == nil {
			by = in.UserID
		}
	}
	switch {
	case err != nil:
		a.internal(w, r, "session", err)
		return
	case !signed:
		http.Redirect(w, r, PagePath, http.StatusSeeOther)
		return
	case !admin:
		a.renderPage(w, r, "", false)
		return
	case sess.CSRF == "" || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(sess.CSRF)) != 1:
		a.renderPage(w, r, "This form is stale or was not sent by this page; reload and try again.", true)
		return
	}
	r.URL.RawQuery = url.Values{}.Encode()
	switch r.PostForm.Get("action") {
	case "set_policy", "delete_policy":
		flash, bad := a.pagePolicy(r, by)
		a.renderPage(w, r, flash, bad)
		return
	case "disconnect":
	default:
		a.renderPage(w, r, "Unknown action.", true)
		return
	}
	in, err := a.o.Store.GetInstallation(r.Context(), r.PostForm.Get("id"))
	if err != nil {
		a.renderPage(w, r, "No installation has that id.", true)
		return
	}
	if err := a.o.Disconnect(r.Context(), in); err != nil {
		a.internal(w, r, "disconnect", err)
		return
	}
	_ = a.o.Store.AppendAudit(r.Context(), store.AuditEvent{At: a.o.Now(), Event: "token_revoked", Outcome: "ok",
		EnterpriseID: in.EnterpriseID, TeamID: in.TeamID, UserID: in.UserID, Detail: "admin"})
	a.renderPage(w, r, "Disconnected "+in.UserID+" in "+in.TeamName+".", false)
}
