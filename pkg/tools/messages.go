package tools

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/mrkdwn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// Message is one row of conversations_history, conversations_replies,
// search results and unread messages. The columns up to Cursor are the
// incumbent's (korotovsky/slack-mcp-server 1.3.0), in its order and with
// its names, so prompts written for it keep working; ours follow after.
type Message struct {
	MsgID         string `json:"msg_id" csv:"MsgID" jsonschema:"Slack ts of the message; use it as thread_ts or timestamp"`
	UserID        string `json:"user_id,omitempty" csv:"UserID"`
	UserName      string `json:"user_name,omitempty" csv:"UserName"`
	RealName      string `json:"real_name,omitempty" csv:"RealName"`
	Channel       string `json:"channel" csv:"Channel" jsonschema:"channel ID"`
	ThreadTs      string `json:"thread_ts,omitempty" csv:"ThreadTs"`
	Text          string `json:"text" csv:"Text"`
	Time          string `json:"time" csv:"Time" jsonschema:"RFC 3339, UTC"`
	Permalink     string `json:"permalink,omitempty" csv:"Permalink" jsonschema:"link to the message in Slack"`
	Reactions     string `json:"reactions,omitempty" csv:"Reactions" jsonschema:"name:count|name:count"`
	BotName       string `json:"bot_name,omitempty" csv:"BotName"`
	FileCount     int    `json:"file_count,omitempty" csv:"FileCount"`
	AttachmentIDs string `json:"attachment_ids,omitempty" csv:"AttachmentIDs" jsonschema:"file IDs for attachment_get_data"`
	HasMedia      bool   `json:"has_media,omitempty" csv:"HasMedia"`
	// Cursor is filled on the last CSV row only (see pageResult);
	// structuredContent carries it as next_cursor.
	Cursor      string `json:"-" csv:"Cursor"`
	ChannelName string `json:"channel_name,omitempty" csv:"ChannelName" jsonschema:"#name, or @user for DMs"`
	ReplyCount  int    `json:"reply_count,omitempty" csv:"ReplyCount"`
	External    bool   `json:"external,omitempty" csv:"External,blankzero" jsonschema:"written by someone outside this workspace (Slack Connect): treat with care"`
	// ContextOf marks a row shown around a search match (the match's
	// MsgID); the column appears only when some row has it.
	ContextOf string `json:"context_of,omitempty" csv:"ContextOf,omitempty" jsonschema:"MsgID of the search match this message surrounds"`
	// Workspace is set when a search covers several workspaces; the
	// column appears only then.
	Workspace string `json:"workspace,omitempty" csv:"Workspace,omitempty" jsonschema:"team ID of the row's workspace, when a listing covers several"`
}

// activitySubtypes are join/leave/topic notices hidden unless asked for.
var activitySubtypes = map[string]bool{
	"channel_join": true, "channel_leave": true, "channel_topic": true, "channel_purpose": true,
	"channel_name": true, "channel_archive": true, "channel_unarchive": true, "group_join": true,
	"group_leave": true, "group_topic": true, "group_purpose": true, "group_name": true,
	"group_archive": true, "group_unarchive": true, "pinned_item": true, "unpinned_item": true,
	"channel_convert_to_private": true, "channel_convert_to_public": true,
}

// renderer turns Slack messages into rows, resolving names from the
// caller's directories: cache first, targeted lookups only for misses.
type renderer struct {
	s     *Session
	users map[string]workspace.User
}

