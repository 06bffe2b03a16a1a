package params

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// The longest cursor, ours or Slack's, that we accept.
const maxCursorLen = 4096

// CursorScope is what a cursor pages through. Our cursors carry it, so a
// cursor handed to another tool, another channel or thread, or another
// search is refused instead of silently paging through something else.
//
// A cursor carries no secret: the tool name, a conversation ID and thread
// ts the caller named, and a truncated SHA-256 digest of Filter (never the
// search query itself). So cursors are not MACed: a forged one can only
// ask for a page of something the caller may read anyway, since Slack
// checks access on every call.
type CursorScope struct {
	// Tool is the tool that issues and accepts the cursor.
	Tool string
	// Channel is the conversation ID, for listings of one conversation.
	Channel string
	// Thread is the parent ts, for a thread's replies.
	Thread string
	// Filter is whatever else decides the listing's order and pages (a
	// search query and page size, channel types and sort); only its
	// digest is kept.
	Filter string
}

// cursorVersion prefixes every cursor we issue. Version 1 (before issue 8)
// carried only a kind.
const cursorVersion = "v2"

// Encode returns an opaque cursor for the next page: unpadded base64url of
// "v2|tool|channel|thread|digest|payload". payload may be anything.
func (c CursorScope) Encode(payload string) string {
	parts := []string{cursorVersion, clean(c.Tool), clean(c.Channel), clean(c.Thread), c.digest(), payload}
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "|")))
}

func (c CursorScope) digest() string {
	if c.Filter == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(c.Filter))
	return hex.EncodeToString(sum[:6])
}

// clean keeps '|' out of the fields, which would shift the payload.
func clean(s string) string { return strings.ReplaceAll(s, "|", "") }

const cursorRestart = "omit cursor to start from the beginning"

// Decode checks that cursor was issued by Encode for this scope and returns
// its payload. An empty cursor returns "" and no error: it means "start
// from the beginning". Each refusal says why, without echoing the cursor:
// a cursor of another tool, channel, thread or search; a raw Slack cursor
// such as the base64 "next_ts:..." cursors korotovsky/slack-mcp-server
// returned (this server never hands those out, and one cannot tell which
// channel it was for); one from an older version of this server; anything
// malformed.
func (c CursorScope) Decode(cursor string) (payload string, err error) {
	s := strings.TrimSpace(cursor)
	if s == "" {
		return "", nil
	}
	malformed := fmt.Errorf("cursor is malformed: pass next_cursor from the previous %s result exactly as given, or %s", c.Tool, cursorRestart)
	if len(s) > maxCursorLen {
		return "", malformed
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || !strings.HasPrefix(string(raw), cursorVersion+"|") {
		if strings.HasPrefix(string(raw), "v1|") {
			return "", fmt.Errorf("cursor comes from an older version of this server; %s", cursorRestart)
		}
		if _, serr := SlackCursor(s); serr == nil {
			return "", fmt.Errorf("cursor is a raw Slack cursor, not one this server issued (korotovsky/slack-mcp-server returned such cursors); it cannot be checked against the channel, so repeat the %s call without cursor and page with the next_cursor it returns", c.Tool)
		}
		return "", malformed
	}
	f := strings.SplitN(string(raw), "|", 6)
	if len(f) != 6 {
		return "", malformed
	}
	tool, channel, thread, digest := f[1], f[2], f[3], f[4]
	switch {
	case tool != clean(c.Tool):
		if tool == "" || len(tool) > 64 {
			return "", malformed
		}
		return "", fmt.Errorf("cursor was issued by %s, not %s: pass it to %s, or %s", quote(tool), c.Tool, quote(tool), cursorRestart)
	case channel != clean(c.Channel):
		return "", fmt.Errorf("cursor pages through channel %s, not %s: use it with channel_id %s, or %s", quote(channel), c.Channel, quote(channel), cursorRestart)
	case thread != clean(c.Thread):
		return "", fmt.Errorf("cursor pages through the thread %s, not %s: use it with that thread_ts, or %s", quote(thread), c.Thread, cursorRestart)
	case digest != c.digest():
		return "", fmt.Errorf("cursor belongs to a %s call with other arguments (query, filters or page size); repeat that call's arguments with it, or %s", c.Tool, cursorRestart)
	}
	return f[5], nil
}

// SlackCursor validates a cursor that Slack issued (next_cursor in
// response_metadata) before it is passed back to Slack. Slack's cursors are
// base64 of "<kind>:<value>", for example dXNlcjpVMDYxTkZUVDI= for
// "user:U061NFTT2". Surrounding spaces are dropped and "" is returned as is
// (first page). Otherwise the cursor must be standard base64, with or without
// padding, decoding to printable ASCII that contains ':'.
func SlackCursor(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	bad := errors.New("cursor is not a Slack pagination cursor; pass the next_cursor value from the previous result exactly as given, or omit it to start from the beginning")
	if len(t) > maxCursorLen {
		return "", bad
	}
	enc := base64.RawStdEncoding.Strict()
	body := strings.TrimRight(t, "=")
	if pad := len(t) - len(body); pad > 0 && (pad > 2 || len(t)%4 != 0) {
		return "", bad
	}
	raw, err := enc.DecodeString(body)
	if err != nil || len(raw) == 0 {
		return "", bad
	}
	colon := false
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return "", bad
		}
		colon = colon || c == ':'
	}
	if !colon {
		return "", bad
	}
	return t, nil
}
