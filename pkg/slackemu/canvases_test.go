package slackemu

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const planMD = "# Plan\n\nShip it.\n\n## Risks\n\n- rollback\n- pager\n\n```\nmake deploy\n```"

func TestCanvasCreateReadEdit(t *testing.T) {
	t.Parallel()
	w := fixture()
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)

	id, err := alice.CreateCanvas("Plan", slack.DocumentContent{Type: "markdown", Markdown: planMD})
	require.NoError(t, err)
	got, err := alice.GetCanvasContent(id)
	require.NoError(t, err)
	assert.Equal(t, planMD, got, "markdown comes back as it went in")
	html, err := alice.GetCanvasContent(id, slack.GetCanvasContentOptionContentType("html"))
	require.NoError(t, err)
	assert.Contains(t, html, "<h1>Plan</h1><p>Ship it.</p><h2>Risks</h2><ul><li>rollback</li><li>pager</li></ul><pre>")

	lookup := func(types []string, text string) []slack.CanvasSection {
		t.Helper()
		secs, err := alice.LookupCanvasSections(slack.LookupCanvasSectionsParams{CanvasID: id,
			Criteria: slack.LookupCanvasSectionsCriteria{SectionTypes: types, ContainsText: text}})
		require.NoError(t, err)
		return secs
	}
	assert.Len(t, lookup([]string{"any_header"}, ""), 2)
	assert.Len(t, lookup([]string{"h2"}, ""), 1)
	assert.Len(t, lookup(nil, "RISKS"), 1, "contains_text ignores case")
	assert.Len(t, lookup(nil, "p"), 4, "Plan, Ship it., pager, make deploy")
	risks := lookup([]string{"h2"}, "risks")[0].ID
	assert.Regexp(t, `^temp:C:\w{25}$`, risks)

	edit := func(op, section, md string) error {
		ch := slack.CanvasChange{Operation: op, SectionID: section}
		if md != "" {
			ch.DocumentContent = slack.DocumentContent{Type: "markdown", Markdown: md}
		}
		return alice.EditCanvas(slack.EditCanvasParams{CanvasID: id, Changes: []slack.CanvasChange{ch}})
	}
	require.NoError(t, edit("replace", risks, "## Dangers"))
	require.NoError(t, edit("insert_at_end", "", "Done."))
	require.NoError(t, edit("insert_at_start", "", "Draft"))
	dangers := lookup(nil, "dangers")[0].ID
	require.NoError(t, edit("insert_after", dangers, "- fire"))
	require.NoError(t, edit("insert_before", dangers, "---"))
	ship := lookup(nil, "ship it")[0].ID
	require.NoError(t, edit("delete", ship, ""))
	got, _ = w.CanvasMarkdown(id)
	assert.Equal(t, "Draft\n\n# Plan\n\n---\n\n## Dangers\n\n- fire\n- rollback\n- pager\n\n```\nmake deploy\n```\n\nDone.", got)
	require.NoError(t, edit("replace", "", "all new"))
	got, _ = w.CanvasMarkdown(id)
	assert.Equal(t, "all new", got)
}

