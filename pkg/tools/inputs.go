package tools

import (
	"fmt"
	"strconv"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// countParam declares a count argument (a page size or a cap) so that its
// schema and its description state the same range: 0 is allowed and means
// the default, above max is refused (countArg).
func countParam(name, what string, def, max int) mcp.ToolOption {
	return mcp.WithNumber(name, mcp.DefaultNumber(float64(def)), mcp.Min(0), mcp.Max(float64(max)),
		mcp.Description(fmt.Sprintf("%s: 1-%d (default %d; 0 also means %d).", what, max, def, def)))
}

// countArg reads a count argument declared with countParam: absent or 0
// means def, above max, negative, non-numeric, an object or a list is an
// input error. A number sent as a string is accepted.
func countArg(args Args, key string, def, max int) (int, error) {
	n, err := params.CountArg(args, key, def, max)
	return n, inputErr(err)
}

// cursorArg reads the cursor argument and checks it belongs to scope,
// returning its payload ("" for the first page).
func cursorArg(args Args, scope params.CursorScope) (string, error) {
	raw, err := params.Scalar(args, "cursor")
	if err != nil {
		return "", inputErr(err)
	}
	return cursorPayload(raw, scope)
}

// cursorPayload checks a cursor argument already read belongs to scope.
func cursorPayload(raw string, scope params.CursorScope) (string, error) {
	payload, err := scope.Decode(raw)
	return payload, inputErr(err)
}

// intCursorArg is cursorArg for listings that page by a number (an offset,
// a page): first when there is no cursor, never less than first.
func intCursorArg(args Args, scope params.CursorScope, first int) (int, error) {
	raw, err := params.Scalar(args, "cursor")
	if err != nil {
		return first, inputErr(err)
	}
	return intCursor(raw, scope, first)
}

// intCursor is intCursorArg for a cursor argument already read.
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

// slackCursorArg is cursorArg for listings that page with Slack's own
// cursor (history, replies): our cursor wraps Slack's, binding it to the
// conversation and thread it came from.
func slackCursorArg(args Args, scope params.CursorScope) (string, error) {
	raw, err := params.Scalar(args, "cursor")
	if err != nil {
		return "", inputErr(err)
	}
	return slackCursor(raw, scope)
}

// slackCursor is slackCursorArg for a cursor argument already read.
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
