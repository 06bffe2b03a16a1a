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

// Channel is one row of channels_list.
type Channel struct {
	ID          string `json:"id" csv:"ID"`
	Name        string `json:"name" csv:"Name" jsonschema:"#name, or @user for DMs"`
	Topic       string `json:"topic,omitempty" csv:"Topic"`
	Purpose     string `json:"purpose,omitempty" csv:"Purpose"`
	MemberCount int    `json:"member_count,omitempty" csv:"MemberCount"`
	Type        string `json:"type" csv:"Type" jsonschema:"public_channel, private_channel, im or mpim"`
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
		Toolset:  "channels",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"channels:read", "groups:read", "im:read", "mpim:read", "users:read"},
		Description: "List Slack conversations visible to you: public and private channels, DMs (im) and group DMs (mpim). " +
			"Returns CSV with ID, Name (#channel or @user for DMs), Topic, Purpose, MemberCount and Type; " +
			"pass next_cursor back as cursor for more. Use the ID or #name with conversations_history.",
		Params: []mcp.ToolOption{
			mcp.WithString("channel_types", mcp.Required(),
				mcp.Description("Comma-separated types: public_channel, private_channel, im, mpim. Example: public_channel,private_channel")),
			mcp.WithString("sort", mcp.Enum("popularity"),
				mcp.Description("popularity sorts by member count, largest first; default is by name.")),
			mcp.WithNumber("limit", mcp.DefaultNumber(channelsDefaultLimit), mcp.Min(0), mcp.Max(channelsMaxLimit),
				mcp.Description("Maximum rows (1-999, default 100).")),
			mcp.WithString("cursor", mcp.Description("next_cursor from a previous call.")),
			channelQueryParams[0], channelQueryParams[1],
		},
		Output:  mcp.WithOutputSchema[Page[Channel]](),
		Handler: handleChannelsList,
	}
}

func handleChannelsList(ctx context.Context, d *Deps, args Args) (*mcp.CallToolResult, error) {
	types, limit, err := typesAndLimit(args)
	if err != nil {
		return nil, err
	}
	query, err := parseChannelQuery(args)
	if err != nil {
		return nil, err
	}
	sortBy := params.String(args, "sort")
	if sortBy != "" && sortBy != "popularity" {
		return nil, Inputf("sort must be \"popularity\" or omitted, not %q", sortBy)
	}
	offset := 0
	if c := params.String(args, "cursor"); c != "" {
		payload, err := params.DecodeCursor(c, "channels")
		if err != nil {
			return nil, inputErr(err)
		}
		if offset, err = strconv.Atoi(payload); err != nil || offset < 0 {
			return nil, Inputf("cursor is malformed or from another tool; omit it to start from the beginning")
		}
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if err := recheck(ctx, d); err != nil {
		return nil, err
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
	var rows []Channel
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
		next = params.EncodeCursor("channels", strconv.Itoa(end))
	}
	res := pageResult(rows[offset:end], next)
	if !s.Channels.Ready() {
		res = withNote(res, warmingNote)
	}
	return res, nil
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

// countArg reads a numeric limit argument: absent or 0 means def, larger
// than max is capped, negative or non-numeric is an error.
func countArg(args Args, key string, def, max int) (int, error) {
	return countFrom(params.String(args, key), key, def, max)
}

func countFrom(raw, key string, def, max int) (int, error) {
	n, err := params.Count(raw, def, max, key)
	return n, inputErr(err)
}

// sessionAndChannel returns the caller's session and the channel ID named
// by the channel_id argument.
func sessionAndChannel(ctx context.Context, d *Deps, args Args) (*Session, string, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, "", err
	}
	id, err := resolveChannel(ctx, s, params.String(args, "channel_id"))
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
