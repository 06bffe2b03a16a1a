package tools

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Canvases are Slack's documents. They are written in Markdown
// (document_content {type: markdown}) and read back as Markdown with
// canvases.getContent, which Slack added for exactly that; reading the
// canvas file's url_private would give HTML that needs converting back.

const (
	// canvasMaxMarkdown is Slack's documented document_content limit.
	canvasMaxMarkdown = 1 << 20
	// canvasReadMaxChars caps what canvases_read returns to the model.
	canvasReadMaxChars = 100_000
)

// CanvasCreated is the result of canvases_create.
type CanvasCreated struct {
	CanvasID string `json:"canvas_id"`
	Title    string `json:"title,omitempty"`
	Channel  string `json:"channel,omitempty" jsonschema:"the channel whose canvas it is, when created for a channel"`
	URL      string `json:"url,omitempty" jsonschema:"link to open the canvas in Slack"`
}

// CanvasContent is the result of canvases_read.
type CanvasContent struct {
	CanvasID  string `json:"canvas_id"`
	Markdown  string `json:"markdown"`
	Chars     int    `json:"chars" jsonschema:"characters in the whole canvas"`
	Truncated bool   `json:"truncated,omitempty" jsonschema:"true when markdown holds only the first 100000 characters"`
}

// canvasCreateInput is the input of canvases_create.
type canvasCreateInput struct {
	Title    params.TextArgument    `json:"title,omitempty" jsonschema:"Title of the canvas."`
	Markdown params.TextArgument    `json:"markdown" jsonschema:"Content in Markdown: headings # to ###, paragraphs, lists, - [ ] checklists, **bold**, _italic_, ~strike~, links, code, > quotes, tables, --- dividers; ![](@U0123ABCD) mentions a user."`
	Channel  params.ChannelArgument `json:"channel_id,omitempty" jsonschema:"Create the channel's own canvas (its canvas tab) instead of a standalone one: channel ID, #channel-name. A channel has at most one."`
}

// canvasReadInput is the input of canvases_read.
type canvasReadInput struct {
	CanvasID params.TextArgument `json:"canvas_id" jsonschema:"Canvas ID (F0123ABCD) or a canvas link (https://….slack.com/docs/T…/F…)."`
}

func canvasesCreate() Tool {
	return Tool{
		Name:    "canvases_create",
		Title:   "Create a canvas",
		Toolset: "canvases",
		Scopes:  []string{"canvases:write"},
		Gate:    GateCanvas,
		Description: "Create a Slack canvas from Markdown: a standalone canvas owned by you, or with channel_id the channel's canvas. " +
			"Returns its ID for canvases_read and canvases_update. Free workspaces can create only channel canvases. " +
			"Off unless the operator enables it (SLACK_MCP_CANVAS_TOOL).",
		Params:  input[canvasCreateInput](),
		Output:  mcp.WithOutputSchema[CanvasCreated](),
		Handler: typed(handleCanvasCreate),
	}
}

func canvasesRead() Tool {
	return Tool{
		Name:     "canvases_read",
		Title:    "Read a canvas",
		Toolset:  "canvases",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"canvases:read"},
		Description: "Read a Slack canvas as Markdown, by its ID or link. Long canvases are cut at 100000 characters. " +
			"To change it, use canvases_update with the text of a heading or paragraph.",
		Params:  input[canvasReadInput](),
		Output:  mcp.WithOutputSchema[CanvasContent](),
		Handler: typed(handleCanvasRead),
	}
}

// checkCanvasMarkdown refuses what Slack would refuse, before any call:
// empty content, more than 1 MiB, and headings deeper than ###.
func checkCanvasMarkdown(md string) error {
	if strings.TrimSpace(md) == "" {
		return Inputf("markdown is required: the content of the canvas in Markdown")
	}
	if n := utf8.RuneCountInString(md); n > canvasMaxMarkdown {
		return Inputf("markdown is %d characters; Slack accepts at most %d", n, canvasMaxMarkdown)
	}
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(t, "####") && strings.TrimLeft(t, "#") != "" && strings.TrimLeft(t, "#")[0] == ' ' {
			return Inputf("canvases support headings # to ### only; %q is deeper (use ### or bold text)", clip(t, 40))
		}
	}
	return nil
}

