package params

import (
	"fmt"
	"strings"
	"unicode"
)

// RefKind says how a ChannelRef names its conversation.
type RefKind int

const (
	// RefID is a conversation ID such as C0123ABCD (public or private
	// channel), G0123ABCD (legacy private channel or group DM) or D0123ABCD
	// (direct message).
	RefID RefKind = iota
	// RefName is a channel name, without '#', lowercased.
	RefName
	// RefUser is a user, meaning the direct message with them. Value is
	// what followed '@': a user name, display name or real name (possibly
	// with spaces, "John Smith"), or a user ID such as U0123ABCD; callers
	// should try it as an ID first when IsUserID reports true.
	RefUser
)

// String returns "id", "name" or "user".
func (k RefKind) String() string {
	switch k {
	case RefID:
		return "id"
	case RefName:
		return "name"
	case RefUser:
		return "user"
	}
	return fmt.Sprintf("RefKind(%d)", int(k))
}

// ChannelRef is a parsed reference to a conversation.
type ChannelRef struct {
	Kind  RefKind
	Value string
}

const channelRefHelp = "pass a channel ID such as C0123456789, a channel name such as #general, or @username for a direct message"

// ParseChannelRef parses a conversation reference:
//
//	C0123ABCD, G0123ABCD, D0123ABCD   an ID (also after '#': #C0123ABCD)
//	<#C0123ABCD|general>              an ID in Slack's mrkdwn form
//	#general, general, General        a channel name (lowercased, '#' dropped)
//	@john, @John Smith, @U0123ABCD    a user, meaning the DM with them
//	U0123ABCD, W0123ABCD              a user ID, also meaning the DM
//
// An ID is uppercase letters and digits, starts with C, G or D and contains
// at least one digit, so that a name like "DEV" is still read as the channel
// "dev". Surrounding spaces are ignored. An empty reference, a bare '#' or
// '@', and a channel name with spaces are errors.
func ParseChannelRef(s string) (ChannelRef, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<#") && strings.HasSuffix(s, ">") {
		id, _, _ := strings.Cut(s[2:len(s)-1], "|")
		if IsConversationID(id) {
			return ChannelRef{Kind: RefID, Value: id}, nil
		}
	}
	switch {
	case s == "":
		return ChannelRef{}, fmt.Errorf("a channel is required; %s", channelRefHelp)
	case s == "#":
		return ChannelRef{}, fmt.Errorf("a channel name is needed after '#', for example #general")
	case s == "@":
		return ChannelRef{}, fmt.Errorf("a user name is needed after '@', for example @john")
	case s[0] == '@':
		v := strings.TrimSpace(s[1:])
		if v == "" {
			return ChannelRef{}, fmt.Errorf("a user name is needed after '@', for example @john")
		}
		if hasControl(v) {
			return ChannelRef{}, fmt.Errorf("user %s contains control characters; %s", quote(s), channelRefHelp)
		}
		return ChannelRef{Kind: RefUser, Value: v}, nil
	}
	name := strings.TrimPrefix(s, "#")
	if name == "" {
		return ChannelRef{}, fmt.Errorf("a channel name is needed after '#', for example #general")
	}
	if IsConversationID(name) {
		return ChannelRef{Kind: RefID, Value: name}, nil
	}
	if IsUserID(name) && name == s {
		return ChannelRef{Kind: RefUser, Value: name}, nil
	}
	if strings.ContainsFunc(name, unicode.IsSpace) {
		return ChannelRef{}, fmt.Errorf("channel name %s contains spaces, which Slack channel names never do (they use hyphens, e.g. #team-updates); for a direct message use @ followed by the person's name", quote(s))
	}
	if hasControl(name) || strings.ContainsAny(name, "#@<>,") {
		return ChannelRef{}, fmt.Errorf("channel %s is not a valid reference; %s", quote(s), channelRefHelp)
	}
	return ChannelRef{Kind: RefName, Value: strings.ToLower(name)}, nil
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// The conversation types Slack's conversations.list and search accept.
const (
	PublicChannel  = "public_channel"
	PrivateChannel = "private_channel"
	IM             = "im"
	MPIM           = "mpim"
)

// ParseChannelTypes parses a comma-separated list of conversation types:
// public_channel, private_channel, im and mpim. Items are trimmed and
// case-insensitive, empty items are skipped, duplicates are dropped and the
// first-seen order is kept. The aliases public, private, dm and group_dm are
// accepted for convenience. An empty list returns nil, leaving the default to
// the caller; an unknown type is an error listing the valid values.
func ParseChannelTypes(s string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(s, ",") {
		item = strings.ToLower(strings.TrimSpace(item))
		if item == "" {
			continue
		}
		t, ok := channelType(item)
		if !ok {
			return nil, fmt.Errorf("channel type %s is not one of public_channel, private_channel, im, mpim; pass a comma-separated list of these, e.g. public_channel,private_channel", quote(item))
		}
		dup := false
		for _, o := range out {
			dup = dup || o == t
		}
		if !dup {
			out = append(out, t)
		}
	}
	return out, nil
}

func channelType(s string) (string, bool) {
	switch s {
	case PublicChannel, "public", "channel", "channels":
		return PublicChannel, true
	case PrivateChannel, "private", "group", "groups":
		return PrivateChannel, true
	case IM, "ims", "dm", "dms", "direct_message":
		return IM, true
	case MPIM, "mpims", "group_dm", "group_dms":
		return MPIM, true
	}
	return "", false
}
