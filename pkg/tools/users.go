package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// User is one row of users_search.
type User struct {
	UserID      string `json:"user_id" csv:"UserID"`
	UserName    string `json:"user_name" csv:"UserName"`
	RealName    string `json:"real_name,omitempty" csv:"RealName"`
	DisplayName string `json:"display_name,omitempty" csv:"DisplayName"`
	Email       string `json:"email,omitempty" csv:"Email"`
	Title       string `json:"title,omitempty" csv:"Title"`
	DMChannelID string `json:"dm_channel_id,omitempty" csv:"DMChannelID" jsonschema:"ID of your DM with this person, when one exists"`
	IsBot       bool   `json:"is_bot,omitempty" csv:"IsBot"`
	Deleted     bool   `json:"deleted,omitempty" csv:"Deleted"`
}

func usersSearch() Tool {
	return Tool{
		Name:     "users_search",
		Title:    "Find people",
		Toolset:  "users",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"users:read", "users:read.email", "im:read"},
		Description: "Find people by user name, display name, real name or email (case-insensitive, partial match). " +
			"Returns CSV with UserID, UserName, RealName, DisplayName, Email, Title and DMChannelID. " +
			"Use @UserName with conversations_history to read your DM with them.",
		Params:  input[usersSearchInput](),
		Output:  mcp.WithOutputSchema[Page[User]](),
		Handler: typed(handleUsersSearch),
	}
}

// usersSearchInput is the input of users_search.
type usersSearchInput struct {
	Query params.TextArgument  `json:"query" jsonschema:"Name, handle or email (or part of it)."`
	Limit params.CountArgument `json:"limit,omitempty" jsonschema:"Maximum rows" count:"10,100"`
}

func handleUsersSearch(ctx context.Context, d *Deps, in *usersSearchInput) (*mcp.CallToolResult, error) {
	query := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(in.Query)), "@"))
	if query == "" {
		return nil, Inputf("query is required: a name, handle or email to look for")
	}
	limit := int(in.Limit)
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if err := recheck(ctx, d); err != nil {
		return nil, err
	}
	if err := s.Users.Err(); err != nil {
		return nil, err // missing_scope: the message names users:read
	}
	if params.IsUserID(query) {
		// A user ID is an exact lookup (1.3.0 does the same), not a
		// substring of names.
		found, err := oneOrNone(s.Users.Get(ctx, query))
		if err != nil {
			return nil, err
		}
		return usersResult(s, found), nil
	}
	if !s.Users.Ready() {
		wctx, cancel := context.WithTimeout(ctx, directoryWait)
		_ = s.Users.WaitReady(wctx)
		cancel()
	}
	found := s.Users.Search(query, limit)
	if len(found) == 0 {
		// A cold or partial directory must not mean "nobody": ask Slack.
		if found, err = oneOrNone(s.Users.Find(ctx, query)); err != nil {
			return nil, err
		}
	}
	res := usersResult(s, found)
	if !s.Users.Ready() {
		res = withNote(res, warmingNote)
	}
	return res, nil
}

// oneOrNone turns a single lookup into a result list: not found is empty.
func oneOrNone(u workspace.User, err error) ([]workspace.User, error) {
	switch {
	case err == nil:
		return []workspace.User{u}, nil
	case errors.Is(err, workspace.ErrNotFound):
		return nil, nil
	}
	return nil, err
}

// usersResult renders users_search rows, with the DM channel when known.
func usersResult(s *Session, found []workspace.User) *mcp.CallToolResult {
	dms := map[string]string{}
	for _, c := range s.Channels.All() {
		if c.IsIM {
			dms[c.PeerUserID] = c.ID
		}
	}
	rows := make([]User, 0, len(found))
	for _, u := range found {
		rows = append(rows, User{
			UserID: u.ID, UserName: u.Name, RealName: u.RealName, DisplayName: u.DisplayName,
			Email: u.Email, Title: u.Title, DMChannelID: dms[u.ID], IsBot: u.IsBot, Deleted: u.Deleted,
		})
	}
	return pageResult(rows, "")
}
