package slackemu

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Canvases, as docs.slack.dev/reference/methods describes canvases.create,
// conversations.canvases.create, canvases.getContent, canvases.edit and
// canvases.sections.lookup. Errors we emulate: canvas_creation_failed
// (with a "detail" as in the documented example), canvas_disabled_user_team,
// channel_canvas_already_exists, canvas_not_found ("the canvas does not
// exist, or is not visible to the calling user"), canvas_editing_failed,
// restricted_action and invalid_arguments.
//
// Assumed where the docs are silent: who may edit (the creator, and the
// members of the channel the canvas belongs to; others who can see it get
// restricted_action); that an unknown section_id is canvas_editing_failed
// with a detail; that contains_text matches case-insensitively; and that
// getContent's Markdown leaves the title out.

// maxCanvasMarkdown is the documented document_content limit (1 MiB of
// characters).
const maxCanvasMarkdown = 1 << 20

// Canvas seeds a canvas (AddCanvas).
type Canvas struct {
	ID    string // "" assigns one
	Title string
	Owner string // user ID of the creator
	// Channel is the channel the canvas belongs to ("" for a standalone
	// canvas only its owner sees); ChannelCanvas makes it that channel's
	// canvas (conversations.canvases.create).
	Channel       string
	ChannelCanvas bool
	Markdown      string
}

type canvas struct {
	Canvas
	sections []canvasSection
}

// canvasStore holds the canvases of a workspace (a field of Workspace, so
// the workspace lock guards it).
type canvasStore struct {
	byID     map[string]*canvas
	seq      int
	disabled bool // canvas_disabled_user_team for every canvas method
}

// SetCanvasesDisabled turns canvases off for the team, as an admin can:
// every canvas method answers canvas_disabled_user_team.
func (w *Workspace) SetCanvasesDisabled(off bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.canvases.disabled = off
}

// AddCanvas adds a canvas and returns its ID; it panics on Markdown the
// emulator refuses, a bug in the test.
func (w *Workspace) AddCanvas(c Canvas) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if c.Channel != "" && w.channelByID(c.Channel) == nil {
		panic("slackemu: AddCanvas: unknown channel " + c.Channel)
	}
	cv, detail := w.newCanvas(c)
	if detail != "" {
		panic("slackemu: AddCanvas: " + detail)
	}
	return cv.ID
}

// CanvasMarkdown returns a canvas's content as canvases.getContent would.
func (w *Workspace) CanvasMarkdown(id string) (string, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	cv := w.canvases.byID[id]
	if cv == nil {
		return "", false
	}
	return renderMarkdown(cv.sections), true
}

// newCanvas stores a canvas; the caller holds the write lock.
func (w *Workspace) newCanvas(c Canvas) (*canvas, string) {
	blocks, detail := splitMarkdown(c.Markdown)
	if detail != "" {
		return nil, detail
	}
	if w.canvases.byID == nil {
		w.canvases.byID = map[string]*canvas{}
	}
	if c.ID == "" {
		w.canvases.seq++
		c.ID = fmt.Sprintf("F0CANVAS%04d", w.canvases.seq)
	}
	cv := &canvas{Canvas: c}
	cv.sections = w.sectionsOf(blocks)
	w.canvases.byID[c.ID] = cv
	return cv, ""
}

// sectionsOf gives parsed blocks their IDs, shaped like Slack's
// ("temp:C:" and 25 characters).
func (w *Workspace) sectionsOf(blocks []parsedBlock) []canvasSection {
	out := make([]canvasSection, len(blocks))
	for i, b := range blocks {
		w.canvases.seq++
		out[i] = canvasSection{id: fmt.Sprintf("temp:C:EMU%022d", w.canvases.seq), kind: b.kind, markdown: b.markdown}
	}
	return out
}

// canvasVisible reports whether the caller can see the canvas: its owner,
// and whoever can see the channel it belongs to.
func (c *call) canvasVisible(cv *canvas) bool {
	if cv.Owner == c.token.UserID {
		return true
	}
	ch := c.w.channelByID(cv.Channel)
	return ch != nil && c.canSee(ch)
}

// canvasFor finds the canvas_id parameter for reading or (write) editing.
func (c *call) canvasFor(write bool) (*canvas, error) {
	if c.w.canvases.disabled {
		return nil, fail("canvas_disabled_user_team")
	}
	cv := c.w.canvases.byID[strings.TrimSpace(c.p.Get("canvas_id"))]
	if cv == nil || !c.canvasVisible(cv) {
		return nil, fail("canvas_not_found")
	}
	if write && cv.Owner != c.token.UserID {
		ch := c.w.channelByID(cv.Channel)
		if ch == nil || !c.isMember(ch) {
			return nil, fail("restricted_action")
		}
	}
	return cv, nil
}

