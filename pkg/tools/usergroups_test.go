package tools

import (
	"errors"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

func usergroupsWorkspace() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(testTeam)
	for _, u := range []slackemu.User{
		{ID: testMeID, Name: "alice", RealName: "Alice"},
		{ID: "U0BOB1", Name: "bob", RealName: "Bob"},
		{ID: "U0CAROL1", Name: "carol", RealName: "Carol"},
	} {
		ws.AddUser(u)
	}
	ws.AddChannel(slackemu.Channel{ID: "C0GENERAL1", Name: "general", Members: []string{testMeID, "U0BOB1"}})
	ws.AddUserGroup(slackemu.UserGroup{ID: "S0ONCALL1", Handle: "oncall", Name: "On-call", Description: "Pager holders", Users: []string{testMeID, "U0BOB1"}, Created: 1700000000})
	ws.AddUserGroup(slackemu.UserGroup{ID: "S0DESIGN1", Handle: "design", Name: "Design", Users: []string{"U0CAROL1"}})
	ws.AddUserGroup(slackemu.UserGroup{ID: "S0SOLO1", Handle: "solo", Name: "Solo", Users: []string{testMeID}})
	ws.AddUserGroup(slackemu.UserGroup{ID: "S0OLD1", Handle: "old", Name: "Old", Users: []string{testMeID}, Disabled: true})
	return ws
}

func userGroupsOf(t *testing.T, res *mcp.CallToolResult) []UserGroupRow {
	t.Helper()
	switch v := res.StructuredContent.(type) {
	case Page[UserGroupRow]:
		return v.Items
	case MyUsergroups:
		return v.Items
	}
	t.Fatalf("structuredContent is %T", res.StructuredContent)
	return nil
}

func userGroupIDs(rows []UserGroupRow) []string {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestUsergroupsList(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, usergroupsWorkspace(), testMeID)
	tests := []struct {
		name  string
		args  Args
		want  []string
		check func(t *testing.T, rows []UserGroupRow, text string)
	}{
		{name: "defaults", args: Args{}, want: []string{"S0ONCALL1", "S0DESIGN1", "S0SOLO1"},
			check: func(t *testing.T, rows []UserGroupRow, text string) {
				// The incumbent's columns first, in its order and names; ours after.
				require.True(t, strings.HasPrefix(text, "id,name,handle,description,user_count,is_external,date_create,date_update,users,disabled\n"), text)
				require.Contains(t, text, "S0ONCALL1,On-call,oncall,Pager holders,2,false,2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,,false\n")
				require.Contains(t, text, "S0DESIGN1,Design,design,,1,false,,,,false\n", "an unset date stays empty")
				require.Empty(t, rows[0].Users)
				require.Equal(t, 2, rows[0].UserCount)
			}},
		{name: "with users and disabled", args: Args{"include_users": true, "include_disabled": "yes"},
			want: []string{"S0ONCALL1", "S0DESIGN1", "S0SOLO1", "S0OLD1"},
			check: func(t *testing.T, rows []UserGroupRow, text string) {
				require.Equal(t, []string{testMeID, "U0BOB1"}, rows[0].Users)
				require.True(t, rows[3].Disabled)
				require.Contains(t, text, "S0ONCALL1,On-call,oncall,Pager holders,2,false,2023-11-14T22:13:20Z,2023-11-14T22:13:20Z,U0ME1 U0BOB1,false\n")
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := env.call(t, usergroupsList(), tc.args)
			require.NoError(t, err)
			rows := userGroupsOf(t, res)
			require.Equal(t, tc.want, userGroupIDs(rows))
			tc.check(t, rows, resultText(res))
		})
	}
}

