package oauthserver

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/htmlpage"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackoauth"
)

var pages = template.Must(template.New("pages").Parse(`{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{.}} · Slack MCP server</title>
<style>` + htmlpage.Style + `</style></head><body>{{end}}

{{define "access"}}<p class="access">Access: <strong>{{.Access}}</strong>. It can read, as you:</p>
<ul class="read">{{range .Permissions}}<li>{{.}}</li>{{end}}</ul>
{{if .WriteActions}}<p>It can also act in Slack as you:</p>
<ul class="write">{{range .WriteActions}}<li>{{.}}</li>{{end}}</ul>
{{else}}<p class="muted read-only">It cannot change anything in Slack.</p>{{end}}{{end}}

{{define "consent"}}{{template "head" "Authorize"}}
<h1>Allow <strong>{{.ClientName}}</strong> to use Slack as you?</h1>
<p>The application <strong>{{.ClientName}}</strong>{{if .ClientIDShown}} (<code>{{.ClientID}}</code>){{end}} asks for access to your Slack account through this server.
After you approve, it will be sent back to:</p>
<p class="dest"><strong id="redirect-host">{{.RedirectHost}}</strong>{{if ne .RedirectHost .RedirectURI}}<br><code id="redirect-uri">{{.RedirectURI}}</code>{{end}}</p>
{{if .OtherProgram}}<p class="warn" id="other-program">This address is not a web page: this computer hands it, with the authorization, to the program registered for <code>{{.Scheme}}:</code> links. Approve only if that is the application you are connecting.</p>{{end}}
{{if .LocalhostOnly}}<p class="warn">This application only redirects to <strong>localhost</strong>. Any program on this computer could claim to be it: approve only if you just started connecting <strong>{{.ClientName}}</strong> yourself.</p>{{end}}
{{template "access" .}}
{{if .Workspaces}}<fieldset class="workspaces" id="workspaces"><legend>Workspaces it may use</legend>
{{range .Workspaces}}<label><input type="checkbox" name="workspace" form="consent-form" value="{{.ID}}"{{if .Checked}} checked{{end}}> <strong>{{.Name}}</strong> <code>{{.TeamID}}</code>{{if .EnterpriseID}} <span class="muted">enterprise {{.EnterpriseID}}</span>{{end}}</label>
{{end}}<p class="muted">The first one ticked is the default; the application reaches the others by naming them (the tools' <code>workspace</code> argument). To add a workspace you have not connected yet, choose <em>Connect another workspace</em>: Slack asks you to sign in to it, and it becomes the default.</p>
</fieldset>
<p>Your Slack tokens stay on this server; the application receives only a token issued by this server, which you can revoke.</p>
{{else}}<p>Next, Slack may ask you to approve these permissions for this server's Slack app. Your Slack token stays on this server; the application receives only a token issued by this server, which you can revoke.</p>{{end}}
<p>Your approval is remembered in this browser, so this application is not asked again for the same access. You can see and revoke the applications you approved on <a href="/authorize/consents" id="manage">Applications you approved</a>.</p>
<form method="post" action="/authorize/consent" id="consent-form">
<input type="hidden" name="txn" value="{{.Txn}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<div class="actions">
<button class="primary" type="submit" id="approve" name="decision" value="approve">Approve</button>
{{if .Workspaces}}<button type="submit" id="another" name="decision" value="another">Connect another workspace</button>{{end}}
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</div>
</form>
</body></html>{{end}}

{{define "consents"}}{{template "head" "Applications you approved"}}
<h1>Applications you approved</h1>
{{if .Signed}}
<p>These applications can use Slack as you{{if .User}}, <strong id="user">{{.User}}</strong>{{if .UserID}} <span class="muted">({{.UserID}})</span>{{end}} in <strong>{{.Team}}</strong>,{{end}} through this server, and will not be asked again in this browser. Revoking one signs it out at once (every token it holds stops working) and it must ask for your approval again.</p>
{{if .Revoked}}<p class="ok" id="revoked">The application's access was revoked.</p>{{end}}
{{range .Items}}<div class="app">
<h2>{{.ClientName}}</h2>
{{if .ClientIDShown}}<p class="muted"><code>{{.ClientID}}</code></p>{{end}}
{{if .Unregistered}}<p class="muted">This application is no longer registered with this server.</p>{{end}}
<p>Sent back to <strong class="host">{{.RedirectHost}}</strong>{{if ne .RedirectHost .RedirectURI}} (<code>{{.RedirectURI}}</code>){{end}}; approved {{.GrantedAt}}.</p>
{{template "access" .}}
<form method="post" action="/authorize/consents/revoke">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="csrf" value="{{$.CSRF}}">
<button type="submit" name="revoke" value="1">Revoke</button>
</form>
</div>
{{else}}<p id="none">You have not approved any application that is still connected.</p>
{{end}}
{{else}}
<p id="nothing">There is nothing to manage in this browser: approvals are remembered in the browser where you gave them, and this one has not approved an application (or its sign-in expired after 30 days).</p>
<p>To connect an application, add this server's address, <code>{{.MCPURL}}</code>, to your MCP client (Claude, VS Code, Cursor, ...); it will open this server's approval page. To get a personal token instead, <a href="/oauth/authorize" id="connect">connect with Slack</a>.</p>
{{end}}
</body></html>{{end}}

{{define "consents_error"}}{{template "head" "Error"}}
<h1>{{.Title}}</h1>
<p class="err">{{.Message}}</p>
<p><a href="/authorize/consents">Back to the applications you approved</a></p>
</body></html>{{end}}

{{define "error"}}{{template "head" "Error"}}
<h1>{{.Title}}</h1>
<p class="err">{{.Message}}</p>
{{if .Code}}<p>Error code: <code id="error-code">{{.Code}}</code></p>{{end}}
{{if .Detail}}<p>{{.Detail}}</p>{{end}}
<p>You can close this window and start again from your application.</p>
</body></html>{{end}}
`))

