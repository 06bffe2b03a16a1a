package slackemu

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// chat.update and chat.delete, as docs.slack.dev/reference/methods/chat.update
// and chat.delete describe them: a user token changes only the messages its
// user may change in Slack (we model: their own), a bot token only the
// messages its bot posted. chat.update's errors: cant_update_message,
// channel_not_found, edit_window_closed ("the team message edit settings"),
// message_not_found, msg_too_long, no_text; chat.delete's: cant_delete_message,
// channel_not_found, compliance_exports_prevent_deletion, message_not_found.

// SetEditWindow limits how long after posting a message may be edited
// (Slack's workspace setting); 0, the default, is any time.
func (w *Workspace) SetEditWindow(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.editWindow = d
}

// SetComplianceExports turns on compliance exports, which make chat.delete
// answer compliance_exports_prevent_deletion.
func (w *Workspace) SetComplianceExports(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.complianceExports = on
}

// editTarget finds the message of channel and ts that the caller owns.
func (c *call) editTarget(notYours string) (*channel, *message, error) {
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, nil, fail("channel_not_found")
	}
	ts, ok := parseTS(c.p.Get("ts"))
	if !ok || ch.byTS[ts] == nil {
		return nil, nil, fail("message_not_found")
	}
	m := ch.byTS[ts]
	if m.User == "" || m.User != c.token.UserID {
		return nil, nil, fail(notYours)
	}
	return ch, m, nil
}

func chatUpdate(c *call) (obj, error) {
	if err := c.requireScope("chat:write"); err != nil {
		return nil, err
	}
	ch, m, err := c.editTarget("cant_update_message")
	if err != nil {
		return nil, err
	}
	if c.w.editWindow > 0 && c.s.opts.Now().Sub(time.UnixMicro(m.ts)) > c.w.editWindow {
		return nil, fail("edit_window_closed")
	}
	text := c.p.Get("text")
	var blocks json.RawMessage
	if raw := strings.TrimSpace(c.p.Get("blocks")); raw != "" {
		if blocks, err = parseBlocks(raw); err != nil {
			return nil, err
		}
	}
	if md := c.p.Get("markdown_text"); md != "" {
		if text != "" || blocks != nil {
			return nil, fail("markdown_text_conflict")
		}
		if utf8.RuneCountInString(md) > maxMarkdownChars {
			return nil, fail("msg_too_long")
		}
		text = md
	}
	if strings.TrimSpace(text) == "" && blocks == nil {
		return nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxMessageChars {
		return nil, fail("msg_too_long")
	}
	m.Text = escapeText(text)
	// Blocks given replace the old ones; text alone removes them (Slack
	// then renders the text).
	m.Blocks = blocks
	m.Edited = &Edited{User: c.token.UserID, TS: formatTS(c.s.opts.Now().UnixMicro())}
	msg := c.renderMessage(ch, m)
	return obj{"channel": ch.ID, "ts": formatTS(m.ts), "text": m.Text, "message": msg}, nil
}

func chatDelete(c *call) (obj, error) {
	if err := c.requireScope("chat:write"); err != nil {
		return nil, err
	}
	ch, m, err := c.editTarget("cant_delete_message")
	if err != nil {
		return nil, err
	}
	if c.w.complianceExports {
		return nil, fail("compliance_exports_prevent_deletion")
	}
	delete(ch.byTS, m.ts)
	if m.parent != 0 {
		ch.threads[m.parent] = removeMessage(ch.threads[m.parent], m)
	} else {
		ch.msgs = removeMessage(ch.msgs, m)
	}
	return obj{"channel": ch.ID, "ts": formatTS(m.ts)}, nil
}

func removeMessage(list []*message, m *message) []*message {
	for i, x := range list {
		if x == m {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}
