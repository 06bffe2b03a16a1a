package slackemu

import (
	"slices"
)

// conversations.join and conversations.leave, as documented on
// docs.slack.dev/reference/methods/conversations.join and .../conversations.leave
// (checked 2026-12): join answers a member with ok and the warning
// already_in_channel; leave answers a non-member with ok:false and
// not_in_channel:true but no error; #general cannot be left.

func conversationsJoin(c *call) (obj, error) {
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	// User tokens join with channels:write, bot tokens with channels:join.
	scope := "channels:write"
	if c.isBot() {
		scope = "channels:join"
	}
	if err := c.requireScope(scope); err != nil {
		return nil, err
	}
	kind := kindOf(&ch.Channel)
	// Undocumented: which error joining a DM or group DM gives. We assume
	// method_not_supported_for_channel_type ("This type of conversation
	// cannot be used with this method", listed for the method). A private
	// channel the caller is in is visible and answers already_in_channel;
	// one it is not in is invisible (channel_not_found above).
	if kind == typeIM || kind == typeMPIM {
		return nil, fail("method_not_supported_for_channel_type")
	}
	if ch.IsArchived {
		return nil, fail("is_archived")
	}
	if c.isMember(ch) {
		return obj{
			"channel":           c.renderChannel(ch, false),
			"warning":           "already_in_channel",
			"response_metadata": obj{"warnings": []string{"already_in_channel"}},
		}, nil
	}
	ch.Members = normalizeMembers(append(slices.Clone(ch.Members), c.token.UserID))
	c.membershipNotice(ch, "channel_join", "has joined the channel")
	return obj{"channel": c.renderChannel(ch, false)}, nil
}

func conversationsLeave(c *call) (obj, error) {
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	kind := kindOf(&ch.Channel)
	if err := c.requireScope(scopeFor(kind, "write")); err != nil {
		return nil, err
	}
	if kind == typeIM {
		return nil, fail("method_not_supported_for_channel_type")
	}
	if ch.IsArchived {
		return nil, fail("is_archived")
	}
	if kind == typePublic && ch.Name == "general" {
		return nil, fail("cant_leave_general")
	}
	if !c.isMember(ch) {
		return nil, &apiError{extra: obj{"not_in_channel": true}}
	}
	// last_member: assumed to apply to private conversations only, where
	// nobody could join again; a public channel can always be rejoined.
	if kind != typePublic && len(ch.Members) == 1 {
		return nil, fail("last_member")
	}
	ch.Members = slices.DeleteFunc(slices.Clone(ch.Members), func(id string) bool { return id == c.token.UserID })
	c.membershipNotice(ch, "channel_leave", "has left the channel")
	return obj{}, nil
}

// membershipNotice posts the join/leave notice Slack shows in the channel.
func (c *call) membershipNotice(ch *channel, subtype, what string) {
	if kindOf(&ch.Channel) == typePrivate || kindOf(&ch.Channel) == typeMPIM {
		subtype = "group" + subtype[len("channel"):]
	}
	msg := c.w.newMessageLocked(Message{User: c.token.UserID, Subtype: subtype, Text: "<@" + c.token.UserID + "> " + what})
	c.w.insertTop(ch, msg)
}

// errorBody is the envelope of a failed call: {"ok":false,"error":code}
// plus extras. A code of "" leaves error out, as conversations.leave does
// for a caller who was not a member.
func errorBody(ae *apiError) obj {
	body := obj{"ok": false}
	if ae.code != "" {
		body["error"] = ae.code
	}
	for k, v := range ae.extra {
		body[k] = v
	}
	return body
}
