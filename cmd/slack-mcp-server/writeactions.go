package main

import (
	"github.com/slack-mcp-server/slack-mcp-server/pkg/oauthserver"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// writeActions are the selected write tools as the consent page names
// them: the catalog's title and Slack scopes, so the page never keeps a
// second list of tools. None means the deployment cannot write, and the
// authorization server then neither advertises nor grants slack:write.
func writeActions(selected []tools.Tool) []oauthserver.WriteAction {
	var out []oauthserver.WriteAction
	for _, t := range selected {
		if t.ReadOnly {
			continue
		}
		title := t.Title
		if title == "" {
			title = t.Name
		}
		out = append(out, oauthserver.WriteAction{Title: title, SlackScopes: t.Scopes})
	}
	return out
}

// selectedReadOnly maps the selected tools to whether they only read, for
// the 403 step-up check: a write tool that is not enabled is not "ours",
// so calling it gets "tool not found" from the server rather than a
// challenge for slack:write that this deployment would not grant.
func selectedReadOnly(selected []tools.Tool) map[string]bool {
	m := make(map[string]bool, len(selected))
	for _, t := range selected {
		m[t.Name] = t.ReadOnly
	}
	return m
}