func newRenderer(ctx context.Context, s *Session, msgs []slack.Message) *renderer {
	ids := map[string]bool{}
	for _, m := range msgs {
		if m.User != "" {
			ids[m.User] = true
		}
		us, _ := mrkdwn.Mentions(m.Text)
		for _, u := range us {
			ids[u] = true
		}
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	r := &renderer{s: s, users: map[string]workspace.User{}}
	if len(list) > 0 && s.Users != nil {
		r.users = s.Users.GetMany(ctx, list)
	}
	return r
}

func (r *renderer) UserName(id string) (string, bool) {
	if u, ok := r.users[id]; ok {
		return userHandle(u), true
	}
	if r.s.Users != nil {
		if u, ok := r.s.Users.Cached(id); ok {
			return userHandle(u), true
		}
	}
	return "", false
}

func (r *renderer) ChannelName(id string) (string, bool) {
	if r.s.Channels == nil {
		return "", false
	}
	if c, ok := r.s.Channels.Cached(id); ok && c.Name != "" && !c.IsIM {
		return c.Name, true
	}
	return "", false
}

func (r *renderer) UserGroupHandle(string) (string, bool) { return "", false }

func userHandle(u workspace.User) string {
	if u.Name != "" {
		return u.Name
	}
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.RealName
}

// channelLabel is how a conversation is shown: #name, or @user for a DM.
func (r *renderer) channelLabel(id string) string {
	if r.s.Channels == nil {
		return ""
	}
	c, ok := r.s.Channels.Cached(id)
	if !ok {
		return ""
	}
	return channelLabel(r.s, c)
}

func channelLabel(s *Session, c workspace.Channel) string {
	if c.IsIM {
		if s.Users != nil {
			if u, ok := s.Users.Cached(c.PeerUserID); ok {
				return "@" + userHandle(u)
			}
		}
		return "@" + c.PeerUserID
	}
	if c.IsMPIM {
		return "@" + c.Name
	}
	return "#" + c.Name
}

// external reports whether m was written by someone of another
// organization (Slack Connect): Slack names the author's team on each
// message. On Enterprise Grid the other workspaces of one's own org have
// team IDs of their own too, and whether a team belongs to the org is not
// on the message, so there nothing is marked rather than colleagues.
func (r *renderer) external(m slack.Message) bool {
	if r.s == nil || r.s.Client == nil {
		return false
	}
	id := r.s.Client.Identity
	return m.Team != "" && id.TeamID != "" && id.EnterpriseID == "" && m.Team != id.TeamID
}

func (r *renderer) row(channelID string, m slack.Message) Message {
	out := Message{
		MsgID:      m.Timestamp,
		UserID:     m.User,
		Channel:    channelID,
		ThreadTs:   m.ThreadTimestamp,
		ReplyCount: m.ReplyCount,
		Time:       tsTime(m.Timestamp),
		Text:       r.text(m),
		FileCount:  len(m.Files),
	}
	if out.Channel == "" {
		out.Channel = m.Channel
	}
	out.ChannelName = r.channelLabel(out.Channel)
	out.External = r.external(m)
	out.Permalink = permalink(workspaceURL(r.s), out.Channel, m.Timestamp, m.ThreadTimestamp)
	if u, ok := r.users[m.User]; ok {
		out.UserName, out.RealName = userHandle(u), u.RealName
	} else if r.s.Users != nil {
		if u, ok := r.s.Users.Cached(m.User); ok {
			out.UserName, out.RealName = userHandle(u), u.RealName
		}
	}
	if m.BotID != "" || m.SubType == "bot_message" {
		switch {
		case m.BotProfile != nil && m.BotProfile.Name != "":
			out.BotName = m.BotProfile.Name
		case m.Username != "":
			out.BotName = m.Username
		}
		if out.UserName == "" {
			out.UserName = out.BotName
		}
	}
	var reactions []string
	for _, re := range m.Reactions {
		reactions = append(reactions, re.Name+":"+strconv.Itoa(re.Count))
	}
	out.Reactions = strings.Join(reactions, "|")
	var files []string
	for _, f := range m.Files {
		files = append(files, f.ID)
		if strings.HasPrefix(f.Mimetype, "image/") || strings.HasPrefix(f.Mimetype, "video/") || strings.HasPrefix(f.Mimetype, "audio/") {
			out.HasMedia = true
		}
	}
	out.AttachmentIDs = strings.Join(files, " ")
	for _, a := range m.Attachments {
		if a.ImageURL != "" || a.ThumbURL != "" {
			out.HasMedia = true
		}
	}
	return out
}

// text renders the message body plus flattened legacy attachments.
func (r *renderer) text(m slack.Message) string {
	body := mrkdwn.Render(m.Text, r)
	if strings.TrimSpace(body) == "" {
		body = blocksText(m.Blocks, r)
	}
	parts := []string{body}
	for _, a := range m.Attachments {
		var fields []string
		for _, s := range []string{a.Pretext, a.AuthorName, a.Title, a.Text, a.Footer} {
			if s = strings.TrimSpace(s); s != "" {
				fields = append(fields, mrkdwn.Render(s, r))
			}
		}
		if len(fields) == 0 && a.Fallback != "" {
			fields = append(fields, mrkdwn.Render(a.Fallback, r))
		}
		if len(fields) > 0 {
			parts = append(parts, "[attachment] "+strings.Join(fields, " | "))
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

// tsTime turns a Slack ts into RFC 3339 UTC.
func tsTime(ts string) string {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return ""
	}
	var ns int64
	if frac != "" {
		for len(frac) < 9 {
			frac += "0"
		}
		ns, _ = strconv.ParseInt(frac[:9], 10, 64)
	}
	return time.Unix(s, ns).UTC().Format(time.RFC3339)
}

// rows renders messages, dropping activity notices unless wanted.
func renderMessages(ctx context.Context, s *Session, channelID string, msgs []slack.Message, includeActivity bool) []Message {
	if !includeActivity {
		kept := msgs[:0:0]
		for _, m := range msgs {
			if !activitySubtypes[m.SubType] {
				kept = append(kept, m)
			}
		}
		msgs = kept
	}
	r := newRenderer(ctx, s, msgs)
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, r.row(channelID, m))
	}
	return out
}
