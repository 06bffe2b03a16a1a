package slackemu

import (
	"encoding/json"
	"slices"
)

// canvases.edit: "Only one operation per API call is currently supported"
// (its reference page), so a changes array of any other length is
// invalid_arguments. insert_after, insert_before and delete need a
// section_id; insert_* and replace need document_content; replace without
// a section_id replaces the whole canvas.

type canvasChange struct {
	Operation       string `json:"operation"`
	SectionID       string `json:"section_id"`
	DocumentContent *struct {
		Type     string `json:"type"`
		Markdown string `json:"markdown"`
	} `json:"document_content"`
}

func canvasesEdit(c *call) (obj, error) {
	if err := c.requireScope("canvases:write"); err != nil {
		return nil, err
	}
	cv, err := c.canvasFor(true)
	if err != nil {
		return nil, err
	}
	var changes []canvasChange
	if json.Unmarshal([]byte(c.p.Get("changes")), &changes) != nil || len(changes) != 1 {
		return nil, fail("invalid_arguments")
	}
	ch := changes[0]
	needsSection := ch.Operation == "insert_after" || ch.Operation == "insert_before" || ch.Operation == "delete"
	needsContent := ch.Operation != "delete"
	switch {
	case !slices.Contains([]string{"insert_after", "insert_before", "insert_at_start", "insert_at_end", "replace", "delete"}, ch.Operation),
		needsSection && ch.SectionID == "",
		needsContent && (ch.DocumentContent == nil || ch.DocumentContent.Type != "markdown"):
		return nil, fail("invalid_arguments")
	}
	at := -1
	if ch.SectionID != "" {
		at = slices.IndexFunc(cv.sections, func(s canvasSection) bool { return s.id == ch.SectionID })
		if at < 0 {
			return nil, &apiError{code: "canvas_editing_failed", extra: obj{"detail": "section_id not found in the canvas"}}
		}
	}
	var added []canvasSection
	if needsContent {
		blocks, detail := splitMarkdown(ch.DocumentContent.Markdown)
		if detail != "" {
			return nil, &apiError{code: "canvas_editing_failed", extra: obj{"detail": "'content' error: " + detail}}
		}
		added = c.w.sectionsOf(blocks)
	}
	secs := cv.sections
	switch ch.Operation {
	case "insert_at_start":
		secs = slices.Concat(added, secs)
	case "insert_at_end":
		secs = slices.Concat(secs, added)
	case "insert_before":
		secs = slices.Concat(secs[:at], added, secs[at:])
	case "insert_after":
		secs = slices.Concat(secs[:at+1], added, secs[at+1:])
	case "replace":
		if at < 0 {
			secs = added
		} else {
			secs = slices.Concat(secs[:at], added, secs[at+1:])
		}
	case "delete":
		secs = slices.Concat(secs[:at], secs[at+1:])
	}
	cv.sections = secs
	return obj{}, nil
}
