package tools

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/mrkdwn"
)

// blocksText is the readable text of a message's Block Kit layout, for
// messages whose text field is empty (apps may post blocks alone; Slack's
// chat.postMessage reference makes text a fallback, not a requirement).
// mrkdwn text objects carry Slack's escaping and markup and go through
// mrkdwn.Render; plain_text objects and rich_text elements are literal
// (docs.slack.dev Block Kit reference: "Rich text" and "Text object").
// Blocks without text (dividers, images, actions) add nothing.
func blocksText(bs slack.Blocks, r mrkdwn.Resolver) string {
	var lines []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	for _, b := range bs.BlockSet {
		switch b := b.(type) {
		case *slack.HeaderBlock:
			add(textObject(b.Text, r))
		case *slack.SectionBlock:
			add(textObject(b.Text, r))
			var fields []string
			for _, f := range b.Fields {
				if s := strings.TrimSpace(textObject(f, r)); s != "" {
					fields = append(fields, strings.ReplaceAll(s, "\n", ": "))
				}
			}
			add(strings.Join(fields, " | "))
		case *slack.ContextBlock:
			var parts []string
			for _, e := range b.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					parts = append(parts, textObject(t, r))
				}
			}
			add(strings.Join(parts, " "))
		case *slack.MarkdownBlock:
			add(b.Text)
		case *slack.RichTextBlock:
			var sb strings.Builder
			for _, e := range b.Elements {
				writeRichText(&sb, e, r)
			}
			add(sb.String())
		}
	}
	return strings.Join(lines, "\n")
}

func textObject(t *slack.TextBlockObject, r mrkdwn.Resolver) string {
	if t == nil {
		return ""
	}
	if t.Type == slack.MarkdownType {
		return mrkdwn.Render(t.Text, r)
	}
	return t.Text
}

// writeRichText writes one rich_text element: sections inline, lists one
// item a line, quotes with "> ", preformatted text in a ``` fence.
func writeRichText(sb *strings.Builder, e slack.RichTextElement, r mrkdwn.Resolver) {
	switch e := e.(type) {
	case *slack.RichTextSection:
		writeSectionElements(sb, e.Elements, r)
	case *slack.RichTextList:
		for i, item := range e.Elements {
			if sb.Len() > 0 && !strings.HasSuffix(sb.String(), "\n") {
				sb.WriteByte('\n')
			}
			sb.WriteString(strings.Repeat("  ", e.Indent))
			if e.Style == slack.RTEListOrdered {
				sb.WriteString(strconv.Itoa(e.Offset+i+1) + ". ")
			} else {
				sb.WriteString("• ")
			}
			writeRichText(sb, item, r)
		}
		sb.WriteByte('\n')
	case *slack.RichTextQuote:
		var q strings.Builder
		writeSectionElements(&q, e.Elements, r)
		sb.WriteString("> " + strings.ReplaceAll(q.String(), "\n", "\n> ") + "\n")
	case *slack.RichTextPreformatted:
		sb.WriteString("```")
		writeSectionElements(sb, e.Elements, r)
		sb.WriteString("```\n")
	}
}

func writeSectionElements(sb *strings.Builder, els []slack.RichTextSectionElement, r mrkdwn.Resolver) {
	for _, el := range els {
		switch el := el.(type) {
		case *slack.RichTextSectionTextElement:
			sb.WriteString(el.Text)
		case *slack.RichTextSectionUserElement:
			sb.WriteString("@" + resolved(el.UserID, r, mrkdwn.Resolver.UserName))
		case *slack.RichTextSectionChannelElement:
			sb.WriteString("#" + resolved(el.ChannelID, r, mrkdwn.Resolver.ChannelName))
		case *slack.RichTextSectionUserGroupElement:
			sb.WriteString("@" + resolved(el.UsergroupID, r, mrkdwn.Resolver.UserGroupHandle))
		case *slack.RichTextSectionBroadcastElement:
			sb.WriteString("@" + el.Range)
		case *slack.RichTextSectionEmojiElement:
			sb.WriteString(":" + el.Name + ":")
			if el.SkinTone > 1 {
				sb.WriteString(":skin-tone-" + strconv.Itoa(el.SkinTone) + ":")
			}
		case *slack.RichTextSectionLinkElement:
			switch {
			case el.Text == "" || el.Text == el.URL:
				sb.WriteString(el.URL)
			default:
				sb.WriteString(el.Text + " (" + el.URL + ")")
			}
		case *slack.RichTextSectionDateElement:
			if el.Fallback != nil && *el.Fallback != "" {
				sb.WriteString(*el.Fallback)
			} else {
				sb.WriteString(el.Timestamp.Time().UTC().Format("2006-01-02 15:04 UTC"))
			}
		}
	}
}

// resolved is the name the resolver knows for id, without a leading
// '@' or '#', else id itself.
func resolved(id string, r mrkdwn.Resolver, lookup func(mrkdwn.Resolver, string) (string, bool)) string {
	if r != nil {
		if n, ok := lookup(r, id); ok && n != "" {
			return strings.TrimLeft(n, "@#")
		}
	}
	return id
}
