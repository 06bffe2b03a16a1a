package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// channels_me, conversations_join and conversations_leave: the caller's own
// channel memberships (tools of korotovsky/slack-mcp-server 1.3.0).

func channelsMe() Tool {
	return Tool{
		Name:     "channels_me",
		Title:    "My channels",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"channels:read", "groups:read", "im:read", "mpim:read", "users:read"},
		Description: "List only the conversations you are a member of (channels_list lists every channel you can see), " +
			"useful on large workspaces. Same CSV columns and paging as channels_list; Name is #channel, or @user for DMs.",
		Params:  input[channelsMeInput](),
		Output:  mcp.WithOutputSchema[Page[Channel]](),
		Handler: typed(handleChannelsMe),
	}
}

// channelsMeInput is the input of channels_me.
type channelsMeInput struct {
	Types  params.TextArgument  `json:"channel_types,omitempty" jsonschema_description:"Comma-separated types: public_channel, private_channel, im, mpim. Default public_channel,private_channel."`
	Limit  params.CountArgument `json:"limit,omitempty" jsonschema:"Maximum rows" count:"100,999"`
	Cursor string               `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call."`
}

// handleChannelsMe asks Slack (users.conversations) rather than the cached
// directory: the directory does not record membership.
func handleChannelsMe(ctx context.Context, d *Deps, in *channelsMeInput) (*mcp.CallToolResult, error) {
	types, err := channelTypes(string(in.Types))
	if err != nil {
		return nil, err
	}
	limit := int(in.Limit)
	scope := params.CursorScope{Tool: "channels_me", Filter: strings.Join(types, ",")}
	cursor, err := slackCursor(in.Cursor, scope)
	if err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	p := &slack.GetConversationsForUserParameters{
		Types: types, Limit: limit, Cursor: cursor, ExcludeArchived: true, TeamID: s.Client.TeamParam(),
	}
	chans, next, err := s.Client.GetConversationsForUserContext(ctx, p)
	if err != nil {
		return nil, err
	}
	rows := make([]Channel, 0, len(chans))
	for _, c := range chans {
		if c.IsArchived {
			continue
		}
		rows = append(rows, memberRow(s, c))
	}
	return pageResult(rows, wrapSlackCursor(scope, next)), nil
}

// channelTypes parses a channel_types argument; none means public and
// private channels.
func channelTypes(raw string) ([]string, error) {
	types, err := params.ParseChannelTypes(raw)
	if err != nil {
		return nil, inputErr(err)
	}
	if len(types) == 0 {
		types = []string{"public_channel", "private_channel"}
	}
	return types, nil
}

// memberRow renders a users.conversations entry as a channels_list row.
func memberRow(s *Session, c slack.Channel) Channel {
	row := Channel{ID: c.ID, Topic: c.Topic.Value, Purpose: c.Purpose.Value, MemberCount: c.NumMembers}
	// users.conversations leaves out num_members: take it from the
	// directory when it knows the channel.
	if cached, ok := s.Channels.Cached(c.ID); ok && row.MemberCount == 0 {
		row.MemberCount = cached.MemberCount
	}
	switch {
	case c.IsIM:
		row.Type, row.Name = "im", "@"+c.User
		if s.Users != nil {
			if u, ok := s.Users.Cached(c.User); ok {
				row.Name = "@" + userHandle(u)
			}
		}
	case c.IsMpIM:
		row.Type, row.Name = "mpim", "@"+c.Name
	case c.IsPrivate || c.IsGroup:
		row.Type, row.Name = "private_channel", "#"+c.Name
	default:
		row.Type, row.Name = "public_channel", "#"+c.Name
	}
	return row
}

// MembershipResult is the result of conversations_join and
// conversations_leave.
type MembershipResult struct {
	Channel string `json:"channel"`
	Name    string `json:"name,omitempty" jsonschema:"#name of the channel"`
	// Changed is false when you already were (join) or were not (leave) a
	// member: both tools are idempotent.
	Changed bool `json:"changed"`
}

