package main

import (
	"fmt"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/oauthserver"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// selection is the operator's choice of tools (--enabled-tools and the
// gates), applied to the catalog once.
func (c *config) selection() (*server.Selection, error) {
	sel, err := server.Select(tools.Catalog(), c.EnabledTools, c.OpenGates)
	if err != nil {
		return nil, fmt.Errorf("--enabled-tools / SLACK_MCP_ENABLED_TOOLS: %w", err)
	}
	if sel, err = sel.Narrow(c.Toolsets); err != nil {
		return nil, fmt.Errorf("SLACK_MCP_TOOLSETS: %w", err)
	}
	return sel, nil
}

// writeActions are the selection's write tools as the consent page names
// them: the catalog's title and Slack scopes, so the page never keeps a
// second list of tools. None means the deployment cannot write, and the
// authorization server then neither advertises nor grants slack:write.
func writeActions(sel *server.Selection) []oauthserver.WriteAction {
	var out []oauthserver.WriteAction
	for _, t := range sel.Writes() {
		title := t.Title
		if title == "" {
			title = t.Name
		}
		out = append(out, oauthserver.WriteAction{Title: title, SlackScopes: t.Scopes})
	}
	return out
}
