package tools

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

func TestPlanCanvasUpdate(t *testing.T) {
	t.Parallel()
	const id = "F0123ABCD"
	for _, tc := range []struct {
		name string
		in   canvasUpdateInput
		err  string
	}{
		{name: "append", in: canvasUpdateInput{Operation: "insert_at_end", Markdown: "- more"}},
		{name: "replace everything", in: canvasUpdateInput{Operation: "replace", Markdown: "new"}},
		{name: "replace a heading", in: canvasUpdateInput{Operation: "replace", Markdown: "## New", SectionContains: "Old", SectionType: "any_header"}},
		{name: "delete by id", in: canvasUpdateInput{Operation: "delete", SectionID: "temp:C:abc"}},
		{name: "no operation", in: canvasUpdateInput{Markdown: "x"}, err: "operation is required"},
		{name: "unknown operation", in: canvasUpdateInput{Operation: "append", Markdown: "x"}, err: `operation "append" is not one of`},
		{name: "both section forms", in: canvasUpdateInput{Operation: "replace", Markdown: "x", SectionID: "temp:C:a", SectionContains: "a"}, err: "not both"},
		{name: "type without text", in: canvasUpdateInput{Operation: "replace", Markdown: "x", SectionType: "h1"}, err: "give section_contains too"},
		{name: "bad type", in: canvasUpdateInput{Operation: "replace", Markdown: "x", SectionContains: "a", SectionType: "h4"}, err: "section_type must be"},
		{name: "section id with spaces", in: canvasUpdateInput{Operation: "delete", SectionID: "the risks"}, err: "not a canvas section ID"},
		{name: "append at a section", in: canvasUpdateInput{Operation: "insert_at_end", Markdown: "x", SectionContains: "a"}, err: "takes no section"},
		{name: "insert_after without section", in: canvasUpdateInput{Operation: "insert_after", Markdown: "x"}, err: "needs a section"},
		{name: "delete without section", in: canvasUpdateInput{Operation: "delete"}, err: "needs a section"},
		{name: "delete with markdown", in: canvasUpdateInput{Operation: "delete", SectionContains: "a", Markdown: "x"}, err: "takes no markdown"},
		{name: "empty markdown", in: canvasUpdateInput{Operation: "insert_at_start", Markdown: " "}, err: "markdown is required"},
		{name: "deep heading", in: canvasUpdateInput{Operation: "insert_at_start", Markdown: "#### x"}, err: "headings # to ### only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := tc.in
			in.CanvasID = params.TextArgument(id)
			p, err := planCanvasUpdate(&in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, id, p.canvasID)
			assert.NotEmpty(t, canvasAction(p))
		})
	}
	_, err := planCanvasUpdate(&canvasUpdateInput{Operation: "insert_at_end", Markdown: "x"})
	require.ErrorContains(t, err, "canvas_id is required")
}