func TestUsergroupsMe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		args        Args
		wantMembers map[string][]string // group -> members afterwards
		wantUpdates int
		wantText    string
		wantChanged bool
	}{
		{name: "list", args: Args{"action": "list"}, wantText: "S0ONCALL1,On-call,oncall", wantUpdates: 0},
		{name: "join", args: Args{"action": "join", "usergroup_id": "S0DESIGN1"}, wantUpdates: 1, wantChanged: true,
			wantMembers: map[string][]string{"S0DESIGN1": {"U0CAROL1", testMeID}}, wantText: "joined S0DESIGN1 (@design); it now has 2 members"},
		{name: "join when already a member", args: Args{"action": "JOIN", "usergroup_id": "S0ONCALL1"},
			wantMembers: map[string][]string{"S0ONCALL1": {testMeID, "U0BOB1"}}, wantText: "already a member"},
		{name: "leave keeps the others", args: Args{"action": "leave", "usergroup_id": " S0ONCALL1 "}, wantUpdates: 1, wantChanged: true,
			wantMembers: map[string][]string{"S0ONCALL1": {"U0BOB1"}}, wantText: "left S0ONCALL1"},
		{name: "leave when not a member", args: Args{"action": "leave", "usergroup_id": "S0DESIGN1"},
			wantMembers: map[string][]string{"S0DESIGN1": {"U0CAROL1"}}, wantText: "not a member"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, usergroupsWorkspace(), testMeID)
			res, err := env.call(t, usergroupsMe(), tc.args)
			require.NoError(t, err)
			require.Contains(t, resultText(res), tc.wantText)
			require.Equal(t, tc.wantUpdates, env.Srv.Calls("usergroups.users.update"))
			out, ok := res.StructuredContent.(MyUsergroups)
			require.True(t, ok)
			require.Equal(t, tc.wantChanged, out.Changed)
			for id, want := range tc.wantMembers {
				g, ok := env.WS.UserGroup(id)
				require.True(t, ok)
				require.ElementsMatch(t, want, g.Users)
			}
			if tc.args["action"] == "list" {
				require.Equal(t, []string{"S0ONCALL1", "S0SOLO1"}, userGroupIDs(out.Items), "disabled groups and others' groups are not listed")
			}
		})
	}
}

func TestUsergroupsMeLeaveLastMember(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, usergroupsWorkspace(), testMeID)
	_, err := env.call(t, usergroupsMe(), Args{"action": "leave", "usergroup_id": "S0SOLO1"})
	requireInputError(t, err, "only member")
	require.Zero(t, env.Srv.Calls("usergroups.users.update"))
	g, _ := env.WS.UserGroup("S0SOLO1")
	require.Equal(t, []string{testMeID}, g.Users)
}

func TestUsergroupsMeUnknownGroup(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, usergroupsWorkspace(), testMeID)
	_, err := env.call(t, usergroupsMe(), Args{"action": "join", "usergroup_id": "S0NOPE1"})
	require.Error(t, err)
	var ie *InputError
	require.False(t, errors.As(err, &ie), "Slack's error is returned as is")
	require.Equal(t, "no_such_subteam", slackapi.SlackErrorCode(err))
}

func TestUsergroupsCreateUpdate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, usergroupsWorkspace(), testMeID)
	res, err := env.call(t, usergroupsCreate(), Args{"name": "Platform", "handle": "@Platform", "description": "Infra folks", "channels": "#general"})
	require.NoError(t, err)
	row, ok := res.StructuredContent.(UserGroupRow)
	require.True(t, ok)
	require.Equal(t, "platform", row.Handle)
	g, ok := env.WS.UserGroup(row.ID)
	require.True(t, ok)
	require.Equal(t, "Platform", g.Name)
	require.Equal(t, "Infra folks", g.Description)

	res, err = env.call(t, usergroupsUpdate(), Args{"usergroup_id": row.ID, "name": "Platform Team", "description": ""})
	require.NoError(t, err)
	require.Contains(t, resultText(res), `"Platform Team"`)
	g, _ = env.WS.UserGroup(row.ID)
	require.Equal(t, "Platform Team", g.Name)
	require.Equal(t, "platform", g.Handle, "an omitted handle is kept")
	require.Empty(t, g.Description, "an empty description clears it")

	_, err = env.call(t, usergroupsCreate(), Args{"name": "Platform Team"})
	require.Equal(t, "name_already_exists", slackapi.SlackErrorCode(err))
}

func TestUsergroupsUsersUpdate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, usergroupsWorkspace(), testMeID)
	res, err := env.call(t, usergroupsUsersUpdate(), Args{"usergroup_id": "S0DESIGN1", "users": "U0BOB1, @carol ,U0BOB1"})
	require.NoError(t, err)
	require.Contains(t, resultText(res), "now has exactly 2 members")
	g, _ := env.WS.UserGroup("S0DESIGN1")
	require.ElementsMatch(t, []string{"U0BOB1", "U0CAROL1"}, g.Users)
	require.Equal(t, 1, env.Srv.Calls("usergroups.users.update"))
}

func TestUsergroupBadInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, usergroupsWorkspace(), testMeID)
	tests := []struct {
		name string
		tool Tool
		args Args
		want string
	}{
		{"list include_users", usergroupsList(), Args{"include_users": "sometimes"}, "include_users"},
		{"list include_count", usergroupsList(), Args{"include_count": 2}, "include_count"},
		{"list include_disabled", usergroupsList(), Args{"include_disabled": "?"}, "include_disabled"},
		{"me no action", usergroupsMe(), Args{}, "action is required"},
		{"me bad action", usergroupsMe(), Args{"action": "delete"}, "action must be"},
		{"me join without group", usergroupsMe(), Args{"action": "join"}, "usergroup_id is required"},
		{"me leave bad group", usergroupsMe(), Args{"action": "leave", "usergroup_id": "@oncall"}, "not a user group ID"},
		{"me join channel ID", usergroupsMe(), Args{"action": "join", "usergroup_id": "C0GENERAL1"}, "not a user group ID"},
		{"create no name", usergroupsCreate(), Args{"handle": "x"}, "name is required"},
		{"create blank name", usergroupsCreate(), Args{"name": "   "}, "name is required"},
		{"create bad handle", usergroupsCreate(), Args{"name": "X", "handle": "on call!"}, "handle"},
		{"create DM as channel", usergroupsCreate(), Args{"name": "X", "channels": "@bob"}, "not a DM"},
		{"create bad channel", usergroupsCreate(), Args{"name": "X", "channels": "#has space"}, "channels"},
		{"create unknown channel", usergroupsCreate(), Args{"name": "X", "channels": "#nowhere"}, "channels:"},
		{"update no group", usergroupsUpdate(), Args{"name": "X"}, "usergroup_id is required"},
		{"update bad group", usergroupsUpdate(), Args{"usergroup_id": "oncall", "name": "X"}, "not a user group ID"},
		{"update nothing", usergroupsUpdate(), Args{"usergroup_id": "S0ONCALL1"}, "nothing to update"},
		{"update empty name", usergroupsUpdate(), Args{"usergroup_id": "S0ONCALL1", "name": ""}, "name cannot be empty"},
		{"update empty handle", usergroupsUpdate(), Args{"usergroup_id": "S0ONCALL1", "handle": "@"}, "handle cannot be empty"},
		{"update bad handle", usergroupsUpdate(), Args{"usergroup_id": "S0ONCALL1", "handle": "a<b"}, "handle"},
		{"update DM as channel", usergroupsUpdate(), Args{"usergroup_id": "S0ONCALL1", "channels": "@bob"}, "not a DM"},
		{"users_update no group", usergroupsUsersUpdate(), Args{"users": "U0BOB1"}, "usergroup_id is required"},
		{"users_update bad group", usergroupsUsersUpdate(), Args{"usergroup_id": "X1", "users": "U0BOB1"}, "not a user group ID"},
		{"users_update no users", usergroupsUsersUpdate(), Args{"usergroup_id": "S0ONCALL1"}, "users is required"},
		{"users_update only commas", usergroupsUsersUpdate(), Args{"usergroup_id": "S0ONCALL1", "users": " , ,"}, "users is required"},
		{"users_update bare @", usergroupsUsersUpdate(), Args{"usergroup_id": "S0ONCALL1", "users": "U0BOB1,@"}, "after '@'"},
		{"users_update mention syntax", usergroupsUsersUpdate(), Args{"usergroup_id": "S0ONCALL1", "users": "<@U0BOB1>"}, "not a user ID"},
		{"users_update unknown name", usergroupsUsersUpdate(), Args{"usergroup_id": "S0ONCALL1", "users": "@nobody"}, "no user named @nobody"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.call(t, tc.tool, tc.args)
			requireInputError(t, err, tc.want)
		})
	}
	for _, m := range []string{"usergroups.users.update", "usergroups.create", "usergroups.update"} {
		require.Zero(t, env.Srv.Calls(m), "bad input must not write (%s)", m)
	}
}

func TestUsergroupDeclarations(t *testing.T) {
	t.Parallel()
	for _, tool := range []Tool{usergroupsMe(), usergroupsCreate(), usergroupsUpdate(), usergroupsUsersUpdate()} {
		require.False(t, tool.ReadOnly, tool.Name)
		require.Equal(t, GateUsergroupsWrite, tool.Gate, tool.Name)
		require.Contains(t, tool.Scopes, "usergroups:write", tool.Name)
	}
	require.True(t, usergroupsUsersUpdate().Destructive)
	require.True(t, usergroupsList().ReadOnly)
	require.Equal(t, GateNone, usergroupsList().Gate)
	require.Equal(t, GateAttachment, attachmentGetData().Gate)
	require.True(t, conversationsUnreads().ReadOnly)
}
