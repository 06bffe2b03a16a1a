package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

const (
	membersDefaultLimit = 100
	membersMaxLimit     = 1000
)

// Member is one row of conversations_members.
type Member struct {
	UserID   string `json:"user_id" csv:"UserID"`
	UserName string `json:"user_name,omitempty" csv:"UserName"`
	RealName string `json:"real_name,omitempty" csv:"RealName"`
	IsBot    bool   `json:"is_bot,omitempty" csv:"IsBot"`
	Cursor   string `json:"-" csv:"Cursor"`
}

// membersInput is the input of conversations_members.
type membersInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or @user / @Real Name for a DM."`
	Limit   params.CountArgument   `json:"limit,omitempty" count:"100,1000" jsonschema:"Members per page"`
	Cursor  string                 `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
}

func conversationsMembers() Tool {
	return Tool{
		Name:     "conversations_members",
		Title:    "Who is in a conversation",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"channels:read", "groups:read", "im:read", "mpim:read", "users:read"},
		Description: "List the members of a channel, DM or group DM, with their names. Returns CSV: UserID, UserName, RealName, IsBot; " +
			"next_cursor continues a long list.",
		Params:  input[membersInput](),
		Output:  mcp.WithOutputSchema[Page[Member]](),
		Handler: typed(handleMembers),
	}
}

func handleMembers(ctx context.Context, d *Deps, in *membersInput) (*mcp.CallToolResult, error) {
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	scope := params.CursorScope{Tool: "conversations_members", Channel: channelID}
	cursor, err := slackCursor(in.Cursor, scope)
	if err != nil {
		return nil, err
	}
	ids, next, err := s.Client.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{
		ChannelID: channelID, Cursor: cursor, Limit: int(in.Limit),
	})
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	rows := make([]Member, 0, len(ids))
	var users map[string]workspace.User
	if s.Users != nil {
		users = s.Users.GetMany(ctx, ids)
	}
	for _, id := range ids {
		if known[id] {
			continue
		}
		known[id] = true
		m := Member{UserID: id}
		if u, ok := users[id]; ok {
			m.UserName, m.RealName, m.IsBot = userHandle(u), u.RealName, u.IsBot
		}
		rows = append(rows, m)
	}
	return pageResult(rows, wrapSlackCursor(scope, next)), nil
}
