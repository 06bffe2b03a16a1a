package slackemu

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// chat.scheduleMessage, chat.scheduledMessages.list and
// chat.deleteScheduledMessage as docs.slack.dev describes them:
//   - post_at is a Unix time in the future, at most 120 days ahead
//     (time_in_past, time_too_far); not a number: invalid_time;
//   - at most 30 messages may be scheduled for the same channel within any
//     5 minutes (restricted_too_many);
//   - the list holds pending messages only, with string IDs matching
//     ^Q[A-Z0-9]{8,}$ (the OpenAPI schema; one doc example shows a number,
//     which slack-go could not decode, so we follow the schema);
//   - a message due within 60 seconds, or already sent, cannot be deleted:
//     invalid_scheduled_message_id.
//
// Undocumented, assumed: a token lists and deletes only the messages its
// own user scheduled (API-scheduled messages belong to the app and user
// that scheduled them, and Slack's client does not show them to others);
// deleting with the right ID but another channel is
// invalid_scheduled_message_id. The emulator never posts a scheduled
// message when its time comes: tests do not wait, and nothing we test
// depends on delivery.

const (
	scheduleMaxAhead      = 120 * 24 * time.Hour
	scheduleBurstWindow   = 5 * time.Minute
	scheduleBurstMax      = 30
	scheduleDeleteTooLate = 60 * time.Second
)

// scheduledMessage is one pending chat.scheduleMessage.
type scheduledMessage struct {
	ID, Channel, User, Text, ThreadTS string
	PostAt, Created                   int64 // Unix seconds
}

// schedule is a workspace's pending scheduled messages.
type schedule struct {
	pending []*scheduledMessage // in scheduling order
	seq     int
}

// nextID names a scheduled message as Slack's schema does (Q + 8 or more
// capitals and digits). The workspace lock is held.
func (s *schedule) nextID() string {
	s.seq++
	return fmt.Sprintf("Q%08X", s.seq)
}

// AddScheduled schedules a message of user for channel at postAt, as
// chat.scheduleMessage would, and returns its ID (fixtures).
func (w *Workspace) AddScheduled(channel, user, text string, postAt time.Time) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := &scheduledMessage{ID: w.sched.nextID(), Channel: channel, User: user, Text: text,
		PostAt: postAt.Unix(), Created: postAt.Unix() - 60}
	w.sched.pending = append(w.sched.pending, m)
	return m.ID
}

func chatScheduleMessage(c *call) (obj, error) {
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
	if !c.isMember(ch) {
		return nil, fail("not_in_channel")
	}
	postAt, err := strconv.ParseInt(strings.TrimSpace(c.p.Get("post_at")), 10, 64)
	if err != nil {
		return nil, fail("invalid_time")
	}
	now := c.s.opts.Now()
	switch {
	case postAt <= now.Unix():
		return nil, fail("time_in_past")
	case time.Unix(postAt, 0).Sub(now) > scheduleMaxAhead:
		return nil, fail("time_too_far")
	}
	text := c.p.Get("text")
	if md := c.p.Get("markdown_text"); md != "" {
		if text != "" || c.p.Get("blocks") != "" {
			return nil, fail("markdown_text_conflict")
		}
		if utf8.RuneCountInString(md) > maxMarkdownChars {
			return nil, fail("msg_too_long")
		}
		text = md
	}
	if strings.TrimSpace(text) == "" && strings.TrimSpace(c.p.Get("blocks")) == "" {
		return nil, fail("no_text")
	}
	if utf8.RuneCountInString(text) > maxMessageChars {
		return nil, fail("msg_too_long")
	}
	threadTS := c.p.Get("thread_ts")
	if threadTS != "" {
		if ts, ok := parseTS(threadTS); !ok || ch.byTS[ts] == nil {
			return nil, fail("invalid_thread_ts")
		}
	}
	burst := 0
	for _, m := range c.w.sched.pending {
		if m.Channel == ch.ID && absSeconds(m.PostAt-postAt) < int64(scheduleBurstWindow/time.Second) {
			burst++
		}
	}
	if burst >= scheduleBurstMax {
		return nil, fail("restricted_too_many")
	}
	m := &scheduledMessage{
		ID:      c.w.sched.nextID(),
		Channel: ch.ID, User: c.token.UserID, Text: escapeText(text), ThreadTS: threadTS,
		PostAt: postAt, Created: now.Unix(),
	}
	c.w.sched.pending = append(c.w.sched.pending, m)
	msg := obj{"type": "message", "text": m.Text, "user": m.User, "team": c.w.team.ID}
	if c.isBot() && c.user != nil {
		msg["bot_id"] = c.user.BotID
	}
	return obj{"channel": ch.ID, "scheduled_message_id": m.ID, "post_at": postAt, "message": msg}, nil
}

func absSeconds(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// pendingFor lists the caller's messages still to be sent, soonest first.
func (c *call) pendingFor(channel string, oldest, latest int64) []*scheduledMessage {
	now := c.s.opts.Now().Unix()
	var out []*scheduledMessage
	for _, m := range c.w.sched.pending {
		if m.User != c.token.UserID || m.PostAt <= now || (channel != "" && m.Channel != channel) {
			continue
		}
		if m.PostAt < oldest || (latest > 0 && m.PostAt > latest) {
			continue
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b *scheduledMessage) int { return cmp.Compare(a.PostAt, b.PostAt) })
	return out
}

func chatScheduledMessagesList(c *call) (obj, error) {
	channel := c.p.Get("channel")
	if channel != "" {
		ch := c.w.channelByID(channel)
		if ch == nil || !c.canSee(ch) {
			return nil, fail("invalid_channel")
		}
	}
	var oldest, latest int64
	for name, dst := range map[string]*int64{"oldest": &oldest, "latest": &latest} {
		if v := strings.TrimSpace(c.p.Get(name)); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return nil, fail("invalid_arguments")
			}
			*dst = int64(f)
		}
	}
	if oldest > 0 && latest > 0 && oldest >= latest {
		return nil, fail("invalid_arguments")
	}
	limit, err := c.limit(100, 1000)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(c.pendingFor(channel, oldest, latest),
		func(m *scheduledMessage) string { return m.ID }, "scheduled", c.p.Get("cursor"), limit)
	if err != nil {
		return nil, err
	}
	list := make([]obj, 0, len(page))
	for _, m := range page {
		list = append(list, obj{"id": m.ID, "channel_id": m.Channel, "post_at": m.PostAt, "date_created": m.Created, "text": m.Text})
	}
	return obj{"scheduled_messages": list, "response_metadata": meta(next)}, nil
}

func chatDeleteScheduledMessage(c *call) (obj, error) {
	if err := c.requireScope("chat:write"); err != nil {
		return nil, err
	}
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	id := c.p.Get("scheduled_message_id")
	i := slices.IndexFunc(c.w.sched.pending, func(m *scheduledMessage) bool {
		return m.ID == id && m.Channel == ch.ID && m.User == c.token.UserID
	})
	if i < 0 || time.Unix(c.w.sched.pending[i].PostAt, 0).Sub(c.s.opts.Now()) < scheduleDeleteTooLate {
		return nil, fail("invalid_scheduled_message_id")
	}
	c.w.sched.pending = slices.Delete(c.w.sched.pending, i, i+1)
	return obj{}, nil
}