// parseCanvasID reads a canvas ID (a file ID) or a canvas link, whose
// path ends in the ID (https://acme.slack.com/docs/T0123/F0456).
func parseCanvasID(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", Inputf("canvas_id is required: a canvas ID such as F0123ABCD456 (from canvases_create) or a canvas link")
	}
	if params.IsFileID(s) {
		return s, nil
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		parts := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
		if last := parts[len(parts)-1]; params.IsFileID(last) {
			return last, nil
		}
	}
	return "", Inputf("canvas_id %q is not a canvas ID or link; expected F followed by capital letters and digits (F0123ABCD456) or https://….slack.com/docs/T…/F…", clip(s, 60))
}

// canvasURL is the link Slack shows for a canvas: the workspace URL,
// docs/, the team ID and the canvas ID.
func canvasURL(s *Session, id string) string {
	ident := s.Client.Identity
	if ident.URL == "" || ident.TeamID == "" {
		return ""
	}
	return strings.TrimSuffix(ident.URL, "/") + "/docs/" + ident.TeamID + "/" + id
}

func handleCanvasCreate(ctx context.Context, d *Deps, in *canvasCreateInput) (*mcp.CallToolResult, error) {
	md := string(in.Markdown)
	if err := checkCanvasMarkdown(md); err != nil {
		return nil, err
	}
	title := strings.TrimSpace(string(in.Title))
	var s *Session
	var channelID string
	var err error
	if in.Channel.Given {
		s, channelID, err = sessionWithChannel(ctx, d, in.Channel)
	} else {
		s, err = d.Slack(ctx)
	}
	if err != nil {
		return nil, err
	}
	action := "Create a canvas"
	if title != "" {
		action += fmt.Sprintf(" titled %q", title)
	}
	if channelID != "" {
		action = "Create the channel canvas" + strings.TrimPrefix(action, "Create a canvas")
	}
	if err := confirmWrite(ctx, d, s, action, channelID, md); err != nil {
		return nil, err
	}
	content := slack.DocumentContent{Type: "markdown", Markdown: md}
	var id string
	if channelID != "" {
		id, err = s.Client.CreateChannelCanvasContext(ctx, channelID, content, slack.CreateChannelCanvasOptionTitle(title))
	} else {
		id, err = s.Client.CreateCanvasContext(ctx, title, content)
	}
	if err != nil {
		return nil, err
	}
	out := CanvasCreated{CanvasID: id, Title: title, Channel: channelID, URL: canvasURL(s, id)}
	line := "created canvas " + id
	if channelID != "" {
		line += " for " + channelID
	}
	if out.URL != "" {
		line += " " + out.URL
	}
	return mcp.NewToolResultStructured(out, line), nil
}

func handleCanvasRead(ctx context.Context, d *Deps, in *canvasReadInput) (*mcp.CallToolResult, error) {
	id, err := parseCanvasID(string(in.CanvasID))
	if err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	md, err := s.Client.GetCanvasContentContext(ctx, id, slack.GetCanvasContentOptionContentType("markdown"))
	if err != nil {
		return nil, err
	}
	out := CanvasContent{CanvasID: id, Markdown: md, Chars: utf8.RuneCountInString(md)}
	if out.Chars > canvasReadMaxChars {
		out.Markdown, out.Truncated = clipRunes(md, canvasReadMaxChars), true
	}
	head := fmt.Sprintf("canvas %s (%d characters)", id, out.Chars)
	if out.Truncated {
		head += fmt.Sprintf("; showing the first %d", canvasReadMaxChars)
	}
	res := mcp.NewToolResultStructured(out, head)
	res.Content = append(res.Content, mcp.NewTextContent(out.Markdown))
	return res, nil
}

// clipRunes keeps the first n characters of s.
func clipRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
