package connections

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/htmlpage"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// Paths of the page and its one form target.
const (
	PagePath   = "/connections"
	ActionPath = "/connections/action"
	// signInURL starts the browser connect flow, which signs the browser
	// in and comes back here.
	signInURL = "/oauth/authorize?return_url=%2Fconnections"
)

// pageCSP allows no script at all: the page is forms posting to itself.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

var pageTemplate = template.Must(template.New("connections").Funcs(template.FuncMap{"when": when}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Your connections · Slack MCP server</title>
<style>` + htmlpage.Style + `
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
th{font-weight:600;font-size:.9rem;color:#616061}td form{margin:0}button.small{padding:.2rem .6rem;font-size:.9rem}
.status-active{color:#2e7d32;font-weight:600}.status-revoked,.status-failed{color:#e01e5a;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}dt{color:#616061}dd{margin:0}
.when{white-space:nowrap}
.bar{display:flex;gap:.75rem;flex-wrap:wrap;align-items:center;margin:1rem 0}
a.button{display:inline-block;padding:.5rem 1.2rem;border-radius:4px;background:#4a154b;color:#fff;text-decoration:none}
a:focus-visible,button:focus-visible{outline:3px solid #1264a3;outline-offset:2px}
</style></head><body>
<h1>Your connections</h1>
{{with .Flash}}<p class="{{if $.FlashErr}}err{{else}}ok{{end}}" id="flash" role="status">{{.}}</p>{{end}}
{{if not .Signed}}
<p>Sign in with Slack to see the workspaces you connected to this server, the MCP applications you authorized and your personal access tokens.</p>
<p class="actions"><a class="button" id="sign-in" href="{{.SignInURL}}">Sign in with Slack</a></p>
{{else}}
{{range $n, $_ := .Connections}}{{$c := .}}{{$sfx := ""}}{{if $n}}{{$sfx = printf "-%d" $n}}{{end}}
<section class="app" id="connection-{{.ID}}" aria-labelledby="ws-{{.ID}}">
<h2 id="ws-{{.ID}}">{{if .TeamName}}{{.TeamName}}{{else}}{{.TeamID}}{{end}}</h2>
<dl>
<dt>Status</dt><dd><span class="status-{{.Status}}" id="status{{$sfx}}">{{.Status}}</span>{{if .Error}} <span class="muted" id="failure{{$sfx}}">since {{when .FailedAt}}: Slack answered <code>{{.Error}}</code>. Test again, or connect the workspace again.</span>{{end}}</dd>
<dt>Workspace</dt><dd><code>{{.TeamID}}</code>{{if .EnterpriseID}} · enterprise <code>{{.EnterpriseID}}</code>{{end}}{{if .GovSlack}} · GovSlack{{end}}</dd>
<dt>You</dt><dd>{{if .UserName}}{{.UserName}} {{end}}<code>{{.UserID}}</code></dd>
<dt>Connected</dt><dd>{{when .ConnectedAt}}</dd>
<dt>Last used</dt><dd>{{if .LastUsedAt}}{{when .LastUsedAt}}{{else}}<span class="muted">never</span>{{end}}</dd>
<dt>Permissions</dt><dd class="muted">{{range $i, $s := .Scopes}}{{if $i}}, {{end}}{{$s}}{{end}}</dd>
</dl>
<div class="bar">
<form method="post" action="{{$.ActionPath}}"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="id" value="{{.ID}}">
<button type="submit" name="action" value="test" id="test{{$sfx}}">Test the connection</button></form>
<form method="post" action="{{$.ActionPath}}"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="id" value="{{.ID}}">
<button type="submit" name="action" value="disconnect" id="disconnect{{$sfx}}">Disconnect</button></form>
</div>
<h3>MCP applications you authorized</h3>
{{if .Clients}}<table id="clients{{$sfx}}"><thead><tr><th scope="col">Application</th><th scope="col">Access</th><th scope="col">Authorized</th><th scope="col">Last used</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
{{range .Clients}}<tr><td>{{if .Name}}{{.Name}}{{else}}<code>{{.ClientID}}</code>{{end}}</td><td>{{.Scope}}</td><td>{{when .GrantedAt}}</td><td>{{if .LastUsedAt}}{{when .LastUsedAt}}{{else}}<span class="muted">never</span>{{end}}</td>
<td><form method="post" action="{{$.ActionPath}}"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="id" value="{{$c.ID}}"><input type="hidden" name="client_id" value="{{.ClientID}}">
<button class="small" type="submit" name="action" value="revoke_client" aria-label="Revoke {{.Name}}">Revoke</button></form></td></tr>
{{end}}</tbody></table>{{else}}<p class="muted" id="no-clients{{$sfx}}">None.</p>{{end}}
<h3>Personal access tokens</h3>
{{if .Tokens}}<table id="tokens{{$sfx}}"><thead><tr><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
{{range .Tokens}}<tr><td>{{.Name}}</td><td>{{when .CreatedAt}}</td><td>{{if .LastUsedAt}}{{when .LastUsedAt}}{{else}}<span class="muted">never</span>{{end}}</td>
<td><form method="post" action="{{$.ActionPath}}"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="id" value="{{$c.ID}}"><input type="hidden" name="token_id" value="{{.ID}}">
<button class="small" type="submit" name="action" value="revoke_token" aria-label="Revoke {{.Name}}">Revoke</button></form></td></tr>
{{end}}</tbody></table>{{else}}<p class="muted" id="no-tokens{{$sfx}}">None.</p>{{end}}
</section>
{{end}}
<div class="bar">
<a href="{{.SignInURL}}" id="connect-another">Connect another workspace</a>
<form method="post" action="{{.ActionPath}}"><input type="hidden" name="csrf" value="{{.CSRF}}">
<button type="submit" name="action" value="sign_out" id="sign-out">Sign out</button></form>
</div>
<p class="muted">The same is available as JSON at <code>GET /api/connections</code>.</p>
{{end}}
</body></html>`))

// when shows an RFC 3339 time as people read it, in UTC.
func when(s string) template.HTML {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(`<span class="when">` + t.UTC().Format("2006-01-02 15:04") + ` UTC</span>`)
}

type pageData struct {
	Signed                bool
	SignInURL, ActionPath string
	CSRF                  string
	Flash                 string
	FlashErr              bool
	Connections           []Connection
}

// PageRoutes serve the page and its form.
func (a *API) PageRoutes() map[string]http.Handler {
	return map[string]http.Handler{
		PagePath:   http.HandlerFunc(a.page),
		ActionPath: http.HandlerFunc(a.action),
	}
}

func (a *API) page(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		fail(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use GET")
		return
	}
	a.render(w, r, "", false)
}

// render shows the page for this browser's session, with a message.
func (a *API) render(w http.ResponseWriter, r *http.Request, flash string, flashErr bool) {
	data := pageData{SignInURL: signInURL, ActionPath: ActionPath, Flash: flash, FlashErr: flashErr}
	who, err := a.session(r)
	switch {
	case errors.Is(err, ErrNoCredential):
	case err != nil:
		a.internal(w, r, "session", err)
		return
	default:
		list, err := a.connectionsOf(r, who)
		if err != nil {
			a.internal(w, r, "list", err)
			return
		}
		data.Signed, data.CSRF, data.Connections = true, who.CSRF, list
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		a.internal(w, r, "render", err)
		return
	}
	htmlpage.SetHeaders(w, pageCSP)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

// session is the browser session alone: the page never takes a Bearer.
func (a *API) session(r *http.Request) (Who, error) {
	if a.o.Session == nil {
		return Who{}, ErrNoCredential
	}
	return a.o.Session(r)
}

// action handles the page's forms, then shows the page with the outcome.
func (a *API) action(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		fail(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use POST")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		fail(w, http.StatusBadRequest, "BAD_REQUEST", "the form could not be read")
		return
	}
	who, err := a.session(r)
	if errors.Is(err, ErrNoCredential) {
		http.Redirect(w, r, PagePath, http.StatusSeeOther)
		return
	}
	if err != nil {
		a.internal(w, r, "session", err)
		return
	}
	if !sameToken(r.PostForm.Get("csrf"), who.CSRF) {
		fail(w, http.StatusForbidden, CodeCSRF, "this form is stale or was not sent by this page; reload the page and try again")
		return
	}
	act := r.PostForm.Get("action")
	if act == "sign_out" {
		if a.o.SignOut != nil {
			if err := a.o.SignOut(w, r); err != nil {
				a.internal(w, r, "sign out", err)
				return
			}
		}
		http.Redirect(w, r, PagePath, http.StatusSeeOther)
		return
	}
	in, ok, err := a.mine(r, who, r.PostForm.Get("id"))
	if err != nil {
		a.internal(w, r, "person installations", err)
		return
	}
	if !ok {
		a.render(w, r, "That connection is not one of yours.", true)
		return
	}
	flash, bad := a.apply(r, in, act)
	if act == "disconnect" && !bad && in.ID == who.InstallationID {
		if a.o.SignOut != nil {
			_ = a.o.SignOut(w, r) // the session named the connection that just ended
		}
		a.render(w, r, flash, false) // the session ended with the connection it named
		return
	}
	a.render(w, r, flash, bad)
}

// apply runs one action and says what happened.
func (a *API) apply(r *http.Request, in store.Installation, act string) (string, bool) {
	ctx := r.Context()
	switch act {
	case "test":
		res := a.runTest(ctx, in.ID)
		if !res.OK {
			return "The test failed: Slack answered " + res.Error + ".", true
		}
		return "Slack answered: you are " + strings.TrimSpace(res.User+" ("+res.UserID+")") + " in " + res.Team + ".", false
	case "disconnect":
		if err := a.o.Disconnect(ctx, in); err != nil {
			a.o.Logger.Error().Ctx(ctx).Err(err).Msg("connections: disconnect")
			return "Disconnecting failed; please try again.", true
		}
		a.audit(r, in, "token_revoked", "connections page")
		return "Disconnected " + in.TeamName + ": every token issued for it stopped working.", false
	case "revoke_client":
		id := r.PostForm.Get("client_id")
		if err := a.o.Store.RevokeClientGrants(ctx, in.ID, id, a.o.Now()); err != nil {
			return "That application could not be revoked (it may be gone already).", true
		}
		a.audit(r, in, "client_revoked", id)
		return "Revoked the application: its tokens stopped working.", false
	case "revoke_token":
		tid := r.PostForm.Get("token_id")
		pats, err := a.o.Store.ListPATs(ctx, in.ID)
		if err == nil {
			for _, p := range pats {
				if len(tid) == tokenIDLen && strings.HasPrefix(p.Hash, tid) {
					if err := a.o.Store.RevokePAT(ctx, in.ID, p.Hash, a.o.Now()); err == nil {
						a.audit(r, in, "pat_revoked", "")
						return "Revoked the personal access token.", false
					}
				}
			}
		}
		return "That token could not be revoked (it may be gone already).", true
	}
	return "Unknown action.", true
}

// mine finds id among the installations of the person who is asking.
func (a *API) mine(r *http.Request, who Who, id string) (store.Installation, bool, error) {
	list, err := a.o.Store.PersonInstallations(r.Context(), who.InstallationID)
	if err != nil {
		return store.Installation{}, false, err
	}
	for _, in := range list {
		if in.ID == id {
			return in, true, nil
		}
	}
	return store.Installation{}, false, nil
}
