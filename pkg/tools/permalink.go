package tools

import (
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// permalink builds the link chat.getPermalink would answer, so a listing
// never spends one Slack call per message. Slack's format (docs.slack.dev,
// chat.getPermalink, example responses): <workspace URL>archives/<channel>/p<ts
// without its dot>, and for a reply in a thread
// ?thread_ts=<parent ts>&cid=<channel>. The workspace URL is auth.test's
// url, so GovSlack and Enterprise Grid hosts come out right. It returns ""
// when a part is missing or malformed rather than a broken link.
func permalink(workspaceURL, channelID, ts, threadTS string) string {
	ts, err := params.ParseTS(ts, "ts")
	if workspaceURL == "" || !params.IsConversationID(channelID) || err != nil {
		return ""
	}
	if !strings.HasSuffix(workspaceURL, "/") {
		workspaceURL += "/"
	}
	link := workspaceURL + "archives/" + channelID + "/p" + strings.Replace(ts, ".", "", 1)
	if parent, err := params.ParseTS(threadTS, "thread_ts"); err == nil && parent != ts {
		link += "?thread_ts=" + parent + "&cid=" + channelID
	}
	return link
}

// workspaceURL is the caller's workspace URL from auth.test
// ("https://acme.slack.com/"), or "" when the session has none.
func workspaceURL(s *Session) string {
	if s == nil || s.Client == nil {
		return ""
	}
	return s.Client.Identity.URL
}
