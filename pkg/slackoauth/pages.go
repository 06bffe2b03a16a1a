package slackoauth

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/htmlpage"
)

// setPageHeaders hardens every HTML page; nonce (may be "") admits the
// one inline copy handler.
func setPageHeaders(w http.ResponseWriter, nonce string) {
	script := "'none'"
	if nonce != "" {
		script = "'nonce-" + nonce + "'"
	}
	htmlpage.SetHeaders(w, "default-src 'none'; style-src 'unsafe-inline'; script-src "+script+"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

const pageHead = `{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{.}} · Slack MCP server</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.8rem}
pre,code,input{font:13px/1.4 ui-monospace,monospace}
pre{background:#f6f6f6;border:1px solid #ddd;border-radius:6px;padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.token{font-size:15px;background:#fff8e1;border-color:#f0c36d}
.warn{background:#fff8e1;border-left:4px solid #f0c36d;padding:.5rem .75rem}
.err{background:#fdecea;border-left:4px solid #e01e5a;padding:.5rem .75rem}
button{cursor:pointer;padding:.3rem .8rem;border-radius:4px;border:1px solid #888;background:#fff}
a.button,button.primary{display:inline-block;background:#4a154b;color:#fff;border:0;padding:.5rem 1rem;border-radius:4px;text-decoration:none}
input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}
</style></head><body>{{end}}`

var pages = template.Must(template.New("pages").Parse(pageHead + `
{{define "success"}}{{template "head" "Connected"}}
<h1>Slack connected</h1>
<p>Connected <strong>{{.Workspace}}</strong>{{if .OrgInstall}} (Enterprise Grid organization {{.Enterprise}}){{else if .TeamID}} ({{.TeamID}}){{end}} as {{if .UserName}}<strong id="user-name">{{.UserName}}</strong> (Slack user {{.UserID}}){{else}}Slack user <strong>{{.UserID}}</strong>{{end}}.</p>
<h2>Your personal access token</h2>
<p class="warn">Copy it now: it is shown <strong>only once</strong>. Anyone holding it can use Slack as you through this server. Treat it like a password.</p>
<pre class="token" id="pat">{{.PAT}}</pre>
<button type="button" data-copy="pat">Copy token</button>
<h2>Claude Code</h2>
<pre id="cfg-claude-code">{{.ClaudeCode}}</pre><button type="button" data-copy="cfg-claude-code">Copy</button>
<h2>Claude Desktop <small>(claude_desktop_config.json, via mcp-remote)</small></h2>
<pre id="cfg-claude-desktop">{{.ClaudeDesktop}}</pre><button type="button" data-copy="cfg-claude-desktop">Copy</button>
<h2>VS Code <small>(.vscode/mcp.json)</small></h2>
<pre id="cfg-vscode">{{.VSCode}}</pre><button type="button" data-copy="cfg-vscode">Copy</button>
<h2>Cursor <small>(~/.cursor/mcp.json)</small></h2>
<pre id="cfg-cursor">{{.Cursor}}</pre><button type="button" data-copy="cfg-cursor">Copy</button>
<h2>Disconnect</h2>
<p>To disconnect, open <a href="{{.RevokeURL}}">{{.RevokeURL}}</a> and paste the token; Slack's grant and every token of this connection stop working at once.</p>
{{if .ContinueURL}}<p><a class="button" href="{{.ContinueURL}}">Continue</a></p>{{end}}
<script nonce="{{.Nonce}}">
document.querySelectorAll("button[data-copy]").forEach(function(b){b.addEventListener("click",function(){
var t=document.getElementById(b.getAttribute("data-copy")).textContent;
navigator.clipboard.writeText(t).then(function(){b.textContent="Copied";});});});
</script>
</body></html>{{end}}

{{define "error"}}{{template "head" "Error"}}
<h1>Connecting Slack did not work</h1>
<p class="err">{{.Message}}</p>
<p>Error code: <code>{{.Code}}</code></p>
</body></html>{{end}}

{{define "revoke"}}{{template "head" "Disconnect"}}
<h1>Disconnect Slack</h1>
<p>Paste the personal access token this server issued you. Disconnecting revokes the Slack grant at Slack and makes every token of that connection stop working at once.</p>
<form method="post" action="{{.Action}}">
<p><label for="token">Personal access token</label><br>
<input type="password" id="token" name="token" autocomplete="off" required placeholder="smcp_…"></p>
<p><button class="primary" type="submit">Disconnect</button></p>
</form>
</body></html>{{end}}

{{define "revoked"}}{{template "head" "Disconnected"}}
<h1>Disconnected</h1>
<p>The Slack connection is revoked; its personal access tokens no longer work.</p>
</body></html>{{end}}
`))

// successPage is what the success template shows. PAT is ours; the Slack
// token is not a field, so it cannot be rendered.
type successPage struct {
	Workspace, TeamID, Enterprise, UserID string
	UserName                              string // "" when unknown
	OrgInstall                            bool
	PAT                                   string
	MCPURL, RevokeURL, ContinueURL        string

	ClaudeCode, ClaudeDesktop, VSCode, Cursor string
	Nonce                                     string
}

// clientConfigs fills in ready-to-paste MCP client configuration.
func (p *successPage) clientConfigs() {
	bearer := "Bearer " + p.PAT
	p.ClaudeCode = `claude mcp add --transport http slack ` + p.MCPURL + ` --header "Authorization: ` + bearer + `"`
	// mcp-remote: keep the header argument free of spaces (some clients
	// split arguments on them) by passing the value through env.
	p.ClaudeDesktop = indentJSON(map[string]any{"mcpServers": map[string]any{"slack": map[string]any{
		"command": "npx",
		"args":    []string{"-y", "mcp-remote", p.MCPURL, "--header", "Authorization:${SLACK_MCP_AUTH}"},
		"env":     map[string]string{"SLACK_MCP_AUTH": bearer},
	}}})
	p.VSCode = indentJSON(map[string]any{"servers": map[string]any{"slack": map[string]any{
		"type": "http", "url": p.MCPURL, "headers": map[string]string{"Authorization": bearer},
	}}})
	p.Cursor = indentJSON(map[string]any{"mcpServers": map[string]any{"slack": map[string]any{
		"url": p.MCPURL, "headers": map[string]string{"Authorization": bearer},
	}}})
}

func indentJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // html/template escapes on output
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
	return buf.String()
}

func (s *Service) renderSuccessPage(w http.ResponseWriter, p successPage) {
	p.clientConfigs()
	p.Nonce = newRandom()
	render(w, http.StatusOK, "success", p, p.Nonce)
}

func renderErrorPage(w http.ResponseWriter, status int, code string) {
	render(w, status, "error", struct{ Code, Message string }{code, message(code)}, "")
}

func render(w http.ResponseWriter, status int, name string, data any, nonce string) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		writeJSONError(w, http.StatusInternalServerError, CodeInternal)
		return
	}
	setPageHeaders(w, nonce)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
