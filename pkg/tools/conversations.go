package tools

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

const (
	historyDefaultLimit = 100
	historyMaxLimit     = 999
	// Slack's limits: text 40,000 characters, markdown_text 12,000.
	plainMaxLen    = 40000
	markdownMaxLen = 12000
)

func conversationsHistory() Tool {
	return Tool{
		Name:     "conversations_history",
		Title:    "Read channel history",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"channels:history", "groups:history", "im:history", "mpim:history", "users:read"},
		Description: "Read messages of a channel, DM or group DM, newest first. Returns CSV with MsgID (the ts), user names, " +
			"Text (mentions shown as @name and #channel), ThreadTs and ReplyCount (use conversations_replies for threads), " +
			"reactions, file IDs and Permalink. limit is a count (e.g. 50) or a time window (1d, 7d, 2w, 1m, 90d).",
		Params:  input[historyInput](),
		Output:  mcp.WithOutputSchema[Page[Message]](),
		Handler: typed(handleHistory),
	}
}

// historyInput is the input of conversations_history.
type historyInput struct {
	Channel  params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	Limit    params.LimitArgument   `json:"limit,omitempty" default:"1d" jsonschema_description:"Number of messages (1-999) or a time window: 1d, 7d, 2w, 1m (month), 90d. Default 1d; 0 also means 1d."`
	Cursor   string                 `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
	Activity params.BoolArgument    `json:"include_activity_messages,omitempty" default:"false" jsonschema:"Include join/leave/topic notices; default false."`
}

func handleHistory(ctx context.Context, d *Deps, in *historyInput) (*mcp.CallToolResult, error) {
	lim, err := in.Limit.Parse(0, historyMaxLimit, d.now())
	if err != nil {
		return nil, inputErr(err)
	}
	activity := bool(in.Activity)
	p := &slack.GetConversationHistoryParameters{Limit: lim.Count}
	if lim.Count == 0 {
		// An empty limit is a one-day window, as the incumbent does.
		lim.Since = d.now().Add(-24 * time.Hour)
	}
	if !lim.Since.IsZero() {
		// A window pages by the default size; next_cursor continues it.
		p.Oldest = slackTS(lim.Since)
		p.Limit = historyDefaultLimit
	}
	p.Limit = d.Policy.historyPage(p.Limit)
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	p.ChannelID = channelID
	scope := params.CursorScope{Tool: "conversations_history", Channel: channelID}
	if p.Cursor, err = slackCursor(in.Cursor, scope); err != nil {
		return nil, err
	}
	resp, err := s.Client.GetConversationHistoryContext(ctx, p)
	if err != nil {
		return nil, err
	}
	next := ""
	if resp.HasMore {
		next = wrapSlackCursor(scope, resp.ResponseMetaData.NextCursor)
	}
	rows := renderMessages(ctx, s, p.ChannelID, resp.Messages, activity)
	res := pageResult(rows, next)
	if hidden := len(resp.Messages) - len(rows); hidden > 0 && len(rows) > 0 && next != "" && lim.Count > 0 {
		// Slack counts notices within limit, so a page can come back short.
		res = withNote(res, fmt.Sprintf("%d join/leave/topic notices in this page were left out (Slack counts them within limit); "+
			"next_cursor continues, include_activity_messages=true shows them", hidden))
	}
	if len(rows) == 0 && p.Cursor == "" && p.Oldest != "" {
		window := lim.Window
		if window == "" {
			window = "1d"
		}
		res = withNote(res, emptyWindowNote(ctx, s, p.ChannelID, window, len(resp.Messages), d.now()))
	}
	return res, nil
}

func conversationsReplies() Tool {
	return Tool{
		Name:     "conversations_replies",
		Title:    "Read a thread",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"channels:history", "groups:history", "im:history", "mpim:history", "users:read"},
		Description: "Read a thread: the parent message first, then replies oldest first. thread_ts is the MsgID of the parent " +
			"(from conversations_history or search). Same CSV columns as conversations_history.",
		Params:  input[repliesInput](),
		Output:  mcp.WithOutputSchema[Page[Message]](),
		Handler: typed(handleReplies),
	}
}

// repliesInput is the input of conversations_replies.
type repliesInput struct {
	Channel  params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	ThreadTS params.TSArgument      `json:"thread_ts" jsonschema:"ts of the thread's parent message, e.g. 1700000000.123456."`
	Limit    params.LimitArgument   `json:"limit,omitempty" default:"100" jsonschema_description:"Number of messages (1-999) or a time window (1d, 7d, 1m). Default 100; 0 also means 100."`
	Cursor   string                 `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
	Activity params.BoolArgument    `json:"include_activity_messages,omitempty" default:"false" jsonschema:"Include join/leave/topic notices; default false."`
}

