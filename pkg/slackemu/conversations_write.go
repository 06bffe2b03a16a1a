package slackemu

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// conversations.create and conversations.invite, as docs.slack.dev
// describes them (checked 2026-12):
//   - create: names are lowercase letters, digits, hyphens and
//     underscores, at most 80 characters (invalid_name_required,
//     invalid_name_maxlength, invalid_name_specials, name_taken — also for
//     an archived channel's name); a workspace setting can forbid it
//     (restricted_action); a user token needs channels:write (public) or
//     groups:write (private);
//   - invite: up to 1000 comma-separated user IDs; errors channel_not_found,
//     user_not_found, cant_invite_self, not_in_channel, already_in_channel,
//     is_archived, cant_invite (DMs), too_many_users.
//
// Undocumented, assumed: invite fails whole on the first bad user (Slack
// has a force option for partial invites that we do not send), and
// already_in_channel only when every user is already in.

const maxChannelNameLen = 80

// SetChannelCreationRestricted makes conversations.create answer
// restricted_action, as a workspace that limits who creates channels does.
func (w *Workspace) SetChannelCreationRestricted(on bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.createRestricted = on
}

func conversationsCreate(c *call) (obj, error) {
	kind := typePublic
	if c.boolParam("is_private") {
		kind = typePrivate
	}
	if err := c.requireScope(scopeFor(kind, "write")); err != nil {
		return nil, err
	}
	name := c.p.Get("name")
	switch {
	case strings.TrimSpace(name) == "":
		return nil, fail("invalid_name_required")
	case utf8.RuneCountInString(name) > maxChannelNameLen:
		return nil, fail("invalid_name_maxlength")
	case strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) >= 0:
		return nil, fail("invalid_name_specials")
	}
	for _, ch := range c.w.channels {
		if !ch.IsIM && !ch.IsMPIM && ch.Name == name {
			return nil, fail("name_taken")
		}
	}
	if c.w.createRestricted {
		return nil, fail("restricted_action")
	}
	ch := c.w.addChannelLocked(Channel{
		ID: c.w.nextID(map[string]string{typePublic: "C", typePrivate: "G"}[kind]), Name: name,
		IsPrivate: kind == typePrivate, Members: []string{c.token.UserID},
		Created: c.s.opts.Now().Unix(), Creator: c.token.UserID,
	})
	c.membershipNotice(ch, "channel_join", "has joined the channel")
	return obj{"channel": c.renderChannel(ch, false)}, nil
}

func conversationsInvite(c *call) (obj, error) {
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	kind := kindOf(&ch.Channel)
	if kind == typeIM || kind == typeMPIM {
		return nil, fail("cant_invite")
	}
	if err := c.requireScope(scopeFor(kind, "write")); err != nil {
		return nil, err
	}
	if ch.IsArchived {
		return nil, fail("is_archived")
	}
	if !c.isMember(ch) {
		return nil, fail("not_in_channel")
	}
	var ids []string
	for _, id := range strings.Split(c.p.Get("users"), ",") {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0:
		return nil, fail("no_user")
	case len(ids) > 1000:
		return nil, fail("too_many_users")
	}
	var add []string
	for _, id := range ids {
		u := c.w.userByID(id)
		switch {
		case u == nil || u.Deleted:
			return nil, fail("user_not_found")
		case id == c.token.UserID:
			return nil, fail("cant_invite_self")
		case !hasMember(ch.Members, id):
			add = append(add, id)
		}
	}
	if len(add) == 0 {
		return nil, fail("already_in_channel")
	}
	ch.Members = normalizeMembers(append(slices.Clone(ch.Members), add...))
	for _, id := range add {
		msg := c.w.newMessageLocked(Message{User: id, Subtype: "channel_join", Text: "<@" + id + "> has joined the channel"})
		c.w.insertTop(ch, msg)
	}
	return obj{"channel": c.renderChannel(ch, false)}, nil
}

// conversations.setTopic and conversations.setPurpose (docs.slack.dev,
// checked 2026-12): a member sets them; at most 250 characters
// (too_long); not on a DM (method_not_supported_for_channel_type); the
// answer carries the conversation. Setting the topic posts Slack's
// channel_topic notice; we assume purpose changes post channel_purpose
// the same way, as the Slack client shows them.
const maxTopicChars = 250

func conversationsSetTopic(c *call) (obj, error) { return c.setTopicOrPurpose("topic") }

func conversationsSetPurpose(c *call) (obj, error) { return c.setTopicOrPurpose("purpose") }

func (c *call) setTopicOrPurpose(what string) (obj, error) {
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	kind := kindOf(&ch.Channel)
	if err := c.requireScope(scopeFor(kind, "write")); err != nil {
		return nil, err
	}
	switch {
	case kind == typeIM:
		return nil, fail("method_not_supported_for_channel_type")
	case ch.IsArchived:
		return nil, fail("is_archived")
	case !c.isMember(ch):
		return nil, fail("not_in_channel")
	}
	value := c.p.Get(what)
	if utf8.RuneCountInString(value) > maxTopicChars {
		return nil, fail("too_long")
	}
	m := Message{User: c.token.UserID, Subtype: "channel_" + what, Text: "<@" + c.token.UserID + "> set the channel " + what + ": " + escapeText(value)}
	if what == "topic" {
		ch.Topic, m.Topic = value, value
	} else {
		ch.Purpose = value
	}
	c.w.insertTop(ch, c.w.newMessageLocked(m))
	return obj{"channel": c.renderChannel(ch, false)}, nil
}
