package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// canvasOperations are canvases.edit's operations, in the order the tool
// describes them.
var canvasOperations = []string{"insert_at_end", "insert_at_start", "insert_after", "insert_before", "replace", "delete"}

// CanvasUpdated is the result of canvases_update.
type CanvasUpdated struct {
	CanvasID  string `json:"canvas_id"`
	Operation string `json:"operation"`
	SectionID string `json:"section_id,omitempty" jsonschema:"the section the change was made at, if any"`
}

// canvasUpdateInput is the input of canvases_update.
type canvasUpdateInput struct {
	CanvasID        params.TextArgument `json:"canvas_id" jsonschema:"Canvas ID (F0123ABCD) or a canvas link."`
	Operation       params.TextArgument `json:"operation" jsonschema:"enum=insert_at_end,enum=insert_at_start,enum=insert_after,enum=insert_before,enum=replace,enum=delete" jsonschema_description:"insert_at_end or insert_at_start add to the canvas; insert_after and insert_before add next to a section; replace replaces a section (or with no section the whole canvas); delete removes a section."`
	Markdown        params.TextArgument `json:"markdown,omitempty" jsonschema:"The new content in Markdown (headings # to ###). Required except for delete."`
	SectionID       params.TextArgument `json:"section_id,omitempty" jsonschema:"The section to act at, as Slack names it (temp:C:…). Usually give section_contains instead."`
	SectionContains params.TextArgument `json:"section_contains,omitempty" jsonschema:"Text of the section to act at (a heading or a paragraph, as canvases_read shows it); it must match exactly one section."`
	SectionType     params.TextArgument `json:"section_type,omitempty" jsonschema:"enum=any_header,enum=h1,enum=h2,enum=h3" jsonschema_description:"With section_contains: look only at headings (any_header) or at one heading level."`
}

func canvasesUpdate() Tool {
	return Tool{
		Name:        "canvases_update",
		Title:       "Edit a canvas",
		Toolset:     "canvases",
		Scopes:      []string{"canvases:read", "canvases:write"},
		Gate:        GateCanvas,
		Destructive: true,
		Description: "Change a Slack canvas: add Markdown at its start or end, insert it before or after a section, replace a section " +
			"(or the whole canvas), or delete a section. Name the section by its text (section_contains, e.g. a heading) as canvases_read shows it. " +
			"Replaced and deleted content cannot be restored. Off unless the operator enables it (SLACK_MCP_CANVAS_TOOL).",
		Params:  input[canvasUpdateInput](),
		Output:  mcp.WithOutputSchema[CanvasUpdated](),
		Handler: typed(handleCanvasUpdate),
	}
}

// canvasUpdatePlan is a checked canvases_update request.
type canvasUpdatePlan struct {
	canvasID, op, markdown, sectionID, contains, sectionType string
}

// planCanvasUpdate checks the arguments against each other, before any
// Slack call.
func planCanvasUpdate(in *canvasUpdateInput) (canvasUpdatePlan, error) {
	id, err := parseCanvasID(string(in.CanvasID))
	if err != nil {
		return canvasUpdatePlan{}, err
	}
	p := canvasUpdatePlan{canvasID: id, op: strings.TrimSpace(string(in.Operation)), markdown: string(in.Markdown),
		sectionID: strings.TrimSpace(string(in.SectionID)), contains: strings.TrimSpace(string(in.SectionContains)),
		sectionType: strings.TrimSpace(string(in.SectionType))}
	switch {
	case p.op == "":
		return p, Inputf("operation is required: one of %s", strings.Join(canvasOperations, ", "))
	case !slices.Contains(canvasOperations, p.op):
		return p, Inputf("operation %q is not one of %s", clip(p.op, 30), strings.Join(canvasOperations, ", "))
	case p.sectionID != "" && p.contains != "":
		return p, Inputf("give section_id or section_contains, not both")
	case p.sectionType != "" && p.contains == "":
		return p, Inputf("section_type narrows section_contains; give section_contains too")
	case p.sectionType != "" && !slices.Contains([]string{"any_header", "h1", "h2", "h3"}, p.sectionType):
		return p, Inputf("section_type must be any_header, h1, h2 or h3, not %q", clip(p.sectionType, 20))
	case strings.ContainsAny(p.sectionID, " \t\n"):
		return p, Inputf("section_id %q is not a canvas section ID; use section_contains with the section's text instead", clip(p.sectionID, 40))
	}
	hasSection := p.sectionID != "" || p.contains != ""
	switch p.op {
	case "insert_at_end", "insert_at_start":
		if hasSection {
			return p, Inputf("%s adds to the whole canvas and takes no section; use insert_after or insert_before to add next to a section", p.op)
		}
	case "insert_after", "insert_before", "delete":
		if !hasSection {
			return p, Inputf("%s needs a section: give section_contains (text of the section, e.g. a heading) or section_id", p.op)
		}
	}
	if p.op == "delete" {
		if strings.TrimSpace(p.markdown) != "" {
			return p, Inputf("delete removes a section and takes no markdown; use replace to change a section's content")
		}
		return p, nil
	}
	return p, checkCanvasMarkdown(p.markdown)
}

