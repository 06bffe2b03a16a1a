package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// UserGroupRow is one user group (subteam, e.g. @oncall). The columns up
// to date_update are the incumbent's, in its order and lower_snake names;
// ours follow in the same style.
type UserGroupRow struct {
	ID          string   `json:"id" csv:"id"`
	Name        string   `json:"name" csv:"name"`
	Handle      string   `json:"handle" csv:"handle" jsonschema:"the @mention handle, without @"`
	Description string   `json:"description,omitempty" csv:"description"`
	UserCount   int      `json:"user_count" csv:"user_count"`
	IsExternal  bool     `json:"is_external,omitempty" csv:"is_external" jsonschema:"Slack's is_external flag, as reported"`
	DateCreate  string   `json:"date_create,omitempty" csv:"date_create" jsonschema:"RFC 3339, UTC"`
	DateUpdate  string   `json:"date_update,omitempty" csv:"date_update" jsonschema:"RFC 3339, UTC"`
	Users       []string `json:"users,omitempty" csv:"users" jsonschema:"member user IDs (only when asked for)"`
	Disabled    bool     `json:"disabled,omitempty" csv:"disabled"`
}

func userGroupRow(g slack.UserGroup, withUsers bool) UserGroupRow {
	r := UserGroupRow{
		ID: g.ID, Name: g.Name, Handle: g.Handle, Description: g.Description,
		UserCount: g.UserCount, IsExternal: g.IsExternal,
		DateCreate: unixTime(int64(g.DateCreate)), DateUpdate: unixTime(int64(g.DateUpdate)),
		Disabled: g.DateDelete != 0,
	}
	if r.UserCount == 0 {
		r.UserCount = len(g.Users)
	}
	if withUsers {
		r.Users = g.Users
	}
	return r
}

// unixTime formats Slack's Unix seconds as RFC 3339 UTC, like the Time of
// messages; 0 (not set) stays empty.
func unixTime(sec int64) string {
	if sec <= 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func usergroupsList() Tool {
	return Tool{
		Name:     "usergroups_list",
		Title:    "List user groups",
		Toolset:  "usergroups",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"usergroups:read"},
		Description: "List the workspace's user groups (mention groups such as @oncall). Returns CSV with id, name, handle, " +
			"description, user_count, is_external, date_create, date_update, users (member IDs, with include_users) and disabled. Use the ID with usergroups_me " +
			"to join or leave a group.",
		Params:  input[usergroupsListInput](),
		Output:  mcp.WithOutputSchema[Page[UserGroupRow]](),
		Handler: typed(handleUsergroupsList),
	}
}

// usergroupsListInput is the input of usergroups_list.
type usergroupsListInput struct {
	Users    params.BoolArgument `json:"include_users,omitempty" jsonschema:"Include member user IDs (default false)." default:"false"`
	Count    params.BoolArgument `json:"include_count,omitempty" jsonschema:"Include member counts (default true)." default:"true"`
	Disabled params.BoolArgument `json:"include_disabled,omitempty" jsonschema:"Include disabled groups (default false)." default:"false"`
}

func handleUsergroupsList(ctx context.Context, d *Deps, in *usergroupsListInput) (*mcp.CallToolResult, error) {
	users, count, disabled := bool(in.Users), bool(in.Count), bool(in.Disabled)
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	groups, err := listUserGroups(ctx, s, users, count, disabled)
	if err != nil {
		return nil, err
	}
	rows := make([]UserGroupRow, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, userGroupRow(g, users))
	}
	return pageResult(rows, ""), nil
}

func listUserGroups(ctx context.Context, s *Session, users, count, disabled bool) ([]slack.UserGroup, error) {
	opts := []slack.GetUserGroupsOption{
		slack.GetUserGroupsOptionIncludeUsers(users),
		slack.GetUserGroupsOptionIncludeCount(count),
		slack.GetUserGroupsOptionIncludeDisabled(disabled),
	}
	if t := s.Client.TeamParam(); t != "" {
		opts = append(opts, slack.GetUserGroupsOptionTeamID(t))
	}
	return s.Client.GetUserGroupsContext(ctx, opts...)
}