func TestCanvasErrors(t *testing.T) {
	t.Parallel()
	w := fixture()
	srv := start(t, w, Options{})
	alice, bob := client(srv, tokAlice), client(srv, "xoxp-bob")
	w.AddToken("xoxp-bob", Token{UserID: uBob, Kind: UserToken, Scopes: AllUserScopes()})
	mine := w.AddCanvas(Canvas{Title: "Mine", Owner: uAlice, Markdown: "# Secret\n\nhi"})
	lonely := w.AddCanvas(Canvas{Title: "Lonely", Owner: uBob, Channel: cLonely, ChannelCanvas: true, Markdown: "hello"})
	md := slack.DocumentContent{Type: "markdown", Markdown: "x"}
	change := func(op, section string, dc slack.DocumentContent) []slack.CanvasChange {
		return []slack.CanvasChange{{Operation: op, SectionID: section, DocumentContent: dc}}
	}

	for _, tc := range []struct {
		name string
		do   func() error
		want string
	}{
		{"H4 heading", func() error {
			_, err := alice.CreateCanvas("x", slack.DocumentContent{Type: "markdown", Markdown: "#### deep"})
			return err
		}, "canvas_creation_failed"},
		{"not markdown", func() error {
			_, err := alice.CreateCanvas("x", slack.DocumentContent{Type: "html", Markdown: "x"})
			return err
		}, "invalid_arguments"},
		{"no scope", func() error { _, err := client(srv, tokReader).CreateCanvas("x", md); return err }, "missing_scope"},
		{"bot lacks canvases:write", func() error { _, err := client(srv, tokBot).CreateCanvas("x", md); return err }, "missing_scope"},
		{"channel not visible", func() error {
			_, err := alice.CreateChannelCanvas(cHidden, md)
			return err
		}, "channel_not_found"},
		{"channel canvas exists", func() error { _, err := alice.CreateChannelCanvas(cLonely, md); return err }, "channel_canvas_already_exists"},
		{"someone else's standalone canvas", func() error { _, err := bob.GetCanvasContent(mine); return err }, "canvas_not_found"},
		{"unknown canvas", func() error { _, err := alice.GetCanvasContent("F0NOPE123"); return err }, "canvas_not_found"},
		{"bad content type", func() error {
			_, err := alice.GetCanvasContent(mine, slack.GetCanvasContentOptionContentType("pdf"))
			return err
		}, "invalid_arguments"},
		{"visible but not a member", func() error {
			return alice.EditCanvas(slack.EditCanvasParams{CanvasID: lonely, Changes: change("insert_at_end", "", md)})
		}, "restricted_action"},
		{"unknown operation", func() error {
			return alice.EditCanvas(slack.EditCanvasParams{CanvasID: mine, Changes: change("append", "", md)})
		}, "invalid_arguments"},
		{"insert_after without section", func() error {
			return alice.EditCanvas(slack.EditCanvasParams{CanvasID: mine, Changes: change("insert_after", "", md)})
		}, "invalid_arguments"},
		{"unknown section", func() error {
			return alice.EditCanvas(slack.EditCanvasParams{CanvasID: mine, Changes: change("delete", "temp:C:nope", slack.DocumentContent{})})
		}, "canvas_editing_failed"},
		{"two changes", func() error {
			return alice.EditCanvas(slack.EditCanvasParams{CanvasID: mine, Changes: append(change("insert_at_end", "", md), change("insert_at_end", "", md)...)})
		}, "invalid_arguments"},
		{"lookup without criteria", func() error {
			_, err := alice.LookupCanvasSections(slack.LookupCanvasSectionsParams{CanvasID: mine})
			return err
		}, "invalid_arguments"},
		{"lookup of an unfilterable type", func() error {
			_, err := alice.LookupCanvasSections(slack.LookupCanvasSectionsParams{CanvasID: mine,
				Criteria: slack.LookupCanvasSectionsCriteria{SectionTypes: []string{"paragraph"}}})
			return err
		}, "invalid_arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) { requireSlackErr(t, tc.do(), tc.want) })
	}

	// A detail accompanies canvas_creation_failed, as documented.
	_, body := rawCall(t, srv, "canvases.create", http.Header{"Authorization": {"Bearer " + tokAlice}},
		url.Values{"document_content": {`{"type":"markdown","markdown":"##### five"}`}})
	assert.Equal(t, "canvas_creation_failed", body["error"])
	assert.Contains(t, body["detail"], "Unsupported heading depth (5)")

	// Channel canvases: one per channel; members of its channel may read it.
	id, err := alice.CreateChannelCanvas(cGeneral, md, slack.CreateChannelCanvasOptionTitle("General"))
	require.NoError(t, err)
	got, err := bob.GetCanvasContent(id)
	require.NoError(t, err)
	assert.Equal(t, "x", got)

	w.SetCanvasesDisabled(true)
	_, err = alice.GetCanvasContent(mine)
	requireSlackErr(t, err, "canvas_disabled_user_team")
	_, err = alice.CreateCanvas("x", md)
	requireSlackErr(t, err, "canvas_disabled_user_team")
}

func TestSplitMarkdown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		md    string
		kinds []string
	}{
		{"", nil},
		{"one\ntwo\n\nthree", []string{sectionParagraph, sectionParagraph}},
		{"# a\n## b\n### c", []string{sectionH1, sectionH2, sectionH3}},
		{"#nospace", []string{sectionParagraph}},
		{"- [ ] todo\n- [x] done\n1. one\n  more\n* star", []string{sectionChecklist, sectionChecklist, sectionOrdered, sectionBullet}},
		{"> a\n> b\n\n***", []string{sectionQuote, sectionDivider}},
		{"```\n# not a heading\n```\nafter", []string{sectionCode, sectionParagraph}},
		{"```\nunterminated", []string{sectionCode}},
	} {
		blocks, detail := splitMarkdown(tc.md)
		require.Empty(t, detail, tc.md)
		var kinds []string
		for _, b := range blocks {
			kinds = append(kinds, b.kind)
		}
		assert.Equal(t, tc.kinds, kinds, "%q", tc.md)
	}
}

func FuzzSplitMarkdown(f *testing.F) {
	f.Add(planMD)
	f.Add("- [ ] a\n  b\n1. c\n> d\n---\n#### e")
	f.Fuzz(func(t *testing.T, md string) {
		blocks, detail := splitMarkdown(md)
		if detail != "" {
			return
		}
		secs := make([]canvasSection, len(blocks))
		for i, b := range blocks {
			require.NotEmpty(t, b.kind)
			secs[i] = canvasSection{kind: b.kind, markdown: b.markdown}
		}
		_ = renderHTML("t", secs)
		// Splitting what was rendered gives the same sections.
		again, _ := splitMarkdown(renderMarkdown(secs))
		require.Len(t, again, len(blocks))
	})
}
