package tools

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/workspace"
)

// Channel is one row of channels_list. The columns up to Cursor are the
// incumbent's, in its order; ours follow.
type Channel struct {
	ID          string `json:"id" csv:"ID"`
	Name        string `json:"name" csv:"Name" jsonschema:"#name, or @user for DMs"`
	Topic       string `json:"topic,omitempty" csv:"Topic"`
	Purpose     string `json:"purpose,omitempty" csv:"Purpose"`
	MemberCount int    `json:"member_count,omitempty" csv:"MemberCount"`
	// Cursor is filled on the last CSV row only (see pageResult).
	Cursor string `json:"-" csv:"Cursor"`
	Type   string `json:"type" csv:"Type" jsonschema:"public_channel, private_channel, im or mpim"`
	// Workspace is set when the listing covers several workspaces; the
	// column appears only then.
	Workspace string `json:"workspace,omitempty" csv:"Workspace,omitempty" jsonschema:"team ID of the row's workspace, when a listing covers several"`
}

// directoryWait bounds how long a listing waits for a directory that is
// still loading before answering with what it has.
const directoryWait = 3 * time.Second

const (
	channelsDefaultLimit = 100
	channelsMaxLimit     = 999
)

func channelsList() Tool {
	return Tool{
		Name:     "channels_list",
		Title:    "List channels",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"channels:read", "groups:read", "im:read", "mpim:read", "users:read"},
		Description: "List Slack conversations visible to you: public and private channels, DMs (im) and group DMs (mpim). " +
			"Returns CSV with ID, Name (#channel or @user for DMs), Topic, Purpose, MemberCount, Cursor and Type; " +
			"when there is more, the last row's Cursor (also next_cursor) goes back as cursor. Use the ID or #name with conversations_history.",
		Params:  input[channelsListInput](),
		Output:  mcp.WithOutputSchema[Page[Channel]](),
		Handler: typed(handleChannelsList),
	}
}

// channelsListInput is the input of channels_list; query and
// query_targets are 1.3.0's arguments.
type channelsListInput struct {
	Types        params.TextArgument  `json:"channel_types" jsonschema_description:"Comma-separated types: public_channel, private_channel, im, mpim. Example: public_channel,private_channel"`
	Sort         params.TextArgument  `json:"sort,omitempty" jsonschema:"enum=popularity" jsonschema_description:"popularity sorts by member count, largest first; default is by name."`
	Limit        params.CountArgument `json:"limit,omitempty" jsonschema:"Maximum rows" count:"100,999"`
	Cursor       string               `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call."`
	Query        params.TextArgument  `json:"query,omitempty" jsonschema_description:"Only channels whose fields (see query_targets) contain this text, case-insensitive. Example: marketing finds #marketing and #marketing-ops."`
	QueryTargets params.TextArgument  `json:"query_targets,omitempty" default:"name" jsonschema_description:"Comma-separated fields query matches: name, topic, purpose. Default name; name,topic,purpose searches all three."`
}

func handleChannelsList(ctx context.Context, d *Deps, in *channelsListInput) (*mcp.CallToolResult, error) {
	types, err := channelTypes(string(in.Types))
	if err != nil {
		return nil, err
	}
	limit := int(in.Limit)
	query, err := parseChannelQueryFrom(string(in.Query), string(in.QueryTargets))
	if err != nil {
		return nil, err
	}
	sortBy := string(in.Sort)
	if sortBy != "" && sortBy != "popularity" {
		return nil, Inputf("sort must be \"popularity\" or omitted, not %q", sortBy)
	}
	spaces, err := listingWorkspaces(ctx, d)
	if err != nil {
		return nil, err
	}
	// An offset only means something in the same filtered, sorted list,
	// over the same workspaces.
	scope := params.CursorScope{Tool: "channels_list", Filter: strings.Join(types, ",") + "|" + sortBy + "|" + query.key()}
	var rows []Channel
	var warming bool
	var skipped []string
	if spaces == nil {
		if rows, warming, err = channelRows(ctx, d, types, query); err != nil {
			return nil, err
		}
	} else {
		for _, ws := range spaces {
			got, warm, err := channelRows(ws.ctx, d, types, query)
			if err != nil {
				skipped = append(skipped, workspaceFailure(ws.label, err))
				continue
			}
			for i := range got {
				got[i].Workspace = ws.label
			}
			rows, warming = append(rows, got...), warming || warm
		}
		if len(skipped) == len(spaces) {
			return nil, Inputf("no workspace could be listed: %s", strings.Join(skipped, "; "))
		}
		scope.Filter += "|" + labelsOf(spaces)
	}
	offset, err := intCursor(in.Cursor, scope, 0)
	if err != nil {
		return nil, err
	}
	if sortBy == "popularity" {
		sort.SliceStable(rows, func(i, j int) bool {
			if rows[i].MemberCount != rows[j].MemberCount {
				return rows[i].MemberCount > rows[j].MemberCount
			}
			return rows[i].Name < rows[j].Name
		})
	} else {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	}
	if offset > len(rows) {
		offset = len(rows)
	}
	end := min(offset+limit, len(rows))
	next := ""
	if end < len(rows) {
		next = scope.Encode(strconv.Itoa(end))
	}
	res := pageResult(rows[offset:end], next)
	if warming {
		res = withNote(res, warmingNote)
	}
	if len(skipped) > 0 {
		res = withNote(res, skippedNote(skipped))
	}
	return res, nil
}

