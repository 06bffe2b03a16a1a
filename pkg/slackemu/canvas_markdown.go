package slackemu

import (
	"html"
	"strings"
)

// How the emulator cuts canvas Markdown into sections. Slack documents
// sections only through canvases.sections.lookup (types h1, h2, h3 and
// "other types … not currently able to be used as a type to filter on")
// and canvases.edit (operations relative to a section ID). We assume what
// Slack's editor shows: every heading, paragraph, list item, quote, code
// block and divider is a section of its own, so a list item is replaced
// one at a time and a heading can be found by its text.

// Section types (h1-h3 are the documented, filterable ones).
const (
	sectionH1        = "h1"
	sectionH2        = "h2"
	sectionH3        = "h3"
	sectionParagraph = "paragraph"
	sectionBullet    = "bullet_list"
	sectionOrdered   = "ordered_list"
	sectionChecklist = "checklist"
	sectionQuote     = "quote"
	sectionCode      = "code"
	sectionDivider   = "divider"
)

// canvasSection is one section of a canvas: its ID, type and Markdown.
type canvasSection struct {
	id       string
	kind     string
	markdown string
}

// isHeader reports a heading section (the any_header lookup type).
func (s canvasSection) isHeader() bool {
	return s.kind == sectionH1 || s.kind == sectionH2 || s.kind == sectionH3
}

// isListItem reports the section types that render as list items, which
// join their neighbours of the same type without a blank line.
func (s canvasSection) isListItem() bool {
	return s.kind == sectionBullet || s.kind == sectionOrdered || s.kind == sectionChecklist
}

// parsedBlock is a section before it gets an ID.
type parsedBlock struct {
	kind, markdown string
}

// splitMarkdown cuts Markdown into sections. Headings deeper than ### are
// refused with the detail Slack gives ("Unsupported heading depth (4)"):
// canvases document headings h1-h3 only.
func splitMarkdown(md string) ([]parsedBlock, string) {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var out []parsedBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, parsedBlock{sectionParagraph, strings.Join(para, "\n")})
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "```"):
			flush()
			code := []string{line}
			for i+1 < len(lines) {
				i++
				code = append(code, lines[i])
				if strings.HasPrefix(strings.TrimSpace(lines[i]), "```") {
					break
				}
			}
			out = append(out, parsedBlock{sectionCode, strings.Join(code, "\n")})
		case headingDepth(trimmed) > 0:
			flush()
			depth := headingDepth(trimmed)
			if depth > 3 {
				return nil, "Unsupported heading depth (" + string(rune('0'+min(depth, 9))) + ")"
			}
			out = append(out, parsedBlock{[]string{"", sectionH1, sectionH2, sectionH3}[depth], trimmed})
		case trimmed == "---" || trimmed == "***" || trimmed == "___":
			flush()
			out = append(out, parsedBlock{sectionDivider, "---"})
		case strings.HasPrefix(trimmed, ">"):
			flush()
			quote := []string{trimmed}
			for i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), ">") {
				i++
				quote = append(quote, strings.TrimSpace(lines[i]))
			}
			out = append(out, parsedBlock{sectionQuote, strings.Join(quote, "\n")})
		case listKind(trimmed) != "":
			flush()
			item := []string{line}
			// Indented lines that follow continue the item.
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") && strings.TrimSpace(lines[i+1]) != "" {
				i++
				item = append(item, lines[i])
			}
			out = append(out, parsedBlock{listKind(trimmed), strings.Join(item, "\n")})
		default:
			para = append(para, line)
		}
	}
	flush()
	return out, ""
}

// headingDepth is the number of leading #s of an ATX heading, or 0.
func headingDepth(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n == len(line) || line[n] != ' ' {
		return 0
	}
	return n
}

// listKind is the section type of a list item line, or "".
func listKind(line string) string {
	for _, p := range []string{"- [ ] ", "- [x] ", "- [X] ", "* [ ] ", "* [x] "} {
		if strings.HasPrefix(line, p) {
			return sectionChecklist
		}
	}
	if strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "+ ") {
		return sectionBullet
	}
	digits := 0
	for digits < len(line) && line[digits] >= '0' && line[digits] <= '9' {
		digits++
	}
	if digits > 0 && strings.HasPrefix(line[digits:], ". ") {
		return sectionOrdered
	}
	return ""
}

// itemText is a list item without its marker.
func itemText(md string) string {
	md = strings.TrimSpace(md)
	for _, p := range []string{"- [ ] ", "- [x] ", "- [X] ", "* [ ] ", "* [x] ", "- ", "* ", "+ "} {
		if rest, ok := strings.CutPrefix(md, p); ok {
			return rest
		}
	}
	if i := strings.Index(md, ". "); i > 0 {
		return md[i+2:]
	}
	return md
}

// sectionText is the text of a section as contains_text matches it: the
// Markdown without heading marks.
func sectionText(s canvasSection) string {
	return strings.TrimLeft(s.markdown, "# ")
}

// renderMarkdown joins sections back into one Markdown document, as
// canvases.getContent returns it: items of one list on consecutive lines,
// other sections separated by a blank line.
func renderMarkdown(secs []canvasSection) string {
	var b strings.Builder
	for i, s := range secs {
		if i > 0 {
			if s.isListItem() && secs[i-1].kind == s.kind {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(s.markdown)
	}
	return b.String()
}

// renderHTML is the content_type=html form of canvases.getContent: a
// plain rendering that keeps the structure (Slack does not document its
// HTML; only its shape matters to callers of the emulator).
func renderHTML(title string, secs []canvasSection) string {
	var b strings.Builder
	b.WriteString("<html><head><title>" + html.EscapeString(title) + "</title></head><body>")
	list := ""
	for _, s := range secs {
		want := map[string]string{sectionBullet: "ul", sectionChecklist: "ul", sectionOrdered: "ol"}[s.kind]
		if list != want {
			if list != "" {
				b.WriteString("</" + list + ">")
			}
			if want != "" {
				b.WriteString("<" + want + ">")
			}
			list = want
		}
		text := html.EscapeString(s.markdown)
		switch s.kind {
		case sectionH1, sectionH2, sectionH3:
			b.WriteString("<" + s.kind + ">" + html.EscapeString(sectionText(s)) + "</" + s.kind + ">")
		case sectionBullet, sectionOrdered, sectionChecklist:
			b.WriteString("<li>" + html.EscapeString(itemText(s.markdown)) + "</li>")
		case sectionCode:
			b.WriteString("<pre>" + text + "</pre>")
		case sectionQuote:
			b.WriteString("<blockquote>" + text + "</blockquote>")
		case sectionDivider:
			b.WriteString("<hr>")
		default:
			b.WriteString("<p>" + text + "</p>")
		}
	}
	if list != "" {
		b.WriteString("</" + list + ">")
	}
	b.WriteString("</body></html>")
	return b.String()
}
