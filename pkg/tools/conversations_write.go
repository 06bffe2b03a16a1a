package tools

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// Slack's limits: a group DM holds at most 8 people besides you
// (conversations.open's too_many_users), channel names at most 80
// characters of a-z, 0-9, - and _ (conversations.create's naming rules),
// and one invite call names at most 1000 people; we take 100 so a
// confirmation question stays readable.
const (
	openMaxPeople     = 8
	channelNameMaxLen = 80
	topicMaxLen       = 250
	inviteMaxPeople   = 100
)

// OpenedConversation is the result of conversations_open.
type OpenedConversation struct {
	Channel      string   `json:"channel"`
	AlreadyOpen  bool     `json:"already_open,omitempty" jsonschema:"the conversation existed before"`
	Participants []string `json:"participants" jsonschema:"user IDs of the others in it"`
}

// CreatedChannel is the result of conversations_create and
// conversations_invite.
type CreatedChannel struct {
	Channel   string   `json:"channel"`
	Name      string   `json:"name"`
	IsPrivate bool     `json:"is_private,omitempty"`
	Invited   []string `json:"invited,omitempty" jsonschema:"user IDs added"`
}

type openInput struct {
	Users params.TextArgument `json:"users" jsonschema:"1 to 8 people, comma-separated: user IDs, @names or emails. One opens a DM, several a group DM."`
}

type createInput struct {
	Name      params.TextArgument `json:"name" jsonschema:"Channel name: lowercase letters, digits, - and _, at most 80 characters."`
	Topic     params.TextArgument `json:"topic,omitempty" jsonschema:"Topic to set (at most 250 characters)."`
	Purpose   params.TextArgument `json:"purpose,omitempty" jsonschema:"Purpose (description) to set (at most 250 characters)."`
	IsPrivate params.BoolArgument `json:"is_private,omitempty" default:"false" jsonschema:"Create a private channel (default public)."`
}

type inviteInput struct {
	Channel params.ChannelArgument `json:"channel_id" jsonschema:"Channel ID (C0123ABCD) or #channel-name."`
	Users   params.TextArgument    `json:"users" jsonschema:"People to add, comma-separated: user IDs, @names or emails (at most 100)."`
}

func conversationsOpen() Tool {
	return Tool{
		Name:       "conversations_open",
		Title:      "Open a DM or group DM",
		Toolset:    "conversations",
		Scopes:     []string{"im:write", "mpim:write"},
		Gate:       GateConversationsWrite,
		Idempotent: true,
		Description: "Open (or find) your DM with one person or a group DM with up to 8, and return its channel ID for " +
			"conversations_add_message. Off unless the operator enables it (SLACK_MCP_CONVERSATIONS_WRITE_TOOL).",
		Params:  input[openInput](),
		Output:  mcp.WithOutputSchema[OpenedConversation](),
		Handler: typed(handleOpen),
	}
}

func conversationsCreate() Tool {
	return Tool{
		Name:    "conversations_create",
		Title:   "Create a channel",
		Toolset: "conversations",
		Scopes:  []string{"channels:write", "groups:write"},
		Gate:    GateConversationsWrite,
		Description: "Create a public or private channel with you as its only member; add people with conversations_invite. " +
			"Off unless the operator enables it (SLACK_MCP_CONVERSATIONS_WRITE_TOOL).",
		Params:  input[createInput](),
		Output:  mcp.WithOutputSchema[CreatedChannel](),
		Handler: typed(handleCreate),
	}
}

func conversationsInvite() Tool {
	return Tool{
		Name:        "conversations_invite",
		Title:       "Add people to a channel",
		Toolset:     "conversations",
		Scopes:      []string{"channels:write", "groups:write"},
		Gate:        GateConversationsWrite,
		Description: "Add people to a channel you are in. Off unless the operator enables it (SLACK_MCP_CONVERSATIONS_WRITE_TOOL).",
		Params:      input[inviteInput](),
		Output:      mcp.WithOutputSchema[CreatedChannel](),
		Handler:     typed(handleInvite),
	}
}

func handleOpen(ctx context.Context, d *Deps, in *openInput) (*mcp.CallToolResult, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if n := strings.Count(strings.Trim(string(in.Users), ", "), ",") + 1; n > openMaxPeople+1 {
		return nil, Inputf("users names %d people; a group DM holds at most %d besides you", n, openMaxPeople)
	}
	ids, err := resolvePeople(ctx, s, string(in.Users), "users", openMaxPeople+1)
	if err != nil {
		return nil, err
	}
	others := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != s.Client.Identity.UserID {
			others = append(others, id)
		}
	}
	switch {
	case len(others) == 0:
		return nil, Inputf("users names only you; name the people to talk to")
	case len(others) > openMaxPeople:
		return nil, Inputf("users names %d people besides you; a group DM holds at most %d", len(others), openMaxPeople)
	}
	ch, _, already, err := s.Client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: others, ReturnIM: true})
	if err != nil {
		return nil, err
	}
	if s.Channels != nil {
		s.Channels.Learn(ch)
	}
	out := OpenedConversation{Channel: ch.ID, AlreadyOpen: already, Participants: others}
	what := "opened"
	if already {
		what = "found"
	}
	return mcp.NewToolResultStructured(out, fmt.Sprintf("%s %s with %s", what, ch.ID, strings.Join(others, ", "))), nil
}