// documentContent reads the document_content parameter: absent is empty;
// anything but {"type":"markdown","markdown":...} is invalid_arguments.
func (c *call) documentContent() (string, error) {
	raw := strings.TrimSpace(c.p.Get("document_content"))
	if raw == "" {
		return "", nil
	}
	var dc struct {
		Type     string `json:"type"`
		Markdown string `json:"markdown"`
	}
	if json.Unmarshal([]byte(raw), &dc) != nil || dc.Type != "markdown" {
		return "", fail("invalid_arguments")
	}
	if utf8.RuneCountInString(dc.Markdown) > maxCanvasMarkdown {
		return "", &apiError{code: "canvas_creation_failed", extra: obj{"detail": "'content' error: content is larger than 1 MiB"}}
	}
	return dc.Markdown, nil
}

func (c *call) createCanvas(channelCanvas bool) (obj, error) {
	if err := c.requireScope("canvases:write"); err != nil {
		return nil, err
	}
	if c.w.canvases.disabled {
		return nil, fail("canvas_disabled_user_team")
	}
	md, err := c.documentContent()
	if err != nil {
		return nil, err
	}
	chID := strings.TrimSpace(c.p.Get("channel_id"))
	if channelCanvas && chID == "" {
		return nil, fail("invalid_arguments")
	}
	if chID != "" {
		ch := c.w.channelByID(chID)
		if ch == nil || !c.canSee(ch) {
			return nil, fail("channel_not_found")
		}
		if !c.isMember(ch) && kindOf(&ch.Channel) != typePublic {
			return nil, fail("restricted_action")
		}
	}
	if channelCanvas {
		for _, cv := range c.w.canvases.byID {
			if cv.ChannelCanvas && cv.Channel == chID {
				return nil, fail("channel_canvas_already_exists")
			}
		}
	}
	cv, detail := c.w.newCanvas(Canvas{Title: c.p.Get("title"), Owner: c.token.UserID, Channel: chID, ChannelCanvas: channelCanvas, Markdown: md})
	if detail != "" {
		return nil, &apiError{code: "canvas_creation_failed", extra: obj{"detail": "'content' error: " + detail}}
	}
	return obj{"canvas_id": cv.ID}, nil
}

func canvasesCreate(c *call) (obj, error)              { return c.createCanvas(false) }
func conversationsCanvasesCreate(c *call) (obj, error) { return c.createCanvas(true) }

func canvasesGetContent(c *call) (obj, error) {
	if err := c.requireScope("canvases:read"); err != nil {
		return nil, err
	}
	cv, err := c.canvasFor(false)
	if err != nil {
		return nil, err
	}
	switch c.p.Get("content_type") {
	case "", "markdown":
		return obj{"content": renderMarkdown(cv.sections)}, nil
	case "html":
		return obj{"content": renderHTML(cv.Title, cv.sections)}, nil
	}
	return nil, fail("invalid_arguments")
}

func canvasesSectionsLookup(c *call) (obj, error) {
	if err := c.requireScope("canvases:read"); err != nil {
		return nil, err
	}
	cv, err := c.canvasFor(false)
	if err != nil {
		return nil, err
	}
	var crit struct {
		SectionTypes []string `json:"section_types"`
		ContainsText string   `json:"contains_text"`
	}
	if json.Unmarshal([]byte(c.p.Get("criteria")), &crit) != nil || (len(crit.SectionTypes) == 0 && crit.ContainsText == "") ||
		len(crit.SectionTypes) > 3 {
		return nil, fail("invalid_arguments")
	}
	types := map[string]bool{}
	for _, t := range crit.SectionTypes {
		if t != sectionH1 && t != sectionH2 && t != sectionH3 && t != "any_header" {
			return nil, fail("invalid_arguments")
		}
		types[t] = true
	}
	want := strings.ToLower(crit.ContainsText)
	sections := []obj{}
	for _, s := range cv.sections {
		if len(types) > 0 && !types[s.kind] && !(types["any_header"] && s.isHeader()) {
			continue
		}
		if want != "" && !strings.Contains(strings.ToLower(sectionText(s)), want) {
			continue
		}
		sections = append(sections, obj{"id": s.id})
	}
	return obj{"sections": sections}, nil
}