func handleReplies(ctx context.Context, d *Deps, in *repliesInput) (*mcp.CallToolResult, error) {
	ts := string(in.ThreadTS)
	lim, err := in.Limit.Parse(historyDefaultLimit, historyMaxLimit, d.now())
	if err != nil {
		return nil, inputErr(err)
	}
	activity := bool(in.Activity)
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	scope := params.CursorScope{Tool: "conversations_replies", Channel: channelID, Thread: ts}
	cursor, err := slackCursor(in.Cursor, scope)
	if err != nil {
		return nil, err
	}
	p := &slack.GetConversationRepliesParameters{ChannelID: channelID, Timestamp: ts, Cursor: cursor, Limit: lim.Count}
	if !lim.Since.IsZero() {
		p.Oldest = slackTS(lim.Since)
		p.Limit = historyDefaultLimit
	}
	p.Limit = d.Policy.historyPage(p.Limit)
	msgs, hasMore, next, err := s.Client.GetConversationRepliesContext(ctx, p)
	if err != nil {
		return nil, err
	}
	if !hasMore {
		next = ""
	}
	next = wrapSlackCursor(scope, next)
	return pageResult(renderMessages(ctx, s, channelID, msgs, activity), next), nil
}

// slackTS formats a time as a Slack ts.
func slackTS(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + ".000000"
}

// PostedMessage is the result of conversations_add_message.
type PostedMessage struct {
	Channel   string `json:"channel"`
	TS        string `json:"ts" jsonschema:"ts of the new message"`
	ThreadTs  string `json:"thread_ts,omitempty"`
	Permalink string `json:"permalink,omitempty"`
}

func conversationsAddMessage() Tool {
	return Tool{
		Name:    "conversations_add_message",
		Title:   "Post a message",
		Toolset: "conversations",
		Scopes:  []string{"chat:write"},
		Gate:    GateAddMessage,
		Description: "Post a message to a channel, DM or thread as you. Off unless the operator enables it (SLACK_MCP_ADD_MESSAGE_TOOL), " +
			"possibly only for some channels. content_type text/markdown (default) accepts standard Markdown; text/plain is sent as is.",
		Params:  input[addMessageInput](),
		Output:  mcp.WithOutputSchema[PostedMessage](),
		Handler: typed(handleAddMessage),
	}
}