// MyUsergroups is the result of usergroups_me.
type MyUsergroups struct {
	Action  string         `json:"action" jsonschema:"list, join or leave"`
	Changed bool           `json:"changed" jsonschema:"whether join/leave changed the membership"`
	Items   []UserGroupRow `json:"items" jsonschema:"list: your groups; join/leave: the group after the change (empty when nothing changed)"`
}

func usergroupsMe() Tool {
	return Tool{
		Name:        "usergroups_me",
		Title:       "My user groups",
		Toolset:     "usergroups",
		Destructive: true, Idempotent: true,
		Scopes: []string{"usergroups:read", "usergroups:write"},
		Gate:   GateUsergroupsWrite,
		Description: "Your own user group membership. action=list shows the groups you belong to (CSV like usergroups_list); " +
			"action=join adds you to usergroup_id, action=leave removes you, leaving the other members untouched. " +
			"Off unless the operator enables user group changes (SLACK_MCP_USERGROUPS_WRITE_TOOL).",
		Params:  input[usergroupsMeInput](),
		Output:  mcp.WithOutputSchema[MyUsergroups](),
		Handler: typed(handleUsergroupsMe),
	}
}

// usergroupsMeInput is the input of usergroups_me.
type usergroupsMeInput struct {
	Action params.TextArgument `json:"action" jsonschema:"enum=list,enum=join,enum=leave" jsonschema_description:"list, join or leave."`
	Group  params.TextArgument `json:"usergroup_id,omitempty" jsonschema:"User group ID (S0123ABCD) for join and leave; from usergroups_list."`
}

