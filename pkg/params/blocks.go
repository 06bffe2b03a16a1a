package params

import (
	"encoding/json"
	"fmt"
	"strings"
)

// MaxBlocks is Slack's limit of Block Kit blocks in one message
// (docs.slack.dev/reference/block-kit/blocks).
const MaxBlocks = 50

// Blocks checks a Block Kit blocks argument, given as a JSON string: a
// JSON array of 1 to 50 objects, each with a non-empty string "type". It
// returns the blocks as raw JSON objects, unchanged, so fields Slack adds
// later pass through. Slack checks each block's own fields; this catches
// what a model most often gets wrong before a call is spent on it.
func Blocks(s string) ([]json.RawMessage, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	const help = `blocks must be a JSON array of Block Kit blocks, e.g. [{"type":"section","text":{"type":"mrkdwn","text":"*hi*"}}]`
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(s), &arr); err != nil {
		return nil, fmt.Errorf("%s; it is not valid JSON or not an array", help)
	}
	if len(arr) == 0 {
		return nil, fmt.Errorf("%s; the array is empty", help)
	}
	if len(arr) > MaxBlocks {
		return nil, fmt.Errorf("blocks has %d blocks; Slack accepts at most %d in one message", len(arr), MaxBlocks)
	}
	for i, raw := range arr {
		var b map[string]json.RawMessage
		if json.Unmarshal(raw, &b) != nil || b == nil {
			return nil, fmt.Errorf("%s; block %d is not a JSON object", help, i+1)
		}
		var typ string
		if json.Unmarshal(b["type"], &typ) != nil || strings.TrimSpace(typ) == "" {
			return nil, fmt.Errorf("%s; block %d has no \"type\" (section, rich_text, header, divider, context, ...)", help, i+1)
		}
	}
	return arr, nil
}