func conversationsJoin() Tool {
	return Tool{
		Name:    "conversations_join",
		Title:   "Join a channel",
		Toolset: "conversations",
		Scopes:  []string{"channels:write"},
		Gate:    GateMembership, Idempotent: true,
		Description: "Join a public channel as you, so you can read and post there. Joining a channel you are in already " +
			"is a success that changes nothing. Private channels need an invitation. " +
			"Off unless the operator enables it (SLACK_MCP_MEMBERSHIP_TOOL or --enabled-tools).",
		Params:  input[joinInput](),
		Output:  mcp.WithOutputSchema[MembershipResult](),
		Handler: typed(handleJoin),
	}
}

// joinInput is the input of conversations_join.
type joinInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD) or #channel-name; channels_list shows the public channels."`
}

func handleJoin(ctx context.Context, d *Deps, in *joinInput) (*mcp.CallToolResult, error) {
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	ch, warning, warnings, err := s.Client.JoinConversationContext(ctx, channelID)
	if err != nil {
		return nil, membershipError(err)
	}
	already := warning == "already_in_channel"
	for _, w := range warnings {
		already = already || w == "already_in_channel"
	}
	out := MembershipResult{Channel: channelID, Changed: !already}
	if ch != nil && ch.Name != "" {
		out.Name = "#" + ch.Name
	}
	text := "joined " + label(out)
	if already {
		text = "already a member of " + label(out) + "; nothing changed"
	}
	return mcp.NewToolResultStructured(out, text), nil
}

func conversationsLeave() Tool {
	return Tool{
		Name:        "conversations_leave",
		Title:       "Leave a conversation",
		Toolset:     "conversations",
		Scopes:      []string{"channels:write", "groups:write", "im:write", "mpim:write"},
		Gate:        GateMembership,
		Destructive: true, Idempotent: true,
		Description: "Leave a channel or group DM as you. You stop receiving its messages; a private channel needs a new " +
			"invitation to return. #general cannot be left. Leaving a conversation you are not in is a success that changes nothing. " +
			"Off unless the operator enables it (SLACK_MCP_MEMBERSHIP_TOOL or --enabled-tools).",
		Params:  input[leaveInput](),
		Output:  mcp.WithOutputSchema[MembershipResult](),
		Handler: typed(handleLeave),
	}
}

// leaveInput is the input of conversations_leave.
type leaveInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD), #channel-name, or a group DM ID."`
}

func handleLeave(ctx context.Context, d *Deps, in *leaveInput) (*mcp.CallToolResult, error) {
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	// Slack answers ok:false with not_in_channel:true (and no error) when
	// you were not a member (docs.slack.dev conversations.leave).
	notIn, err := s.Client.LeaveConversationContext(ctx, channelID)
	if err != nil {
		return nil, membershipError(err)
	}
	out := MembershipResult{Channel: channelID, Changed: !notIn}
	if c, ok := s.Channels.Cached(channelID); ok && c.Name != "" && !c.IsIM {
		out.Name = "#" + c.Name
	}
	text := "left " + label(out)
	if notIn {
		text = "not a member of " + label(out) + "; nothing changed"
	}
	return mcp.NewToolResultStructured(out, text), nil
}

func label(r MembershipResult) string {
	if r.Name != "" {
		return r.Name + " (" + r.Channel + ")"
	}
	return r.Channel
}

// membershipError turns Slack's join/leave refusals into what the model
// can do about them; other errors keep the generic explanation.
func membershipError(err error) error {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return err
	}
	switch se.Err {
	case "method_not_supported_for_channel_type":
		return Inputf("this conversation cannot be joined or left with these tools: only public channels can be joined (a private channel needs an invitation) and a DM cannot be left")
	case "is_archived":
		return Inputf("the channel is archived: nobody can join or leave it until it is unarchived in Slack")
	case "cant_leave_general":
		return Inputf("#general, the workspace's default channel, cannot be left")
	case "last_member":
		return Inputf("you are the last member of this channel, and Slack does not let the last member leave")
	}
	return err
}
