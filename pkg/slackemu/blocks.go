package slackemu

import "encoding/json"

// maxMessageBlocks is Slack's limit of blocks in one message
// (docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in each
// message").
const maxMessageBlocks = 50

// parseBlocks checks the blocks argument of chat.postMessage the way Slack
// does at the top level: a JSON array of at most 50 objects, each with a
// type. Slack also validates every block's fields; the emulator does not
// model the Block Kit schema and accepts any fields. Anything else is
// invalid_blocks. An empty array is no blocks.
func parseBlocks(raw string) (json.RawMessage, error) {
	var arr []map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &arr) != nil || len(arr) > maxMessageBlocks {
		return nil, fail("invalid_blocks")
	}
	for _, b := range arr {
		var typ string
		if b == nil || json.Unmarshal(b["type"], &typ) != nil || typ == "" {
			return nil, fail("invalid_blocks")
		}
	}
	if len(arr) == 0 {
		return nil, nil
	}
	return json.RawMessage(raw), nil
}