// checkChannelName applies Slack's naming rules before any call.
func checkChannelName(name string) error {
	switch {
	case name == "":
		return Inputf("name is required: lowercase letters, digits, - and _")
	case utf8.RuneCountInString(name) > channelNameMaxLen:
		return Inputf("name is %d characters; Slack allows at most %d", utf8.RuneCountInString(name), channelNameMaxLen)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			hint := ""
			if lower := strings.ToLower(name); lower != name && checkChannelName(lower) == nil {
				hint = fmt.Sprintf(" (try %q)", lower)
			}
			return Inputf("name %q has %q; channel names hold only lowercase letters, digits, - and _%s", clip(name, 80), r, hint)
		}
	}
	return nil
}

func handleCreate(ctx context.Context, d *Deps, in *createInput) (*mcp.CallToolResult, error) {
	name := strings.TrimPrefix(strings.TrimSpace(string(in.Name)), "#")
	if err := checkChannelName(name); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name  string
		value params.TextArgument
	}{{"topic", in.Topic}, {"purpose", in.Purpose}} {
		if n := utf8.RuneCountInString(string(f.value)); n > topicMaxLen {
			return nil, Inputf("%s is %d characters; Slack allows at most %d", f.name, n, topicMaxLen)
		}
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	kind := "public"
	if in.IsPrivate {
		kind = "private"
	}
	if err := confirmWrite(ctx, d, s, "Create the "+kind+" channel #"+name, "", ""); err != nil {
		return nil, err
	}
	ch, err := s.Client.CreateConversationContext(ctx, slack.CreateConversationParams{
		ChannelName: name, IsPrivate: bool(in.IsPrivate), TeamID: s.Client.TeamParam(),
	})
	if err != nil {
		return nil, err
	}
	if s.Channels != nil {
		s.Channels.Learn(ch)
	}
	out := CreatedChannel{Channel: ch.ID, Name: ch.Name, IsPrivate: bool(in.IsPrivate)}
	text := "created " + kind + " channel #" + ch.Name + " (" + ch.ID + ")"
	// The channel exists now: a topic or purpose Slack refuses is told,
	// not turned into an error the model would retry (creating twice).
	if in.Topic != "" {
		if _, err := s.Client.SetTopicOfConversationContext(ctx, ch.ID, string(in.Topic)); err != nil {
			text += "\nnote: the topic was not set: " + explain(err)
		}
	}
	if in.Purpose != "" {
		if _, err := s.Client.SetPurposeOfConversationContext(ctx, ch.ID, string(in.Purpose)); err != nil {
			text += "\nnote: the purpose was not set: " + explain(err)
		}
	}
	return mcp.NewToolResultStructured(out, text), nil
}

func handleInvite(ctx context.Context, d *Deps, in *inviteInput) (*mcp.CallToolResult, error) {
	if strings.TrimSpace(string(in.Users)) == "" {
		return nil, Inputf("users is required: user IDs, @names or emails, separated by commas")
	}
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	ids, err := resolvePeople(ctx, s, string(in.Users), "users", inviteMaxPeople)
	if err != nil {
		return nil, err
	}
	who := make([]string, len(ids))
	for i, id := range ids {
		who[i] = id
		if s.Users != nil {
			if u, ok := s.Users.Cached(id); ok {
				who[i] = "@" + userHandle(u)
			}
		}
	}
	if err := confirmWrite(ctx, d, s, "Add "+strings.Join(who, ", ")+" to", channelID, ""); err != nil {
		return nil, err
	}
	ch, err := s.Client.InviteUsersToConversationContext(ctx, channelID, ids...)
	if err != nil {
		return nil, err
	}
	out := CreatedChannel{Channel: channelID, Name: ch.Name, IsPrivate: ch.IsPrivate, Invited: ids}
	return mcp.NewToolResultStructured(out, "added "+strings.Join(who, ", ")+" to "+channelID), nil
}

// explain is what the model is told of a Slack error inside a result that
// otherwise succeeded.
func explain(err error) string {
	if msg, ok := slackapi.Explain(err); ok {
		return msg
	}
	return "Slack did not answer; set it later in Slack"
}
