package tools

import (
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// messageBody reads what conversations_add_message posts: text (1.3.0's
// name) or payload (ours before), and optional Block Kit blocks.
func messageBody(text, payload, blocksJSON string) (string, []slack.Block, error) {
	switch {
	case text != "" && payload != "" && text != payload:
		return "", nil, Inputf("text and payload are the same argument under two names and were given different values; pass only text")
	case text == "":
		text = payload
	}
	raw, err := params.Blocks(blocksJSON)
	if err != nil {
		return "", nil, inputErr(err)
	}
	if text == "" && raw == nil {
		return "", nil, Inputf("text is required (payload is its older name): the text of the message; or blocks, a Block Kit JSON array, with text as its notification fallback")
	}
	var blocks []slack.Block
	for _, b := range raw {
		blocks = append(blocks, rawBlock(b))
	}
	return text, blocks, nil
}

// rawBlock sends a block exactly as the caller wrote it: slack-go's typed
// blocks would drop fields it does not know.
type rawBlock json.RawMessage

func (b rawBlock) BlockType() slack.MessageBlockType {
	var v struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(b, &v)
	return slack.MessageBlockType(v.Type)
}

func (b rawBlock) ID() string {
	var v struct {
		ID string `json:"block_id"`
	}
	_ = json.Unmarshal(b, &v)
	return v.ID
}

func (b rawBlock) MarshalJSON() ([]byte, error) { return json.RawMessage(b), nil }

// markAfterPost marks the channel read up to the new message when the
// operator asked for it (SLACK_MCP_ADD_MESSAGE_MARK, as in 1.3.0). A
// failure is reported in the result, not as a failed post: the message is
// out.
func markAfterPost(ctx context.Context, d *Deps, s *Session, channelID, ts string) string {
	if !d.Policy.MarkAfterPost {
		return ""
	}
	if err := s.Client.MarkConversationContext(ctx, channelID, ts); err != nil {
		msg, _ := slackapi.Explain(err)
		return "posted, but marking the channel read failed: " + msg
	}
	return ""
}

// textOption checks a message text against its content type
// (text/markdown, the default, or text/plain) and Slack's limit for it,
// and returns the option that sends it.
func textOption(text, contentType string) (slack.MsgOption, error) {
	if contentType == "" {
		contentType = "text/markdown"
	}
	if contentType != "text/markdown" && contentType != "text/plain" {
		return nil, Inputf("content_type must be text/markdown or text/plain, not %q", contentType)
	}
	max := plainMaxLen
	if contentType == "text/markdown" {
		max = markdownMaxLen
	}
	if n := utf8.RuneCountInString(text); n > max {
		return nil, Inputf("text is %d characters; Slack accepts at most %d for %s", n, max, contentType)
	}
	if contentType == "text/markdown" {
		return slack.MsgOptionMarkdownText(text), nil
	}
	return slack.MsgOptionText(text, false), nil
}
