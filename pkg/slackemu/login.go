package slackemu

import (
	"io"
	"net/http"
	"strings"
)

// serveLogin stands in for the workspace sign-in page that files.slack.com
// redirects to when a download is not authorized.
func (s *Server) serveLogin(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(rw, r)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = io.WriteString(rw, "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head>"+
		"<body><h1>Sign in to "+htmlEscape(s.ws.Team().Name)+"</h1></body></html>")
}

func htmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}
