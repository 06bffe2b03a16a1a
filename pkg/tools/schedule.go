package tools

import (
	"context"
	"regexp"
	"strconv"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Slack's scheduling window. Slack itself refuses only the past and more
// than 120 days ahead; we also refuse less than two minutes ahead because
// Slack cannot delete a message due within 60 seconds, so anything sooner
// could neither be confirmed calmly nor taken back.
const (
	scheduleMinAhead = 2 * time.Minute
	scheduleMaxAhead = 120 * 24 * time.Hour
)

// scheduledIDPattern is the scheduled_message_id form of Slack's OpenAPI
// schema.
var scheduledIDPattern = regexp.MustCompile(`^Q[A-Z0-9]{8,}$`)

// ScheduledMessage is the result of conversations_schedule_message and one
// row of conversations_scheduled_messages_list.
type ScheduledMessage struct {
	ID          string `json:"scheduled_message_id" csv:"ScheduledMessageID"`
	Channel     string `json:"channel" csv:"Channel"`
	ChannelName string `json:"channel_name,omitempty" csv:"ChannelName"`
	PostAt      string `json:"post_at" csv:"PostAt" jsonschema:"RFC 3339, UTC"`
	Text        string `json:"text,omitempty" csv:"Text"`
	Cursor      string `json:"-" csv:"Cursor,omitempty"`
}

// CancelledMessage is the result of conversations_delete_scheduled_message.
type CancelledMessage struct {
	Channel string `json:"channel"`
	ID      string `json:"scheduled_message_id"`
}

// scheduleInput is the input of conversations_schedule_message.
type scheduleInput struct {
	Channel     params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	PostAt      params.TextArgument    `json:"post_at" jsonschema_description:"When to post: a duration from now (\"30m\", \"2h\", \"1d 4h\", \"in 3 hours\"), a time (\"2025-03-14T09:00:00+01:00\"; no zone means UTC) or Unix seconds. Between 2 minutes and 120 days ahead."`
	Text        params.TextArgument    `json:"text" jsonschema:"The message text."`
	ThreadTS    params.TSArgument      `json:"thread_ts,omitempty" jsonschema:"Reply in this thread (the parent's ts). Omit for a top-level message."`
	ContentType params.TextArgument    `json:"content_type,omitempty" default:"text/markdown" jsonschema:"enum=text/markdown,enum=text/plain" jsonschema_description:"text/markdown (default) or text/plain."`
}

// scheduledListInput is the input of conversations_scheduled_messages_list.
type scheduledListInput struct {
	Channel params.ChannelArgument `json:"channel_id,omitempty" jsonschema:"Only this conversation (ID, #channel-name or @user); omit for all."`
	Limit   params.CountArgument   `json:"limit,omitempty" count:"100,1000" jsonschema:"Messages per page"`
	Cursor  string                 `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
}

// deleteScheduledInput is the input of conversations_delete_scheduled_message.
type deleteScheduledInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"The conversation the message is scheduled for."`
	ID      params.TextArgument    `json:"scheduled_message_id" jsonschema:"The ID from conversations_schedule_message or the list (Q…)."`
}

func conversationsScheduleMessage() Tool {
	return Tool{
		Name:    "conversations_schedule_message",
		Title:   "Schedule a message",
		Toolset: "conversations",
		Scopes:  []string{"chat:write"},
		Gate:    GateSchedule,
		Description: "Schedule a message (or thread reply) to be posted as you later: from 2 minutes to 120 days ahead. " +
			"Off unless the operator enables it (SLACK_MCP_SCHEDULE_TOOL), possibly only for some channels.",
		Params:  input[scheduleInput](),
		Output:  mcp.WithOutputSchema[ScheduledMessage](),
		Handler: typed(handleSchedule),
	}
}

func conversationsScheduledMessagesList() Tool {
	return Tool{
		Name:     "conversations_scheduled_messages_list",
		Title:    "Your scheduled messages",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Description: "List the messages you scheduled through this server (and other apps of yours) that are not yet sent, soonest first. " +
			"Returns CSV: ScheduledMessageID, Channel, ChannelName, PostAt, Text.",
		Params:  input[scheduledListInput](),
		Output:  mcp.WithOutputSchema[Page[ScheduledMessage]](),
		Handler: typed(handleScheduledList),
	}
}

func conversationsDeleteScheduledMessage() Tool {
	return Tool{
		Name:        "conversations_delete_scheduled_message",
		Title:       "Cancel a scheduled message",
		Toolset:     "conversations",
		Scopes:      []string{"chat:write"},
		Gate:        GateSchedule,
		Destructive: true,
		Description: "Cancel a scheduled message before it is sent (not within its last minute). " +
			"Off unless the operator enables it (SLACK_MCP_SCHEDULE_TOOL), possibly only for some channels.",
		Params:  input[deleteScheduledInput](),
		Output:  mcp.WithOutputSchema[CancelledMessage](),
		Handler: typed(handleDeleteScheduled),
	}
}

func handleSchedule(ctx context.Context, d *Deps, in *scheduleInput) (*mcp.CallToolResult, error) {
	text := string(in.Text)
	if text == "" {
		return nil, Inputf("text is required: the message to schedule")
	}
	opt, err := textOption(text, string(in.ContentType))
	if err != nil {
		return nil, err
	}
	now := d.now()
	postAt, err := params.ParseWhen(string(in.PostAt), now)
	if err != nil {
		return nil, Inputf("post_at: %v", err)
	}
	switch ahead := postAt.Sub(now); {
	case ahead < scheduleMinAhead:
		return nil, Inputf("post_at %s is %s; schedule at least 2 minutes ahead (Slack cannot cancel a message due within a minute)",
			postAt.UTC().Format(time.RFC3339), describeAhead(ahead))
	case ahead > scheduleMaxAhead:
		return nil, Inputf("post_at %s is %s; Slack schedules at most 120 days ahead", postAt.UTC().Format(time.RFC3339), describeAhead(ahead))
	}
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if err := allowed(ctx, d, s, GateSchedule, channelID, "scheduling in"); err != nil {
		return nil, err
	}
	opts := []slack.MsgOption{opt}
	if in.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(string(in.ThreadTS)))
	}
	when := postAt.UTC().Format(time.RFC3339)
	if err := confirmWrite(ctx, d, s, "Schedule a message for "+when, channelID, text); err != nil {
		return nil, err
	}
	_, id, err := s.Client.ScheduleMessageContext(ctx, channelID, strconv.FormatInt(postAt.Unix(), 10), opts...)
	if err != nil {
		return nil, err
	}
	out := ScheduledMessage{ID: id, Channel: channelID, PostAt: when}
	return mcp.NewToolResultStructured(out, "scheduled message "+id+" in "+channelID+" for "+when), nil
}