// addMessageInput is the input of conversations_add_message.
type addMessageInput struct {
	Channel     params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	ThreadTS    params.TSArgument      `json:"thread_ts,omitempty" jsonschema:"Reply in this thread (the parent's ts). Omit for a top-level message."`
	Text        params.TextArgument    `json:"text,omitempty" jsonschema:"The message text. With blocks, the plain-text fallback shown in notifications."`
	Payload     params.TextArgument    `json:"payload,omitempty" jsonschema:"Same as text (older name); give one of them."`
	Blocks      params.TextArgument    `json:"blocks,omitempty" jsonschema_description:"Optional Block Kit JSON array (at most 50 blocks), e.g. [{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*hi*\"}}]; then content_type is ignored."`
	ContentType params.TextArgument    `json:"content_type,omitempty" default:"text/markdown" jsonschema:"enum=text/markdown,enum=text/plain" jsonschema_description:"text/markdown (default) or text/plain."`
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>|)\]]+`)

func handleAddMessage(ctx context.Context, d *Deps, in *addMessageInput) (*mcp.CallToolResult, error) {
	threadTS := string(in.ThreadTS)
	payload, blocks, err := messageBody(string(in.Text), string(in.Payload), string(in.Blocks))
	if err != nil {
		return nil, err
	}
	contentType := string(in.ContentType)
	if contentType == "" {
		contentType = "text/markdown"
	}
	if contentType != "text/markdown" && contentType != "text/plain" {
		return nil, Inputf("content_type must be text/markdown or text/plain, not %q", contentType)
	}
	max := plainMaxLen
	if contentType == "text/markdown" && blocks == nil {
		max = markdownMaxLen
	}
	if n := utf8.RuneCountInString(payload); n > max {
		return nil, Inputf("text is %d characters; Slack accepts at most %d for %s", n, max, contentType)
	}
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if err := allowed(ctx, d, s, GateAddMessage, channelID, "posting to"); err != nil {
		return nil, err
	}
	opts := []slack.MsgOption{}
	switch {
	case blocks != nil:
		// markdown_text excludes blocks; text is then the fallback.
		opts = append(opts, slack.MsgOptionBlocks(blocks...), slack.MsgOptionText(payload, false))
	case contentType == "text/markdown":
		opts = append(opts, slack.MsgOptionMarkdownText(payload))
	default:
		opts = append(opts, slack.MsgOptionText(payload, false))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	if d.Policy.Unfurl.Unfurl(linkPattern.FindAllString(payload, -1)) {
		opts = append(opts, slack.MsgOptionEnableLinkUnfurl())
	} else {
		opts = append(opts, slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
	}
	action := "Post a message"
	if threadTS != "" {
		action = "Reply in a thread"
	}
	if err := confirmWrite(ctx, d, s, action, channelID, payload); err != nil {
		return nil, err
	}
	_, ts, err := s.Client.PostMessageContext(ctx, channelID, opts...)
	if err != nil {
		return nil, err
	}
	out := PostedMessage{Channel: channelID, TS: ts, ThreadTs: threadTS}
	text := "posted message ts=" + ts + " in " + channelID
	if threadTS != "" {
		text += " (thread " + threadTS + ")"
	}
	if note := markAfterPost(ctx, d, s, channelID, ts); note != "" {
		text += "\nnote: " + note
	}
	return mcp.NewToolResultStructured(out, text), nil
}

// MarkResult is the result of conversations_mark.
type MarkResult struct {
	Channel string `json:"channel"`
	TS      string `json:"ts"`
}

func conversationsMark() Tool {
	return Tool{
		Name:    "conversations_mark",
		Title:   "Mark as read",
		Toolset: "conversations",
		Scopes:  []string{"channels:write", "groups:write", "im:write", "mpim:write"},
		Gate:    GateMark, Idempotent: true,
		Description: "Mark a channel or DM as read up to a message (ts). Without ts, marks everything read up to the latest message. " +
			"Off unless the operator enables it (SLACK_MCP_MARK_TOOL).",
		Params:  input[markInput](),
		Output:  mcp.WithOutputSchema[MarkResult](),
		Handler: typed(handleMark),
	}
}

// markInput is the input of conversations_mark.
type markInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	TS      params.TSArgument      `json:"ts,omitempty" jsonschema:"Mark read up to this message ts; default the latest message."`
}

func handleMark(ctx context.Context, d *Deps, in *markInput) (*mcp.CallToolResult, error) {
	ts := string(in.TS)
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if ts == "" {
		resp, err := s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channelID, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(resp.Messages) == 0 {
			return mcp.NewToolResultStructured(MarkResult{Channel: channelID}, "no messages to mark in "+channelID), nil
		}
		ts = resp.Messages[0].Timestamp
	}
	if err := s.Client.MarkConversationContext(ctx, channelID, ts); err != nil {
		return nil, err
	}
	return mcp.NewToolResultStructured(MarkResult{Channel: channelID, TS: ts}, "marked "+channelID+" read up to "+ts), nil
}