func handleCanvasUpdate(ctx context.Context, d *Deps, in *canvasUpdateInput) (*mcp.CallToolResult, error) {
	p, err := planCanvasUpdate(in)
	if err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if p.contains != "" {
		if p.sectionID, err = findCanvasSection(ctx, s, p); err != nil {
			return nil, err
		}
	}
	if err := confirmWrite(ctx, d, s, canvasAction(p), "", p.markdown); err != nil {
		return nil, err
	}
	change := slack.CanvasChange{Operation: p.op, SectionID: p.sectionID}
	if p.op != "delete" {
		change.DocumentContent = slack.DocumentContent{Type: "markdown", Markdown: p.markdown}
	}
	if err := s.Client.EditCanvasContext(ctx, slack.EditCanvasParams{CanvasID: p.canvasID, Changes: []slack.CanvasChange{change}}); err != nil {
		return nil, err
	}
	out := CanvasUpdated{CanvasID: p.canvasID, Operation: p.op, SectionID: p.sectionID}
	line := "updated canvas " + p.canvasID + ": " + p.op
	if p.sectionID != "" {
		line += " at section " + p.sectionID
	}
	return mcp.NewToolResultStructured(out, line), nil
}

// findCanvasSection looks up the one section whose text contains
// p.contains; none or several is the model's to fix.
func findCanvasSection(ctx context.Context, s *Session, p canvasUpdatePlan) (string, error) {
	crit := slack.LookupCanvasSectionsCriteria{ContainsText: p.contains}
	if p.sectionType != "" {
		crit.SectionTypes = []string{p.sectionType}
	}
	secs, err := s.Client.LookupCanvasSectionsContext(ctx, slack.LookupCanvasSectionsParams{CanvasID: p.canvasID, Criteria: crit})
	if err != nil {
		return "", err
	}
	switch len(secs) {
	case 1:
		return secs[0].ID, nil
	case 0:
		return "", Inputf("no section of canvas %s contains %q; read it with canvases_read and copy the text of a heading or paragraph", p.canvasID, clip(p.contains, 60))
	}
	ids := make([]string, 0, 5)
	for _, sec := range secs[:min(len(secs), 5)] {
		ids = append(ids, sec.ID)
	}
	return "", Inputf("%d sections of canvas %s contain %q; give more of the text, a section_type (any_header for headings), or one section_id (%s)",
		len(secs), p.canvasID, clip(p.contains, 60), strings.Join(ids, ", "))
}

// canvasAction says what a change does, for the person confirming it.
func canvasAction(p canvasUpdatePlan) string {
	at := ""
	switch {
	case p.contains != "":
		at = fmt.Sprintf("the section containing %q", clip(p.contains, 60))
	case p.sectionID != "":
		at = "section " + p.sectionID
	}
	c := "canvas " + p.canvasID
	switch p.op {
	case "insert_at_end":
		return "Add to the end of " + c
	case "insert_at_start":
		return "Add to the start of " + c
	case "insert_after":
		return "Insert after " + at + " of " + c
	case "insert_before":
		return "Insert before " + at + " of " + c
	case "delete":
		return "Delete " + at + " of " + c + " (this cannot be undone)"
	}
	if at == "" {
		return "Replace the whole content of " + c + " (this cannot be undone) with"
	}
	return "Replace " + at + " of " + c + " with"
}
