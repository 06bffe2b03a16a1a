package tools

import (
	"strconv"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// cursorPayload checks a cursor argument belongs to scope, returning its
// payload ("" for the first page).
func cursorPayload(raw string, scope params.CursorScope) (string, error) {
	payload, err := scope.Decode(raw)
	return payload, inputErr(err)
}

// intCursor reads the cursor of a listing that pages by a number (an
// offset, a page): first when there is no cursor, never less than first.
func intCursor(raw string, scope params.CursorScope, first int) (int, error) {
	payload, err := cursorPayload(raw, scope)
	if err != nil || payload == "" {
		return first, err
	}
	n, err := strconv.Atoi(payload)
	if err != nil || n < first {
		return 0, Inputf("cursor is malformed: pass next_cursor from the previous %s result exactly as given, or omit cursor to start from the beginning", scope.Tool)
	}
	return n, nil
}

// slackCursor reads the cursor of a listing that pages with Slack's own
// cursor (history, replies): our cursor wraps Slack's, binding it to the
// conversation and thread it came from.
func slackCursor(raw string, scope params.CursorScope) (string, error) {
	payload, err := cursorPayload(raw, scope)
	if err != nil || payload == "" {
		return "", err
	}
	c, err := params.SlackCursor(payload)
	return c, inputErr(err)
}

// wrapSlackCursor turns Slack's next_cursor into ours; "" stays "".
func wrapSlackCursor(scope params.CursorScope, next string) string {
	if next == "" {
		return ""
	}
	return scope.Encode(next)
}
