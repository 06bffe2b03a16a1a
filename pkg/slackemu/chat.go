package slackemu

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Slack's limits on a message's text and on markdown_text.
const (
	maxMessageChars  = 40000
	maxMarkdownChars = 12000
)

// renderMessage renders a message as conversations.history does, with
// thread metadata, files, reactions, attachments and bot profile.
func (c *call) renderMessage(ch *channel, m *message) obj {
	res := obj{"type": "message", "ts": m.TS, "text": m.Text, "team": c.w.team.ID}
	if m.User != "" {
		res["user"] = m.User
		if u := c.w.userByID(m.User); u != nil {
			res["team"] = c.w.userTeam(u) // an external user's own team
		}
	}
	if m.Edited != nil {
		res["edited"] = obj{"user": m.Edited.User, "ts": m.Edited.TS}
	}
	if m.Topic != "" {
		res["topic"] = m.Topic
	}
	if m.Subtype != "" {
		res["subtype"] = m.Subtype
	}
	if m.Username != "" {
		res["username"] = m.Username
	}
	if m.BotID != "" {
		res["bot_id"] = m.BotID
		res["bot_profile"] = c.botProfile(m.BotID)
	}
	if m.ThreadTS != "" {
		res["thread_ts"] = m.ThreadTS
	}
	if m.parent != 0 {
		if p := ch.byTS[m.parent]; p != nil {
			res["parent_user_id"] = p.User
		}
	} else if replies := ch.threads[m.ts]; len(replies) > 0 {
		var users []string
		for _, r := range replies {
			if r.User != "" && !containsStr(users, r.User) {
				users = append(users, r.User)
			}
		}
		res["reply_count"] = len(replies)
		res["reply_users_count"] = len(users)
		res["reply_users"] = users[:min(len(users), 5)]
		res["latest_reply"] = replies[len(replies)-1].TS
		res["is_locked"] = false
		res["subscribed"] = false
	}
	if len(m.Blocks) > 0 {
		res["blocks"] = json.RawMessage(m.Blocks)
	}
	if len(m.Attachments) > 0 {
		atts := make([]obj, len(m.Attachments))
		for i, a := range m.Attachments {
			atts[i] = renderAttachment(i+1, a)
		}
		res["attachments"] = atts
	}
	if len(m.Files) > 0 {
		files := make([]obj, 0, len(m.Files))
		for _, id := range m.Files {
			if i, ok := c.w.fileIdx[id]; ok {
				files = append(files, c.renderFile(&c.w.files[i]))
			} else {
				files = append(files, obj{"id": id, "mode": "tombstone"})
			}
		}
		res["files"] = files
		res["upload"] = false
	}
	if len(m.Reactions) > 0 {
		res["reactions"] = renderReactions(m.Reactions)
	}
	return res
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func renderAttachment(id int, a Attachment) obj {
	res := obj{"id": id}
	for k, v := range map[string]string{
		"title": a.Title, "text": a.Text, "pretext": a.Pretext,
		"fallback": a.Fallback, "author_name": a.AuthorName, "footer": a.Footer,
	} {
		if v != "" {
			res[k] = v
		}
	}
	return res
}

func renderReactions(rs []Reaction) []obj {
	out := make([]obj, len(rs))
	for i, r := range rs {
		users := append([]string{}, r.Users...)
		out[i] = obj{"name": r.Name, "users": users, "count": len(users)}
	}
	return out
}

func (c *call) botProfile(botID string) obj {
	res := obj{"id": botID, "team_id": c.w.team.ID, "deleted": false, "app_id": "A" + strings.TrimPrefix(botID, "B"), "updated": 1700000000}
	if i, ok := c.w.botIdx[botID]; ok {
		u := &c.w.users[i]
		name := u.RealName
		if name == "" {
			name = u.Name
		}
		res["name"] = name
		res["user_id"] = u.ID
	}
	return res
}

// channelByRef resolves a chat.postMessage channel: an ID, or a channel
// name with or without '#'.
func (c *call) channelByRef(ref string) *channel {
	ref = strings.TrimSpace(ref)
	if ch := c.w.channelByID(ref); ch != nil {
		return ch
	}
	name := strings.TrimPrefix(ref, "#")
	for _, ch := range c.w.channels {
		if !ch.IsIM && !ch.IsMPIM && ch.Name == name && c.canSee(ch) {
			return ch
		}
	}
	return nil
}

func chatPostMessage(c *call) (obj, error) {
	if err := c.requireScope("chat:write"); err != nil {
		return nil, err
	}
	ch := c.channelByRef(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	if ch.IsArchived {
		return nil, fail("is_archived")
	}
	if !c.isMember(ch) && !(c.isBot() && kindOf(&ch.Channel) == typePublic && c.hasScope("chat:write.public")) {
		return nil, fail("not_in_channel")
	}
	text := c.p.Get("text")
	var blocks json.RawMessage
	if raw := strings.TrimSpace(c.p.Get("blocks")); raw != "" {
		var err error
		if blocks, err = parseBlocks(raw); err != nil {
			return nil, err
		}
	}
	var atts []Attachment
	if raw := strings.TrimSpace(c.p.Get("attachments")); raw != "" {
		var arr []struct {
			Title      string `json:"title"`
			Text       string `json:"text"`
			Pretext    string `json:"pretext"`
			Fallback   string `json:"fallback"`
			AuthorName string `json:"author_name"`
			Footer     string `json:"footer"`
		}
		if json.Unmarshal([]byte(raw), &arr) != nil {
			return nil, fail("invalid_attachments")
		}
		for _, a := range arr {
			atts = append(atts, Attachment(a))
		}
	}
	// markdown_text carries standard Markdown that Slack renders itself; it
	// excludes text and blocks and has its own, smaller limit.
	if md := c.p.Get("markdown_text"); md != "" {
		if text != "" || blocks != nil {
			return nil, fail("markdown_text_conflict")
		}
		if utf8.RuneCountInString(md) > maxMarkdownChars {
			return nil, fail("msg_too_long")
		}
		text = md
	}
	if strings.TrimSpace(text) == "" && blocks == nil && len(atts) == 0 {
		return nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxMessageChars {
		return nil, fail("msg_too_long")
	}
	m := Message{User: c.token.UserID, Text: escapeText(text), Blocks: blocks, Attachments: atts, Params: map[string]string{}}
	for k := range c.p {
		if k != "token" {
			m.Params[k] = c.p.Get(k)
		}
	}
	if c.isBot() && c.user != nil {
		m.BotID = c.user.BotID
		m.Username = c.p.Get("username")
	}
	var parent *message
	if tts := c.p.Get("thread_ts"); tts != "" {
		pts, ok := parseTS(tts)
		if !ok || ch.byTS[pts] == nil {
			return nil, fail("invalid_thread_ts")
		}
		parent = ch.byTS[pts]
		if parent.parent != 0 {
			parent = ch.byTS[parent.parent]
		}
		if c.boolParam("reply_broadcast") {
			m.Subtype = "thread_broadcast"
		}
	}
	msg := c.w.newMessageLocked(m)
	if parent != nil {
		c.w.insertReply(ch, parent, msg)
	} else {
		c.w.insertTop(ch, msg)
	}
	return obj{"channel": ch.ID, "ts": msg.TS, "message": c.renderMessage(ch, msg)}, nil
}

// permalink builds a Slack message link on the workspace URL.
func (c *call) permalink(ch *channel, m *message) string {
	link := c.workspaceURL() + "archives/" + ch.ID + "/p" + strings.Replace(m.TS, ".", "", 1)
	if m.parent != 0 {
		link += "?thread_ts=" + formatTS(m.parent) + "&cid=" + ch.ID
	}
	return link
}

func chatGetPermalink(c *call) (obj, error) {
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	ts, ok := parseTS(c.p.Get("message_ts"))
	if !ok || ch.byTS[ts] == nil {
		return nil, fail("message_not_found")
	}
	return obj{"channel": ch.ID, "permalink": c.permalink(ch, ch.byTS[ts])}, nil
}
