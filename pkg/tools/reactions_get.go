package tools

import (
	"context"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Reaction is one row of reactions_get: an emoji on a message and who
// reacted with it.
type Reaction struct {
	Emoji     string `json:"emoji" csv:"Emoji"`
	Count     int    `json:"count" csv:"Count"`
	UserIDs   string `json:"user_ids" csv:"UserIDs" jsonschema:"space-separated user IDs"`
	UserNames string `json:"user_names" csv:"UserNames" jsonschema:"space-separated @handles, in the order of user_ids"`
}

// reactionsGetInput is the input of reactions_get.
type reactionsGetInput struct {
	Channel   params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	Timestamp params.TSArgument      `json:"timestamp" jsonschema:"ts of the message (MsgID from conversations_history)."`
}

func reactionsGet() Tool {
	return Tool{
		Name:     "reactions_get",
		Title:    "Who reacted",
		Toolset:  "reactions",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"reactions:read", "users:read"},
		Description: "List the emoji reactions on a message and who reacted with each. Returns CSV: Emoji, Count, UserIDs, " +
			"UserNames (the Reactions column of conversations_history has the counts only).",
		Params:  input[reactionsGetInput](),
		Output:  mcp.WithOutputSchema[Page[Reaction]](),
		Handler: typed(handleReactionsGet),
	}
}

func handleReactionsGet(ctx context.Context, d *Deps, in *reactionsGetInput) (*mcp.CallToolResult, error) {
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	item, err := s.Client.GetReactionsContext(ctx, slack.NewRefToMessage(channelID, string(in.Timestamp)), slack.GetReactionsParameters{Full: true})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range item.Reactions {
		ids = append(ids, r.Users...)
	}
	users := map[string]string{}
	if s.Users != nil {
		for id, u := range s.Users.GetMany(ctx, ids) {
			users[id] = "@" + userHandle(u)
		}
	}
	rows := make([]Reaction, 0, len(item.Reactions))
	for _, r := range item.Reactions {
		names := make([]string, len(r.Users))
		for i, id := range r.Users {
			if names[i] = users[id]; names[i] == "" {
				names[i] = id
			}
		}
		rows = append(rows, Reaction{Emoji: r.Name, Count: r.Count, UserIDs: strings.Join(r.Users, " "), UserNames: strings.Join(names, " ")})
	}
	res := pageResult(rows, "")
	if len(rows) == 0 {
		res = withNote(res, "the message has no reactions")
	}
	return res, nil
}
