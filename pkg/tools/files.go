package tools

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// fileTypes are the values files.list's types argument takes.
var fileTypes = map[string]bool{"all": true, "spaces": true, "snippets": true, "images": true, "gdocs": true, "zips": true, "pdfs": true}

// FileRow is one row of files_list and files_search.
type FileRow struct {
	FileID    string `json:"file_id" csv:"FileID" jsonschema:"pass to attachment_get_data to read it"`
	Name      string `json:"name" csv:"Name"`
	Title     string `json:"title,omitempty" csv:"Title"`
	Filetype  string `json:"filetype,omitempty" csv:"Filetype"`
	Size      int    `json:"size" csv:"Size" jsonschema:"bytes"`
	User      string `json:"user,omitempty" csv:"User"`
	UserName  string `json:"user_name,omitempty" csv:"UserName"`
	Created   string `json:"created" csv:"Created" jsonschema:"RFC 3339, UTC"`
	Channels  string `json:"channels,omitempty" csv:"Channels" jsonschema:"where it is shared: #names or IDs, space-separated"`
	Permalink string `json:"permalink,omitempty" csv:"Permalink"`
	Cursor    string `json:"-" csv:"Cursor,omitempty"`
	// Workspace is set when files_search covers several workspaces; the
	// column appears only then.
	Workspace string `json:"workspace,omitempty" csv:"Workspace,omitempty" jsonschema:"team ID of the row's workspace, when a listing covers several"`
}

type filesListInput struct {
	Channel params.ChannelArgument `json:"channel_id,omitempty" jsonschema:"Only files shared in this conversation (ID, #channel-name or @user)."`
	User    params.TextArgument    `json:"user,omitempty" jsonschema:"Only files this person shared: user ID, @name or email."`
	Types   params.TextArgument    `json:"types,omitempty" jsonschema:"Comma-separated: images, pdfs, snippets, spaces, gdocs, zips, all (default)."`
	From    params.TextArgument    `json:"from,omitempty" jsonschema:"Only files created on or after this date (YYYY-MM-DD, \"yesterday\", \"Jan 15\")."`
	To      params.TextArgument    `json:"to,omitempty" jsonschema:"Only files created on or before this date."`
	Limit   params.CountArgument   `json:"limit,omitempty" count:"20,100" jsonschema:"Files per page"`
	Cursor  string                 `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
}

type filesSearchInput struct {
	Query  params.TextArgument  `json:"query" jsonschema:"Words in the file's name, title or text, with Slack's modifiers (in:#channel, from:@user, after:2025-01-31)."`
	Limit  params.CountArgument `json:"limit,omitempty" count:"20,100" jsonschema:"Files per page"`
	Cursor string               `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
}

func filesList() Tool {
	return Tool{
		Name:     "files_list",
		Title:    "List files",
		Toolset:  "files",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"files:read"},
		Description: "List files shared in Slack, newest first, by conversation, person, type and date. Returns CSV: FileID, Name, Title, " +
			"Filetype, Size, User, UserName, Created, Channels, Permalink; attachment_get_data reads one.",
		Params:  input[filesListInput](),
		Output:  mcp.WithOutputSchema[Page[FileRow]](),
		Handler: typed(handleFilesList),
	}
}

func filesSearch() Tool {
	return Tool{
		Name:     "files_search",
		Title:    "Search files",
		Toolset:  "files",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"search:read"},
		Description: "Search files by name, title and content with Slack's search (user tokens only), newest first. " +
			"Returns the same CSV as files_list.",
		Params:  input[filesSearchInput](),
		Output:  mcp.WithOutputSchema[Page[FileRow]](),
		Handler: typed(handleFilesSearch),
	}
}

