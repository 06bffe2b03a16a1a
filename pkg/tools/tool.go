package tools

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// Gate names the setting that turns a tool on. Read tools have GateNone and
// are on by default; everything that changes Slack (or reads raw files) is
// off until its gate is enabled.
type Gate string

// The gates, named after the environment settings that open them.
const (
	GateNone            Gate = ""
	GateAddMessage      Gate = "SLACK_MCP_ADD_MESSAGE_TOOL"
	GateEditMessage     Gate = "SLACK_MCP_EDIT_MESSAGE_TOOL"
	GateDeleteMessage   Gate = "SLACK_MCP_DELETE_MESSAGE_TOOL"
	GateReactions       Gate = "SLACK_MCP_REACTION_TOOL"
	GateAttachment      Gate = "SLACK_MCP_ATTACHMENT_TOOL"
	GateMark            Gate = "SLACK_MCP_MARK_TOOL"
	GateUsergroupsWrite Gate = "SLACK_MCP_USERGROUPS_WRITE_TOOL"
	// GateMembership opens conversations_join and conversations_leave
	// (1.3.0 had no setting: there they were on when named in
	// --enabled-tools, which works here too).
	GateMembership Gate = "SLACK_MCP_MEMBERSHIP_TOOL"
	// GateSchedule opens scheduling and deleting scheduled messages.
	GateSchedule Gate = "SLACK_MCP_SCHEDULE_TOOL"
	// GateConversationsWrite opens conversations_open, conversations_create
	// and conversations_invite.
	GateConversationsWrite Gate = "SLACK_MCP_CONVERSATIONS_WRITE_TOOL"
	GateStatus             Gate = "SLACK_MCP_STATUS_TOOL"
	GateFileUpload         Gate = "SLACK_MCP_FILE_UPLOAD_TOOL"
	GateCanvas             Gate = "SLACK_MCP_CANVAS_TOOL"
)

// Tool is the single declaration of one MCP tool: everything registration,
// filtering, scope derivation, docs and tests need.
type Tool struct {
	Name        string
	Title       string
	Description string
	Toolset     string
	ReadOnly    bool
	Destructive bool
	Idempotent  bool
	// Scopes are the Slack user-token scopes the tool needs.
	Scopes []string
	Gate   Gate
	// Params declare the input schema.
	Params []mcp.ToolOption
	// Output sets the output schema (mcp.WithOutputSchema[T]()); nil for
	// tools whose result is not structured (files, images).
	Output  mcp.ToolOption
	Handler Handler
}

// Handler runs one tool call. Returning an *InputError or a Slack error
// becomes an isError result the model can act on; any other error is a bug
// or an outage and is logged with a request ID.
type Handler func(ctx context.Context, d *Deps, args Args) (*mcp.CallToolResult, error)

// Args are the tool call arguments.
type Args map[string]any

// Session is the Slack connection of the caller: a ready client plus the
// directories of the caller's workspace. Handlers never learn how it was
// obtained (env token, OAuth, demo).
type Session struct {
	Client   *slackapi.Client
	Users    *workspace.Users
	Channels *workspace.Channels
}

// Provider returns the Session for the current request.
type Provider interface {
	Session(ctx context.Context) (*Session, error)
}

// Deps is what every handler may use.
type Deps struct {
	Provider Provider
	Policy   Policy
	Logger   zerolog.Logger
	Now      func() time.Time
	// Confirm asks the person before a write; nil never asks.
	Confirm *confirm.Asker
	// Workspace returns a workspace's admin policy, which narrows Policy
	// (OAuth mode); nil: none.
	Workspace WorkspaceRulesFunc

	// emoji caches each workspace's custom emoji for the reaction tools.
	emoji emojiCache
	// profileFields caches each workspace's custom profile field labels.
	profileFields profileFieldCache
}

// Slack returns the caller's Slack session.
func (d *Deps) Slack(ctx context.Context) (*Session, error) {
	return d.Provider.Session(ctx)
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// MCPTool builds the mcp-go tool definition from the declaration.
func (t Tool) MCPTool() mcp.Tool {
	opts := []mcp.ToolOption{
		mcp.WithDescription(t.Description),
		mcp.WithToolAnnotation(mcp.ToolAnnotation{
			Title:           t.Title,
			ReadOnlyHint:    mcp.ToBoolPtr(t.ReadOnly),
			DestructiveHint: mcp.ToBoolPtr(t.Destructive),
			IdempotentHint:  mcp.ToBoolPtr(t.Idempotent),
			OpenWorldHint:   mcp.ToBoolPtr(true),
		}),
	}
	opts = append(opts, t.Params...)
	if t.Output != nil {
		opts = append(opts, t.Output)
	}
	return mcp.NewTool(t.Name, opts...)
}