// describeAhead says how far ahead a moment is, for error messages.
func describeAhead(d time.Duration) string {
	if d <= 0 {
		return "in the past"
	}
	return d.Round(time.Second).String() + " from now"
}

func handleScheduledList(ctx context.Context, d *Deps, in *scheduledListInput) (*mcp.CallToolResult, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	channelID := ""
	if in.Channel.Given {
		if channelID, err = resolveRef(ctx, s, in.Channel.Ref); err != nil {
			return nil, err
		}
	}
	scope := params.CursorScope{Tool: "conversations_scheduled_messages_list", Channel: channelID}
	cursor, err := slackCursor(in.Cursor, scope)
	if err != nil {
		return nil, err
	}
	list, next, err := s.Client.GetScheduledMessagesContext(ctx, &slack.GetScheduledMessagesParameters{
		Channel: channelID, Cursor: cursor, Limit: int(in.Limit),
	})
	if err != nil {
		return nil, err
	}
	rows := make([]ScheduledMessage, 0, len(list))
	for _, m := range list {
		rows = append(rows, ScheduledMessage{
			ID: m.ID, Channel: m.Channel, ChannelName: (&renderer{s: s}).channelLabel(m.Channel),
			PostAt: time.Unix(int64(m.PostAt), 0).UTC().Format(time.RFC3339), Text: m.Text,
		})
	}
	return pageResult(rows, wrapSlackCursor(scope, next)), nil
}

func handleDeleteScheduled(ctx context.Context, d *Deps, in *deleteScheduledInput) (*mcp.CallToolResult, error) {
	id := string(in.ID)
	if id == "" {
		return nil, Inputf("scheduled_message_id is required: the Q… ID from conversations_schedule_message or conversations_scheduled_messages_list")
	}
	if !scheduledIDPattern.MatchString(id) {
		return nil, Inputf("scheduled_message_id %q is not a scheduled message ID (Q followed by 8 or more capital letters and digits)", id)
	}
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if err := allowed(ctx, d, s, GateSchedule, channelID, "cancelling scheduled messages in"); err != nil {
		return nil, err
	}
	if err := confirmWrite(ctx, d, s, "Cancel your scheduled message "+id, channelID, ""); err != nil {
		return nil, err
	}
	if _, err := s.Client.DeleteScheduledMessageContext(ctx, &slack.DeleteScheduledMessageParameters{
		Channel: channelID, ScheduledMessageID: id,
	}); err != nil {
		return nil, err
	}
	out := CancelledMessage{Channel: channelID, ID: id}
	return mcp.NewToolResultStructured(out, "cancelled scheduled message "+id+" in "+channelID), nil
}
