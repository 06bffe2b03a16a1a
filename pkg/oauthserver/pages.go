package oauthserver

import (
	"bytes"
	"html/template"
	"net/http"
)

var pages = template.Must(template.New("pages").Parse(`{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{.}} · Slack MCP server</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.4rem}code{font:13px/1.4 ui-monospace,monospace;word-break:break-all}
.warn{background:#fff8e1;border-left:4px solid #f0c36d;padding:.5rem .75rem}
.err{background:#fdecea;border-left:4px solid #e01e5a;padding:.5rem .75rem}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
button{cursor:pointer;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #888;background:#fff;font-size:1rem}
button.primary{background:#4a154b;color:#fff;border-color:#4a154b}
</style></head><body>{{end}}

{{define "consent"}}{{template "head" "Authorize"}}
<h1>Allow <strong>{{.ClientName}}</strong> to use Slack as you?</h1>
<p>The application <strong>{{.ClientName}}</strong>{{if .ClientIDShown}} (<code>{{.ClientID}}</code>){{end}} asks for access to your Slack account through this server.
After you approve, it will be sent back to <strong>{{.RedirectHost}}</strong>.</p>
{{if .LocalhostOnly}}<p class="warn">This application only redirects to <strong>localhost</strong>. Any program on this computer could claim to be it: approve only if you just started connecting <strong>{{.ClientName}}</strong> yourself.</p>{{end}}
<p>It will be able to ({{.Access}}):</p>
<ul>{{range .Permissions}}<li>{{.}}</li>{{end}}</ul>
<p>Next, Slack may ask you to approve these permissions for this server's Slack app. Your Slack token stays on this server; the application receives only a token issued by this server, which you can revoke.</p>
<form method="post" action="/authorize/consent">
<input type="hidden" name="txn" value="{{.Txn}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<div class="actions">
<button class="primary" type="submit" id="approve" name="decision" value="approve">Approve</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</div>
</form>
</body></html>{{end}}

{{define "error"}}{{template "head" "Error"}}
<h1>{{.Title}}</h1>
<p class="err">{{.Message}}</p>
<p>You can close this window and start again from your application.</p>
</body></html>{{end}}
`))

// consentPage is what the consent template shows.
type consentPage struct {
	ClientName, ClientID, RedirectHost string
	ClientIDShown, LocalhostOnly       bool
	Access                             string
	Permissions                        []string
	Txn, CSRF                          string
}

// setPageHeaders hardens our HTML pages: not frameable, no scripts, forms
// only to us and Slack, nothing cached or leaked in Referer.
func (s *Server) setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
}

func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		s.o.Logger.Error().Err(err).Str("template", name).Msg("oauthserver: rendering page")
		writeOAuthError(w, http.StatusInternalServerError, "server_error", "internal error")
		return
	}
	s.setPageHeaders(w)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage is the answer whenever redirecting to the client would be
// unsafe (unknown client, unregistered redirect URI, a browser that did
// not start the flow).
func (s *Server) errorPage(w http.ResponseWriter, status int, title, message string) {
	s.render(w, status, "error", struct{ Title, Message string }{title, message})
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
