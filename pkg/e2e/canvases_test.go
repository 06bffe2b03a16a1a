package e2e

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

const canvasPlan = "# Launch plan\n\nShip on Friday.\n\n## Risks\n\n- rollback\n- pager"

// canvases_create makes a canvas (standalone or a channel's) from
// Markdown, and canvases_read gives the Markdown back; bad input is refused
// before any Slack call and Slack's refusals are explained.
func TestCanvasesCreateAndRead(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{transport: kind, gates: allGates()})

			res := e.call(t, "canvases_create", map[string]any{"title": "Launch", "markdown": canvasPlan})
			require.False(t, res.IsError, text(res))
			var created tools.CanvasCreated
			decodeCanvas(t, res, &created)
			require.NotEmpty(t, created.CanvasID)
			assert.Equal(t, "Launch", created.Title)
			assert.Contains(t, text(res), "created canvas "+created.CanvasID)
			assert.Contains(t, created.URL, "/docs/"+teamID+"/"+created.CanvasID)

			read := e.call(t, "canvases_read", map[string]any{"canvas_id": created.URL})
			require.False(t, read.IsError, text(read))
			var content tools.CanvasContent
			decodeCanvas(t, read, &content)
			assert.Equal(t, canvasPlan, content.Markdown)
			assert.Contains(t, text(read), "## Risks\n\n- rollback\n- pager")

			ch := e.call(t, "canvases_create", map[string]any{"markdown": "Welcome to #general", "channel_id": "#general"})
			require.False(t, ch.IsError, text(ch))
			decodeCanvas(t, ch, &created)
			assert.Equal(t, generalID, created.Channel)
			again := e.call(t, "canvases_create", map[string]any{"markdown": "again", "channel_id": "#general"})
			require.True(t, again.IsError)
			assert.Contains(t, text(again), "already has its channel canvas")

			calls := e.emu.Calls("canvases.create")
			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"canvases_create", map[string]any{"title": "empty"}, "markdown is required"},
				{"canvases_create", map[string]any{"markdown": "  "}, "markdown is required"},
				{"canvases_create", map[string]any{"markdown": "#### Deep"}, "headings # to ### only"},
				{"canvases_create", map[string]any{"markdown": "x", "channel_id": "#nope"}, "nope"},
				{"canvases_read", map[string]any{}, "canvas_id is required"},
				{"canvases_read", map[string]any{"canvas_id": "C0123ABCD"}, "not a canvas ID"},
				{"canvases_read", map[string]any{"canvas_id": "F0NOPE0001"}, "canvas was not found"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}
			assert.Equal(t, calls, e.emu.Calls("canvases.create"), "bad input costs no Slack call")

			e.ws.SetCanvasesDisabled(true)
			off := e.call(t, "canvases_create", map[string]any{"markdown": "x"})
			require.True(t, off.IsError)
			assert.Contains(t, text(off), "Canvases are turned off for this workspace")
		})
	}
}

// canvases_update finds a section by its text and changes the canvas
// there; ambiguous or missing sections, and inputs that do not fit the
// operation, are refused before anything is written.
func TestCanvasesUpdate(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{transport: kind, gates: allGates()})
			res := e.call(t, "canvases_create", map[string]any{"title": "Launch", "markdown": canvasPlan})
			require.False(t, res.IsError, text(res))
			var created tools.CanvasCreated
			decodeCanvas(t, res, &created)
			id := created.CanvasID
			update := func(args map[string]any) *mcp.CallToolResult {
				args["canvas_id"] = id
				return e.call(t, "canvases_update", args)
			}

			res = update(map[string]any{"operation": "replace", "section_contains": "risks", "section_type": "any_header", "markdown": "## Dangers"})
			require.False(t, res.IsError, text(res))
			var changed tools.CanvasUpdated
			decodeCanvas(t, res, &changed)
			assert.Equal(t, "replace", changed.Operation)
			assert.NotEmpty(t, changed.SectionID)
			res = update(map[string]any{"operation": "insert_after", "section_contains": "Ship on Friday", "markdown": "Or Monday."})
			require.False(t, res.IsError, text(res))
			res = update(map[string]any{"operation": "insert_at_end", "markdown": "- [ ] tell support"})
			require.False(t, res.IsError, text(res))
			res = update(map[string]any{"operation": "delete", "section_contains": "pager"})
			require.False(t, res.IsError, text(res))

			read := e.call(t, "canvases_read", map[string]any{"canvas_id": id})
			require.False(t, read.IsError, text(read))
			var content tools.CanvasContent
			decodeCanvas(t, read, &content)
			assert.Equal(t, "# Launch plan\n\nShip on Friday.\n\nOr Monday.\n\n## Dangers\n\n- rollback\n\n- [ ] tell support", content.Markdown)

			edits := e.emu.Calls("canvases.edit")
			for _, bad := range []struct {
				args map[string]any
				want string
			}{
				{map[string]any{"operation": "insert_at_end"}, "markdown is required"},
				{map[string]any{"operation": "insert_at_end", "markdown": " "}, "markdown is required"},
				{map[string]any{"operation": "append", "markdown": "x"}, "is not one of insert_at_end"},
				{map[string]any{"operation": "insert_after", "markdown": "x"}, "needs a section"},
				{map[string]any{"operation": "replace", "markdown": "x", "section_contains": "o"}, "sections of canvas " + id + " contain \"o\""},
				{map[string]any{"operation": "replace", "markdown": "x", "section_contains": "no such words"}, "no section of canvas " + id + " contains"},
				{map[string]any{"operation": "delete", "section_id": "temp:C:gone"}, "the section may no longer exist"},
				{map[string]any{"operation": "insert_at_end", "markdown": "x", "canvas_id": "F0NOPE0001"}, "canvas was not found"},
			} {
				args := bad.args
				res := e.call(t, "canvases_update", withCanvas(args, id))
				require.True(t, res.IsError, "%v: %s", args, text(res))
				assert.Contains(t, text(res), bad.want, "%v", args)
			}
			assert.Equal(t, edits+2, e.emu.Calls("canvases.edit"), "only the unknown section and the unknown canvas reached canvases.edit")
		})
	}
}

