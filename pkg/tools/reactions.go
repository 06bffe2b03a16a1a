package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// ReactionResult is the result of reactions_add and reactions_remove.
type ReactionResult struct {
	Channel   string `json:"channel"`
	Timestamp string `json:"timestamp"`
	Emoji     string `json:"emoji"`
	Action    string `json:"action" jsonschema:"added or removed"`
}

func reactionParams() []mcp.ToolOption {
	return []mcp.ToolOption{
		channelIDParam,
		mcp.WithString("timestamp", mcp.Required(), mcp.Description("ts of the message (MsgID from conversations_history).")),
		mcp.WithString("emoji", mcp.Required(), mcp.Description("Emoji name without colons, e.g. thumbsup or tada.")),
	}
}

func reactionsAdd() Tool {
	return Tool{
		Name:       "reactions_add",
		Title:      "Add a reaction",
		Toolset:    "reactions",
		Scopes:     []string{"reactions:write"},
		Gate:       GateReactions,
		Idempotent: true,
		Description: "Add an emoji reaction to a message as you. Off unless the operator enables it " +
			"(SLACK_MCP_REACTION_TOOL, or SLACK_MCP_ADD_MESSAGE_TOOL), possibly only for some channels.",
		Params: reactionParams(),
		Output: mcp.WithOutputSchema[ReactionResult](),
		Handler: func(ctx context.Context, d *Deps, args Args) (*mcp.CallToolResult, error) {
			return react(ctx, d, args, true)
		},
	}
}

func reactionsRemove() Tool {
	return Tool{
		Name:        "reactions_remove",
		Title:       "Remove a reaction",
		Toolset:     "reactions",
		Scopes:      []string{"reactions:write"},
		Gate:        GateReactions,
		Destructive: true, Idempotent: true,
		Description: "Remove your emoji reaction from a message. Same enablement as reactions_add.",
		Params:      reactionParams(),
		Output:      mcp.WithOutputSchema[ReactionResult](),
		Handler: func(ctx context.Context, d *Deps, args Args) (*mcp.CallToolResult, error) {
			return react(ctx, d, args, false)
		},
	}
}

func react(ctx context.Context, d *Deps, args Args, add bool) (*mcp.CallToolResult, error) {
	ts, err := params.ParseTS(params.String(args, "timestamp"), "timestamp")
	if err != nil {
		return nil, inputErr(err)
	}
	emoji, err := params.Emoji(params.String(args, "emoji"))
	if err != nil {
		return nil, inputErr(err)
	}
	s, channelID, err := sessionAndChannel(ctx, d, args)
	if err != nil {
		return nil, err
	}
	if !d.Policy.Reactions.Allows(channelID) {
		return nil, Inputf("reactions in %s are not allowed by this server's settings", channelID)
	}
	item := slack.NewRefToMessage(channelID, ts)
	action := "added"
	if add {
		err = s.Client.AddReactionContext(ctx, emoji, item)
	} else {
		action = "removed"
		err = s.Client.RemoveReactionContext(ctx, emoji, item)
	}
	if err != nil {
		return nil, err
	}
	out := ReactionResult{Channel: channelID, Timestamp: ts, Emoji: emoji, Action: action}
	return mcp.NewToolResultStructured(out, action+" :"+emoji+": on "+ts+" in "+channelID), nil
}
