package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// ChangedMessage is the result of conversations_edit_message and
// conversations_delete_message.
type ChangedMessage struct {
	Channel string `json:"channel"`
	TS      string `json:"ts" jsonschema:"ts of the message"`
	Action  string `json:"action" jsonschema:"edited or deleted"`
}

// editInput is the input of conversations_edit_message.
type editInput struct {
	Channel     params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	TS          params.TSArgument      `json:"ts" jsonschema:"ts of your message (MsgID from conversations_history)."`
	Text        params.TextArgument    `json:"text" jsonschema:"The new text of the message."`
	ContentType params.TextArgument    `json:"content_type,omitempty" default:"text/markdown" jsonschema:"enum=text/markdown,enum=text/plain" jsonschema_description:"text/markdown (default) or text/plain."`
}

// deleteInput is the input of conversations_delete_message.
type deleteInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	TS      params.TSArgument      `json:"ts" jsonschema:"ts of your message (MsgID from conversations_history)."`
}

func conversationsEditMessage() Tool {
	return Tool{
		Name:       "conversations_edit_message",
		Title:      "Edit a message",
		Toolset:    "conversations",
		Scopes:     []string{"chat:write"},
		Gate:       GateEditMessage,
		Idempotent: true,
		Description: "Replace the text of one of your messages. Only your own messages can be edited (with a bot token: the bot's), " +
			"within the workspace's edit window. Off unless the operator enables it (SLACK_MCP_EDIT_MESSAGE_TOOL), possibly only for some channels.",
		Params:  input[editInput](),
		Output:  mcp.WithOutputSchema[ChangedMessage](),
		Handler: typed(handleEdit),
	}
}

func conversationsDeleteMessage() Tool {
	return Tool{
		Name:        "conversations_delete_message",
		Title:       "Delete a message",
		Toolset:     "conversations",
		Scopes:      []string{"chat:write"},
		Gate:        GateDeleteMessage,
		Destructive: true,
		Description: "Delete one of your messages; it cannot be undone. Only your own messages can be deleted (with a bot token: the bot's). " +
			"Off unless the operator enables it (SLACK_MCP_DELETE_MESSAGE_TOOL), possibly only for some channels.",
		Params:  input[deleteInput](),
		Output:  mcp.WithOutputSchema[ChangedMessage](),
		Handler: typed(handleDelete),
	}
}

func handleEdit(ctx context.Context, d *Deps, in *editInput) (*mcp.CallToolResult, error) {
	text := string(in.Text)
	if text == "" {
		return nil, Inputf("text is required: the new text of the message")
	}
	opt, err := textOption(text, string(in.ContentType))
	if err != nil {
		return nil, err
	}
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if err := allowed(ctx, d, s, GateEditMessage, channelID, "editing in"); err != nil {
		return nil, err
	}
	if err := confirmWrite(ctx, d, s, "Edit your message "+string(in.TS)+" to read", channelID, text); err != nil {
		return nil, err
	}
	if _, _, _, err := s.Client.UpdateMessageContext(ctx, channelID, string(in.TS), opt); err != nil {
		return nil, err
	}
	out := ChangedMessage{Channel: channelID, TS: string(in.TS), Action: "edited"}
	return mcp.NewToolResultStructured(out, "edited message ts="+out.TS+" in "+channelID), nil
}

func handleDelete(ctx context.Context, d *Deps, in *deleteInput) (*mcp.CallToolResult, error) {
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if err := allowed(ctx, d, s, GateDeleteMessage, channelID, "deleting in"); err != nil {
		return nil, err
	}
	if err := confirmWrite(ctx, d, s, "Delete your message "+string(in.TS)+" (this cannot be undone)", channelID, ""); err != nil {
		return nil, err
	}
	if _, _, err := s.Client.DeleteMessageContext(ctx, channelID, string(in.TS)); err != nil {
		return nil, err
	}
	out := ChangedMessage{Channel: channelID, TS: string(in.TS), Action: "deleted"}
	return mcp.NewToolResultStructured(out, "deleted message ts="+out.TS+" in "+channelID), nil
}