// withCanvas adds canvas_id unless args has one.
func withCanvas(args map[string]any, id string) map[string]any {
	out := map[string]any{"canvas_id": id}
	for k, v := range args {
		out[k] = v
	}
	return out
}

// The person sees what a canvas write will do before it happens; a
// declined one changes nothing.
func TestDeclinedCanvasWritesChangeNothing(t *testing.T) {
	t.Parallel()
	ws := fixture()
	id := ws.AddCanvas(slackemu.Canvas{Title: "Plan", Owner: meID, Markdown: canvasPlan})
	p := &person{action: mcp.ElicitationResponseActionDecline}
	e := newEnv(t, envOptions{ws: ws, gates: allGates(), elicit: p, confirm: confirm.New(confirm.Elicit, nil)})
	for _, c := range []struct {
		tool string
		args map[string]any
		says []string
	}{
		{"canvases_create", map[string]any{"title": "Retro", "markdown": "went well"}, []string{`Create a canvas titled "Retro"`, "went well"}},
		{"canvases_create", map[string]any{"markdown": "hello", "channel_id": "#general"}, []string{"Create the channel canvas", "#general (" + generalID + ")"}},
		{"canvases_update", map[string]any{"canvas_id": id, "operation": "replace", "section_contains": "Risks", "markdown": "## Dangers"},
			[]string{`Replace the section containing "Risks" of canvas ` + id, "## Dangers"}},
		{"canvases_update", map[string]any{"canvas_id": id, "operation": "replace", "markdown": "all gone"}, []string{"Replace the whole content of canvas " + id, "cannot be undone"}},
		{"canvases_update", map[string]any{"canvas_id": id, "operation": "delete", "section_contains": "pager"}, []string{"Delete the section containing \"pager\"", "cannot be undone"}},
	} {
		res := e.call(t, c.tool, c.args)
		require.False(t, res.IsError, text(res))
		assert.Contains(t, text(res), "declined", c.tool)
		shown := p.questions()
		for _, want := range c.says {
			assert.Contains(t, shown[len(shown)-1], want, c.tool)
		}
	}
	got, _ := ws.CanvasMarkdown(id)
	assert.Equal(t, canvasPlan, got)
	assert.Zero(t, e.emu.Calls("canvases.create")+e.emu.Calls("conversations.canvases.create")+e.emu.Calls("canvases.edit"))
}

// A canvas someone else owns and did not share is not found; the write
// tools are not served while SLACK_MCP_CANVAS_TOOL is off, reading is.
func TestCanvasesVisibilityAndGate(t *testing.T) {
	t.Parallel()
	ws := fixture()
	theirs := ws.AddCanvas(slackemu.Canvas{Title: "Alice's", Owner: aliceID, Markdown: "private notes"})
	shared := ws.AddCanvas(slackemu.Canvas{Title: "Team", Owner: aliceID, Channel: generalID, Markdown: "# Team\n\nhello"})
	e := newEnv(t, envOptions{ws: ws})

	res := e.call(t, "canvases_read", map[string]any{"canvas_id": theirs})
	require.True(t, res.IsError)
	assert.Contains(t, text(res), "canvas was not found")
	res = e.call(t, "canvases_read", map[string]any{"canvas_id": shared})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "# Team\n\nhello")

	listed := map[string]bool{}
	list, err := e.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	for _, tl := range list.Tools {
		listed[tl.Name] = true
	}
	assert.True(t, listed["canvases_read"])
	for _, name := range []string{"canvases_create", "canvases_update"} {
		assert.False(t, listed[name], name)
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = name, map[string]any{"markdown": "x", "canvas_id": shared, "operation": "insert_at_end"}
		_, err := e.client.CallTool(context.Background(), req)
		require.ErrorContains(t, err, "tool '"+name+"' not found")
	}
}

func decodeCanvas(t *testing.T, res *mcp.CallToolResult, v any) {
	t.Helper()
	raw, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, v))
}
