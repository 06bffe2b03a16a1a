package slackemu

import (
	"fmt"
	"sort"
)

// Read state: conversations.info and conversations.mark.
//
// What Slack documents, and the emulator does:
//   - conversations.info returns last_read for a member of the conversation
//     (the example response of https://docs.slack.dev/reference/methods/conversations.info
//     for #general carries "last_read"), but "Some fields in the response,
//     like unread_count and unread_count_display, are included for DM
//     conversations only" (same page). So only IMs carry unread counts;
//     public and private channels and group DMs carry last_read alone.
//   - last_read is per user: "the timestamp for the last message the
//     calling user has read in this channel"
//     (https://docs.slack.dev/reference/objects/im-object).
//   - conversations.mark "moves the read cursor in a conversation for
//     whomever owns the token"; "The associated user must be a member of
//     the channel"; errors channel_not_found, invalid_timestamp,
//     not_in_channel (https://docs.slack.dev/reference/methods/conversations.mark).
//
// What the emulator assumes where Slack does not say:
//   - A conversation never read reports "0000000000.000000", the value of
//     Slack's OpenAPI example for a new IM (conversations.open, last_read).
//   - An IM's conversations.info also carries latest (the newest message),
//     which the IM object page lists among the "extra state information" some
//     methods include; it is absent when the IM holds no message.
//   - unread_count counts every message after last_read, and
//     unread_count_display leaves out the caller's own ones.
//   - conversations.mark accepts any well-formed ts, whether or not a
//     message has it (the docs name no error for an unknown one), and may
//     move the cursor backwards (Slack's "mark unread").

// neverRead is last_read of a conversation the caller never marked.
const neverRead = "0000000000.000000"

// formatLastRead renders a read cursor with Slack's ten-digit seconds.
func formatLastRead(us int64, ok bool) string {
	if !ok {
		return neverRead
	}
	return fmt.Sprintf("%010d.%06d", us/1_000_000, us%1_000_000)
}

// LeaveOutDMCounts makes conversations.info answer for DMs as for
// channels: last_read only, without unread_count, unread_count_display and
// latest. Slack documents the counts for DMs, so this is for testing that a
// client copes if Slack ever leaves them out.
func (w *Workspace) LeaveOutDMCounts() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dmBare = true
}

func conversationsInfo(c *call) (obj, error) {
	ch, err := c.channelFor("channel", "read")
	if err != nil {
		return nil, err
	}
	res := c.renderChannel(ch, c.boolParam("include_num_members"))
	if !c.isMember(ch) {
		return obj{"channel": res}, nil
	}
	last, read := ch.lastRead[c.token.UserID]
	res["last_read"] = formatLastRead(last, read)
	if !ch.IsIM || c.w.dmBare {
		return obj{"channel": res}, nil
	}
	total, display := 0, 0
	i := sort.Search(len(ch.msgs), func(i int) bool { return ch.msgs[i].ts > last })
	for _, m := range ch.msgs[i:] {
		total++
		if m.User != c.token.UserID {
			display++
		}
	}
	res["unread_count"] = total
	res["unread_count_display"] = display
	if n := len(ch.msgs); n > 0 {
		res["latest"] = c.renderMessage(ch, ch.msgs[n-1])
	}
	return obj{"channel": res}, nil
}

func conversationsMark(c *call) (obj, error) {
	ch, err := c.channelFor("channel", "write")
	if err != nil {
		return nil, err
	}
	if !c.isMember(ch) {
		return nil, fail("not_in_channel")
	}
	ts, ok := parseTS(c.p.Get("ts"))
	if !ok {
		return nil, fail("invalid_timestamp")
	}
	setLastRead(ch, c.token.UserID, ts)
	return obj{}, nil
}