// consentPage is what the consent template shows.
type consentPage struct {
	ClientName, ClientID, RedirectHost string
	RedirectURI, Scheme                string
	ClientIDShown, LocalhostOnly       bool
	OtherProgram                       bool // not http(s): another program receives the code
	Access                             string
	Permissions, WriteActions          []string
	Txn, CSRF                          string
	// Workspaces is the picker (workspaces_consent.go); empty: none.
	Workspaces []workspaceOption
}

// setPageHeaders hardens our HTML pages: not frameable, no scripts, forms
// only to us (and their redirects only on to Slack, or to the client from
// the consent page), nothing cached or leaked in Referer.
func (s *Server) setPageHeaders(w http.ResponseWriter, csp string) { htmlpage.SetHeaders(w, csp) }

func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	s.renderCSP(w, status, name, data, s.csp)
}

// consentCSP is the consent page's policy: the page policy with the
// client's redirect target added to form-action (formActionSource says
// why), so Deny and a Slack that approves without a page of its own reach
// the client. The form itself still posts only to us.
func (s *Server) consentCSP(redirectURI string) string {
	var extra []string
	if src, ok := formActionSource(redirectURI); ok {
		extra = append(extra, src)
	}
	// Slack does not document whether slack.com/oauth/v2/authorize
	// redirects to a workspace host (acme.slack.com, app.slack.com)
	// before its page; if it does, that hop is in the form's chain too.
	// Allowing Slack's subdomains works whether it does or not.
	if s.o.Slack.SlackURL() == slackoauth.DefaultSlackURL {
		extra = append(extra, "https://*.slack.com")
	}
	if len(extra) == 0 {
		return s.csp
	}
	return strings.Replace(s.csp, "form-action 'self'", "form-action 'self' "+strings.Join(extra, " "), 1)
}

func (s *Server) renderCSP(w http.ResponseWriter, status int, name string, data any, csp string) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.o.Logger.Error().Err(err).Str("template", name).Msg("oauthserver: rendering page")
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error")
		return
	}
	s.setPageHeaders(w, csp)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the answer whenever redirecting to the client would be
// unsafe (unknown client, unregistered redirect URI, a browser that did
// not start the flow).
func (s *Server) errorPage(w http.ResponseWriter, status int, title, message string) {
	s.render(w, status, "error", errorPageData{Title: title, Message: message})
}

// errorPageData is what the error template shows; Code (an OAuth error
// code) and Detail are optional.
type errorPageData struct {
	Title, Message, Code, Detail string
}

// slackScopeText is what each Slack user scope lets the application do,
// in words; unknown scopes are shown by name.
var slackScopeText = map[string]string{
	"channels:history":       "Read messages in public channels",
	"channels:read":          "See public channels and their details",
	"groups:history":         "Read messages in private channels you are in",
	"groups:read":            "See private channels you are in",
	"im:history":             "Read your direct messages",
	"im:read":                "See your direct message conversations",
	"mpim:history":           "Read your group direct messages",
	"mpim:read":              "See your group direct message conversations",
	"users:read":             "See people in the workspace",
	"users:read.email":       "See people's email addresses",
	"usergroups:read":        "See user groups",
	"search:read":            "Search messages and files you can see",
	"files:read":             "Read files you can see",
	"reactions:read":         "See emoji reactions",
	"team:read":              "See the workspace's name and domain",
	"emoji:read":             "See custom emoji",
	"chat:write":             "Send messages as you",
	"reactions:write":        "Add and remove emoji reactions as you",
	"channels:write":         "Manage public channels as you",
	"groups:write":           "Manage private channels as you",
	"im:write":               "Start direct messages as you",
	"mpim:write":             "Start group direct messages as you",
	"files:write":            "Upload files as you",
	"users.profile:read":     "See people's profiles",
	"channels:write.invites": "Invite people to public channels",
	"pins:read":              "See pinned messages",
	"bookmarks:read":         "See channel bookmarks",
	"stars:read":             "See your saved items",
	"dnd:read":               "See Do Not Disturb settings",
	"reminders:read":         "See your reminders",
	"canvases:read":          "Read canvases you can see",
	"canvases:write":         "Create and edit canvases as you",
	"users.profile:write":    "Set your status",
	"chat:write.customize":   "Post with a custom name and icon",
}

func describeSlackScopes(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if t, ok := slackScopeText[sc]; ok {
			out = append(out, t+" ("+sc+")")
		} else {
			out = append(out, sc)
		}
	}
	return out
}