func handleUsergroupsMe(ctx context.Context, d *Deps, in *usergroupsMeInput) (*mcp.CallToolResult, error) {
	action := strings.ToLower(strings.TrimSpace(string(in.Action)))
	switch action {
	case "list", "join", "leave":
	case "":
		return nil, Inputf("action is required: list, join or leave")
	default:
		return nil, Inputf("action must be list, join or leave, not %q", clip(action, 40))
	}
	groupID := ""
	if action != "list" {
		var err error
		if groupID, err = parseUsergroupID(string(in.Group), action); err != nil {
			return nil, err
		}
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	me := s.Client.Identity.UserID
	if me == "" {
		return nil, errors.New("usergroups_me: the session has no user ID")
	}
	if action == "list" {
		groups, err := listUserGroups(ctx, s, true, true, false)
		if err != nil {
			return nil, err
		}
		rows := []UserGroupRow{}
		for _, g := range groups {
			if contains(g.Users, me) {
				rows = append(rows, userGroupRow(g, false))
			}
		}
		return mcp.NewToolResultStructured(MyUsergroups{Action: action, Items: rows}, csvText(rows)), nil
	}
	return changeMyMembership(ctx, s, action, groupID, me)
}

// changeMyMembership adds or removes the caller. Slack only has "replace
// the member list", so this reads the list and writes it back with the
// caller added or removed; a concurrent change by someone else between the
// two calls can be lost.
func changeMyMembership(ctx context.Context, s *Session, action, groupID, me string) (*mcp.CallToolResult, error) {
	var listOpts []slack.GetUserGroupMembersOption
	var updOpts []slack.UpdateUserGroupMembersOption
	if t := s.Client.TeamParam(); t != "" {
		listOpts = append(listOpts, slack.GetUserGroupMembersOptionTeamID(t))
		updOpts = append(updOpts, slack.UpdateUserGroupMembersOptionTeamID(t))
	}
	members, err := s.Client.GetUserGroupMembersContext(ctx, groupID, listOpts...)
	if err != nil {
		return nil, err
	}
	member := contains(members, me)
	var next []string
	switch {
	case action == "join" && member:
		return mcp.NewToolResultStructured(MyUsergroups{Action: action, Items: []UserGroupRow{}},
			"you are already a member of "+groupID+"; nothing changed"), nil
	case action == "leave" && !member:
		return mcp.NewToolResultStructured(MyUsergroups{Action: action, Items: []UserGroupRow{}},
			"you are not a member of "+groupID+"; nothing changed"), nil
	case action == "join":
		next = append(append(next, members...), me)
	default:
		for _, u := range members {
			if u != me {
				next = append(next, u)
			}
		}
		if len(next) == 0 {
			return nil, Inputf("you are the only member of %s and Slack cannot leave a user group empty; ask a workspace admin to disable the group instead", groupID)
		}
	}
	updOpts = append(updOpts, slack.UpdateUserGroupMembersOptionIncludeCount(true))
	g, err := s.Client.UpdateUserGroupMembersContext(ctx, groupID, strings.Join(next, ","), updOpts...)
	if err != nil {
		return nil, err
	}
	row := userGroupRow(g, false)
	if row.ID == "" {
		row.ID = groupID
	}
	verb := "joined"
	if action == "leave" {
		verb = "left"
	}
	text := fmt.Sprintf("%s %s (@%s); it now has %d members", verb, row.ID, row.Handle, row.UserCount)
	return mcp.NewToolResultStructured(MyUsergroups{Action: action, Changed: true, Items: []UserGroupRow{row}}, text), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseUsergroupID validates a user group ID (S followed by capitals and
// digits); what names the action or tool for the error message.
func parseUsergroupID(raw, what string) (string, error) {
	id := strings.TrimSpace(raw)
	if id == "" {
		return "", Inputf("usergroup_id is required for %s: a user group ID such as S0123ABCD; call usergroups_list to find it", what)
	}
	if !params.IsUsergroupID(id) {
		return "", Inputf("usergroup_id %q is not a user group ID; expected S followed by capital letters and digits, e.g. S0123ABCD (usergroups_list shows them)", clip(id, 40))
	}
	return id, nil
}

// parseHandle validates a mention handle, dropping a leading '@'.
func parseHandle(raw string) (string, error) {
	h := strings.TrimPrefix(strings.TrimSpace(raw), "@")
	if h == "" {
		return "", nil
	}
	if len(h) > 80 {
		return "", Inputf("handle is too long (%d characters)", len(h))
	}
	for _, r := range h {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' ||
			r >= 'A' && r <= 'Z' || r > 127
		if !ok {
			return "", Inputf("handle %q may contain only letters, digits, '-', '_' and '.', e.g. oncall-team", clip(h, 40))
		}
	}
	return strings.ToLower(h), nil
}

// parseGroupChannels resolves a comma-separated list of channel IDs or
// #names into IDs.
func parseGroupChannels(ctx context.Context, s *Session, raw string) ([]string, error) {
	ids := []string{}
	seen := map[string]bool{}
	for _, item := range strings.Split(raw, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		id, err := resolveChannel(ctx, s, item)
		if err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return nil, Inputf("channels: %s", ie.Msg)
			}
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// checkGroupChannels validates the channels argument before any Slack call:
// IDs or #names, no @users.
func checkGroupChannels(raw string) error {
	for _, item := range strings.Split(raw, ",") {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		ref, err := params.ParseChannelRef(item)
		if err != nil {
			return Inputf("channels: %s", err.Error())
		}
		if ref.Kind == params.RefUser {
			return Inputf("channels takes channel IDs or #names, not a DM (%q)", clip(item, 40))
		}
	}
	return nil
}

func usergroupsCreate() Tool {
	return Tool{
		Name:    "usergroups_create",
		Title:   "Create a user group",
		Toolset: "usergroups",
		Scopes:  []string{"usergroups:write"},
		Gate:    GateUsergroupsWrite,
		Description: "Create a user group (a mention group such as @oncall). It starts without members: add them with " +
			"usergroups_users_update, or join yourself with usergroups_me. Off unless the operator enables user group " +
			"changes (SLACK_MCP_USERGROUPS_WRITE_TOOL).",
		Params:  input[usergroupsCreateInput](),
		Output:  mcp.WithOutputSchema[UserGroupRow](),
		Handler: typed(handleUsergroupsCreate),
	}
}

// usergroupsCreateInput is the input of usergroups_create.
type usergroupsCreateInput struct {
	Name        params.TextArgument `json:"name" jsonschema:"Display name, e.g. On-call engineers."`
	Handle      params.TextArgument `json:"handle,omitempty" jsonschema:"Mention handle without @, e.g. oncall; Slack derives one from the name when omitted."`
	Description params.TextArgument `json:"description,omitempty" jsonschema:"What the group is for."`
	Channels    params.TextArgument `json:"channels,omitempty" jsonschema:"Comma-separated default channels (IDs or #names) members are invited to join."`
}

func handleUsergroupsCreate(ctx context.Context, d *Deps, in *usergroupsCreateInput) (*mcp.CallToolResult, error) {
	name := strings.TrimSpace(string(in.Name))
	if name == "" {
		return nil, Inputf("name is required: the display name of the new user group")
	}
	if len(name) > 255 {
		return nil, Inputf("name is too long (%d characters)", len(name))
	}
	handle, err := parseHandle(string(in.Handle))
	if err != nil {
		return nil, err
	}
	rawChannels := string(in.Channels)
	if err := checkGroupChannels(rawChannels); err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	channels, err := parseGroupChannels(ctx, s, rawChannels)
	if err != nil {
		return nil, err
	}
	if err := confirmWrite(ctx, d, s, "Create the user group @"+handle+" ("+name+")", "", ""); err != nil {
		return nil, err
	}
	g, err := s.Client.CreateUserGroupContext(ctx, slack.UserGroup{
		Name: name, Handle: handle, Description: strings.TrimSpace(string(in.Description)),
		TeamID: s.Client.TeamParam(), Prefs: slack.UserGroupPrefs{Channels: channels},
	}, slack.CreateUserGroupOptionIncludeCount(true))
	if err != nil {
		return nil, err
	}
	row := userGroupRow(g, false)
	return mcp.NewToolResultStructured(row, fmt.Sprintf("created user group %s (@%s) %q; it has no members yet", row.ID, row.Handle, row.Name)), nil
}

func usergroupsUpdate() Tool {
	return Tool{
		Name:        "usergroups_update",
		Title:       "Update a user group",
		Toolset:     "usergroups",
		Destructive: true, Idempotent: true,
		Scopes: []string{"usergroups:write"},
		Gate:   GateUsergroupsWrite,
		Description: "Change a user group's name, handle, description or default channels (members: usergroups_users_update). " +
			"Give at least one field; an empty description or channels clears it. Off unless the operator enables user " +
			"group changes (SLACK_MCP_USERGROUPS_WRITE_TOOL).",
		Params:  input[usergroupsUpdateInput](),
		Output:  mcp.WithOutputSchema[UserGroupRow](),
		Handler: typed(handleUsergroupsUpdate),
	}
}

// usergroupsUpdateInput is the input of usergroups_update: an absent field
// is left alone, an empty description or channels list clears it.
type usergroupsUpdateInput struct {
	Group       params.TextArgument `json:"usergroup_id" jsonschema:"User group ID (S0123ABCD), from usergroups_list."`
	Name        params.OptionalText `json:"name,omitempty" jsonschema:"New display name."`
	Handle      params.OptionalText `json:"handle,omitempty" jsonschema:"New mention handle without @; changes how people mention the group."`
	Description params.OptionalText `json:"description,omitempty" jsonschema:"New description; an empty string clears it."`
	Channels    params.OptionalText `json:"channels,omitempty" jsonschema_description:"Comma-separated default channels (IDs or #names), replacing the current ones; empty clears them."`
}

func handleUsergroupsUpdate(ctx context.Context, d *Deps, in *usergroupsUpdateInput) (*mcp.CallToolResult, error) {
	groupID, err := parseUsergroupID(string(in.Group), "usergroups_update")
	if err != nil {
		return nil, err
	}
	var opts []slack.UpdateUserGroupsOption
	if in.Name.Given {
		name := strings.TrimSpace(in.Name.Value)
		if name == "" {
			return nil, Inputf("name cannot be empty; omit it to keep the current name")
		}
		opts = append(opts, slack.UpdateUserGroupsOptionName(name))
	}
	if in.Handle.Given {
		handle, err := parseHandle(in.Handle.Value)
		if err != nil {
			return nil, err
		}
		if handle == "" {
			return nil, Inputf("handle cannot be empty; omit it to keep the current handle")
		}
		opts = append(opts, slack.UpdateUserGroupsOptionHandle(handle))
	}
	if in.Description.Given {
		desc := strings.TrimSpace(in.Description.Value)
		opts = append(opts, slack.UpdateUserGroupsOptionDescription(&desc))
	}
	rawChannels, setChannels := in.Channels.Value, in.Channels.Given
	if setChannels {
		if err := checkGroupChannels(rawChannels); err != nil {
			return nil, err
		}
	}
	if len(opts) == 0 && !setChannels {
		return nil, Inputf("nothing to update: give at least one of name, handle, description, channels")
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if setChannels {
		channels, err := parseGroupChannels(ctx, s, rawChannels)
		if err != nil {
			return nil, err
		}
		opts = append(opts, slack.UpdateUserGroupsOptionChannels(channels))
	}
	if t := s.Client.TeamParam(); t != "" {
		opts = append(opts, slack.UpdateUserGroupsOptionTeamID(t))
	}
	opts = append(opts, slack.UpdateUserGroupsOptionIncludeCount(true))
	if err := confirmWrite(ctx, d, s, "Change the name, handle, description or channels of user group "+groupID, "", ""); err != nil {
		return nil, err
	}
	g, err := s.Client.UpdateUserGroupContext(ctx, groupID, opts...)
	if err != nil {
		return nil, err
	}
	row := userGroupRow(g, false)
	return mcp.NewToolResultStructured(row, fmt.Sprintf("updated user group %s (@%s) %q", row.ID, row.Handle, row.Name)), nil
}

func usergroupsUsersUpdate() Tool {
	return Tool{
		Name:        "usergroups_users_update",
		Title:       "Replace user group members",
		Toolset:     "usergroups",
		Destructive: true, Idempotent: true,
		Scopes: []string{"usergroups:write"},
		Gate:   GateUsergroupsWrite,
		Description: "Replace ALL members of a user group with the given users: anyone not listed is removed. To add or " +
			"remove only yourself use usergroups_me; to add someone, first read the members with usergroups_list " +
			"include_users=true. Off unless the operator enables user group changes (SLACK_MCP_USERGROUPS_WRITE_TOOL).",
		Params:  input[usergroupsUsersUpdateInput](),
		Output:  mcp.WithOutputSchema[UserGroupRow](),
		Handler: typed(handleUsergroupsUsersUpdate),
	}
}

// usergroupsUsersUpdateInput is the input of usergroups_users_update.
type usergroupsUsersUpdateInput struct {
	Group params.TextArgument `json:"usergroup_id" jsonschema:"User group ID (S0123ABCD), from usergroups_list."`
	Users params.TextArgument `json:"users" jsonschema_description:"Comma-separated complete member list: user IDs (U0123ABCD) or @names, e.g. U0123ABCD,@jane."`
}

func handleUsergroupsUsersUpdate(ctx context.Context, d *Deps, in *usergroupsUsersUpdateInput) (*mcp.CallToolResult, error) {
	groupID, err := parseUsergroupID(string(in.Group), "usergroups_users_update")
	if err != nil {
		return nil, err
	}
	var refs []string
	for _, item := range strings.Split(string(in.Users), ",") {
		if item = strings.TrimSpace(item); item != "" {
			refs = append(refs, item)
		}
	}
	if len(refs) == 0 {
		return nil, Inputf("users is required: the complete member list as user IDs or @names; Slack cannot empty a user group (an admin can disable it instead)")
	}
	for _, r := range refs {
		if strings.TrimPrefix(r, "@") == "" {
			return nil, Inputf("users: %q needs a name or ID after '@'", r)
		}
		if strings.ContainsAny(r, "<>") {
			return nil, Inputf("users: %q is not a user ID or @name", clip(r, 40))
		}
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(refs))
	seen := map[string]bool{}
	for _, r := range refs {
		id, err := resolvePerson(ctx, s, r, "users")
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	opts := []slack.UpdateUserGroupMembersOption{slack.UpdateUserGroupMembersOptionIncludeCount(true)}
	if t := s.Client.TeamParam(); t != "" {
		opts = append(opts, slack.UpdateUserGroupMembersOptionTeamID(t))
	}
	if err := confirmWrite(ctx, d, s, fmt.Sprintf("Replace the members of user group %s with %d people", groupID, len(ids)), "", ""); err != nil {
		return nil, err
	}
	g, err := s.Client.UpdateUserGroupMembersContext(ctx, groupID, strings.Join(ids, ","), opts...)
	if err != nil {
		return nil, err
	}
	row := userGroupRow(g, false)
	if row.ID == "" {
		row.ID = groupID
	}
	if row.UserCount == 0 {
		row.UserCount = len(ids)
	}
	return mcp.NewToolResultStructured(row, fmt.Sprintf("user group %s (@%s) now has exactly %d members: %s",
		row.ID, row.Handle, len(ids), strings.Join(ids, ", "))), nil
}