// channelRows are the conversations of the types wanted that the caller
// of ctx sees, matching query, unsorted; warming reports a channels
// directory still loading.
func channelRows(ctx context.Context, d *Deps, types []string, query channelQuery) (rows []Channel, warming bool, err error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := recheck(ctx, d); err != nil {
		return nil, false, err
	}
	if !s.Channels.Ready() {
		// Right after start the first sweep is usually moments away.
		wctx, cancel := context.WithTimeout(ctx, directoryWait)
		_ = s.Channels.WaitReady(wctx)
		cancel()
	}
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	for _, c := range s.Channels.All() {
		t := channelType(c)
		if !want[t] || c.IsArchived {
			continue
		}
		row := Channel{ID: c.ID, Name: channelLabel(s, c), Topic: c.Topic, Purpose: c.Purpose, MemberCount: c.MemberCount, Type: t}
		if query.match(row) {
			rows = append(rows, row)
		}
	}
	return rows, !s.Channels.Ready(), nil
}

func channelType(c workspace.Channel) string {
	switch {
	case c.IsIM:
		return "im"
	case c.IsMPIM:
		return "mpim"
	case c.IsPrivate:
		return "private_channel"
	default:
		return "public_channel"
	}
}

// sessionWithChannel returns the caller's session and the ID of the
// channel a channel argument names.
func sessionWithChannel(ctx context.Context, d *Deps, ch params.ChannelArgument) (*Session, string, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, "", err
	}
	id, err := resolveRef(ctx, s, ch.Ref)
	if err != nil {
		return nil, "", err
	}
	return s, id, nil
}

// resolveChannel turns a channel argument (ID, #name, @user or "@Real Name")
// into a channel ID, from the caches where possible.
func resolveChannel(ctx context.Context, s *Session, raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", Inputf("channel_id is required: a channel ID (C0123ABCD), #channel-name or @user for a DM")
	}
	ref, err := params.ParseChannelRef(raw)
	if err != nil {
		return "", inputErr(err)
	}
	return resolveRef(ctx, s, ref)
}

// resolveRef turns a parsed channel reference into a channel ID.
func resolveRef(ctx context.Context, s *Session, ref params.ChannelRef) (string, error) {
	switch ref.Kind {
	case params.RefName:
		c, err := s.Channels.Find(ctx, ref.Value)
		if errors.Is(err, workspace.ErrNotFound) {
			return "", Inputf("channel #%s was not found among the channels visible to you; call channels_list to see them", ref.Value)
		}
		if err != nil {
			return "", err
		}
		return c.ID, nil
	case params.RefUser:
		u, err := s.Users.Find(ctx, ref.Value)
		if errors.Is(err, workspace.ErrNotFound) {
			return "", Inputf("no user named @%s; call users_search to find the right name", ref.Value)
		}
		if err != nil {
			return "", err
		}
		c, err := s.Channels.DMWith(ctx, u.ID)
		if err != nil {
			return "", err
		}
		return c.ID, nil
	default:
		return ref.Value, nil
	}
}
