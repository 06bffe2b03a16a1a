package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// ReactionResult is the result of reactions_add and reactions_remove.
type ReactionResult struct {
	Channel   string `json:"channel"`
	Timestamp string `json:"timestamp"`
	Emoji     string `json:"emoji"`
	Action    string `json:"action" jsonschema:"added, already_there (nothing changed), removed or not_there (nothing to remove)"`
}

// reactionInput is the input of reactions_add and reactions_remove.
type reactionInput struct {
	Channel   params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	Timestamp params.TSArgument      `json:"timestamp" jsonschema:"ts of the message (MsgID from conversations_history)."`
	Emoji     params.EmojiArgument   `json:"emoji" jsonschema:"Emoji name without colons, e.g. thumbsup or tada."`
}

func reactionsAdd() Tool {
	return Tool{
		Name:       "reactions_add",
		Title:      "Add a reaction",
		Toolset:    "reactions",
		Scopes:     []string{"reactions:write", "emoji:read"},
		Gate:       GateReactions,
		Idempotent: true,
		Description: "Add an emoji reaction to a message as you. Adding one you already added succeeds and changes nothing; " +
			"an emoji name the workspace does not have is refused. Off unless the operator enables it " +
			"(SLACK_MCP_REACTION_TOOL, or SLACK_MCP_ADD_MESSAGE_TOOL), possibly only for some channels.",
		Params: input[reactionInput](),
		Output: mcp.WithOutputSchema[ReactionResult](),
		Handler: typed(func(ctx context.Context, d *Deps, in *reactionInput) (*mcp.CallToolResult, error) {
			return react(ctx, d, in, true)
		}),
	}
}

func reactionsRemove() Tool {
	return Tool{
		Name:        "reactions_remove",
		Title:       "Remove a reaction",
		Toolset:     "reactions",
		Scopes:      []string{"reactions:write", "emoji:read"},
		Gate:        GateReactions,
		Destructive: true, Idempotent: true,
		Description: "Remove your emoji reaction from a message. Removing one you have not added succeeds and says " +
			"nothing was removed (only your own reactions can be removed). Same enablement as reactions_add.",
		Params: input[reactionInput](),
		Output: mcp.WithOutputSchema[ReactionResult](),
		Handler: typed(func(ctx context.Context, d *Deps, in *reactionInput) (*mcp.CallToolResult, error) {
			return react(ctx, d, in, false)
		}),
	}
}

func react(ctx context.Context, d *Deps, in *reactionInput, add bool) (*mcp.CallToolResult, error) {
	ts, emoji := string(in.Timestamp), string(in.Emoji)
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if err := allowed(ctx, d, s, GateReactions, channelID, "reacting in"); err != nil {
		return nil, err
	}
	if err := d.emoji.unknownEmoji(ctx, s, emoji, d.now()); err != nil {
		return nil, err
	}
	item := slack.NewRefToMessage(channelID, ts)
	out := ReactionResult{Channel: channelID, Timestamp: ts, Emoji: emoji}
	where := " :" + emoji + ": on " + ts + " in " + channelID
	var text string
	if add {
		err = s.Client.AddReactionContext(ctx, emoji, item)
		out.Action, text = "added", "added"+where
		// The tool promises idempotence: the reaction is there, as asked.
		if slackapi.SlackErrorCode(err) == "already_reacted" {
			err = nil
			out.Action, text = "already_there", "already reacted with"+where+"; nothing changed"
		}
	} else {
		err = s.Client.RemoveReactionContext(ctx, emoji, item)
		out.Action, text = "removed", "removed"+where
		// The reaction is absent, as asked; say that nothing was removed,
		// since a model may have expected to remove someone else's.
		if slackapi.SlackErrorCode(err) == "no_reaction" {
			err = nil
			out.Action, text = "not_there", "you had no"+where+", so nothing was removed (only your own reactions can be removed)"
		}
	}
	if err != nil {
		return nil, err
	}
	return mcp.NewToolResultStructured(out, text), nil
}