func handleFilesList(ctx context.Context, d *Deps, in *filesListInput) (*mcp.CallToolResult, error) {
	var types []string
	for _, t := range strings.Split(strings.ToLower(string(in.Types)), ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !fileTypes[t] {
			return nil, Inputf("types: %q is not one of all, images, pdfs, snippets, spaces, gdocs, zips", clip(t, 30))
		}
		types = append(types, t)
	}
	now := d.now()
	var from, to time.Time
	var err error
	if in.From != "" {
		if from, err = params.ParseDate(string(in.From), now); err != nil {
			return nil, Inputf("from: %v", err)
		}
	}
	if in.To != "" {
		if to, err = params.ParseDate(string(in.To), now); err != nil {
			return nil, Inputf("to: %v", err)
		}
		to = to.Add(24*time.Hour - time.Second) // the whole day
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return nil, Inputf("to (%s) is before from (%s)", in.To, in.From)
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	p := slack.GetFilesParameters{Types: strings.Join(types, ","), Count: int(in.Limit), TeamID: s.Client.TeamParam()}
	if in.Channel.Given {
		if p.Channel, err = resolveRef(ctx, s, in.Channel.Ref); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(string(in.User)) != "" {
		if p.User, err = resolvePerson(ctx, s, string(in.User), "user"); err != nil {
			return nil, err
		}
	}
	if !from.IsZero() {
		p.TimestampFrom = slack.JSONTime(from.Unix())
	}
	if !to.IsZero() {
		p.TimestampTo = slack.JSONTime(to.Unix())
	}
	scope := params.CursorScope{Tool: "files_list", Channel: p.Channel,
		Filter: fmt.Sprintf("%s|%s|%d|%d|%d", p.User, p.Types, p.TimestampFrom, p.TimestampTo, p.Count)}
	if p.Page, err = intCursor(in.Cursor, scope, 1); err != nil {
		return nil, err
	}
	files, paging, err := s.Client.GetFilesContext(ctx, p)
	if err != nil {
		return nil, err
	}
	next := ""
	if paging != nil && paging.Pages > p.Page {
		next = scope.Encode(strconv.Itoa(p.Page + 1))
	}
	return pageResult(fileRows(ctx, s, files), next), nil
}

func handleFilesSearch(ctx context.Context, d *Deps, in *filesSearchInput) (*mcp.CallToolResult, error) {
	query := strings.TrimSpace(string(in.Query))
	if query == "" {
		return nil, Inputf("query is required: words in the file's name, title or text")
	}
	limit := int(in.Limit)
	spaces, err := listingWorkspaces(ctx, d)
	if err != nil {
		return nil, err
	}
	scope := params.CursorScope{Tool: "files_search", Filter: query + "|" + strconv.Itoa(limit)}
	read := func(ctx context.Context, page int) (*Session, []FileRow, bool, error) {
		s, err := d.Slack(ctx)
		if err != nil {
			return nil, nil, false, err
		}
		res, err := s.Client.SearchFilesContext(ctx, query, slack.SearchParameters{
			Sort: "timestamp", SortDirection: "desc", Count: limit, Page: page, TeamID: s.Client.TeamParam(),
		})
		if err != nil {
			return nil, nil, false, err
		}
		return s, fileRows(ctx, s, res.Matches), res.Paging.Pages > page, nil
	}
	if spaces != nil {
		scope.Filter += "|" + labelsOf(spaces)
		created := func(f FileRow) float64 {
			t, _ := time.Parse(time.RFC3339, f.Created)
			return float64(t.Unix())
		}
		m, err := startMerge(in.Cursor, scope, spaces, limit, created, func(ws inWorkspace, page int) (*Session, []FileRow, bool, error) {
			return read(ws.ctx, page)
		})
		if err != nil {
			return nil, err
		}
		var rows []FileRow
		for len(rows) < limit {
			row, st, ok := m.next()
			if !ok {
				break
			}
			row.Workspace = st.ws.label
			rows = append(rows, row)
		}
		out := pageResult(rows, m.cursor(scope))
		if len(m.skipped) > 0 {
			withNote(out, skippedNote(m.skipped))
		}
		return out, nil
	}
	page, err := intCursor(in.Cursor, scope, 1)
	if err != nil {
		return nil, err
	}
	_, rows, more, err := read(ctx, page)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = scope.Encode(strconv.Itoa(page + 1))
	}
	return pageResult(rows, next), nil
}

// fileRows renders files with their sharer's name and where they are
// shared, from the caches.
func fileRows(ctx context.Context, s *Session, files []slack.File) []FileRow {
	r := &renderer{s: s}
	rows := make([]FileRow, 0, len(files))
	for _, f := range files {
		row := FileRow{FileID: f.ID, Name: f.Name, Title: f.Title, Filetype: f.Filetype, Size: f.Size, User: f.User,
			Created: time.Unix(int64(f.Created), 0).UTC().Format(time.RFC3339), Permalink: f.Permalink}
		if s.Users != nil && f.User != "" {
			if u, err := s.Users.Get(ctx, f.User); err == nil {
				row.UserName = userHandle(u)
			}
		}
		var where []string
		for _, id := range append(append(append([]string{}, f.Channels...), f.Groups...), f.IMs...) {
			if label := r.channelLabel(id); label != "" {
				where = append(where, label)
			} else {
				where = append(where, id)
			}
		}
		row.Channels = strings.Join(where, " ")
		rows = append(rows, row)
	}
	return rows
}
