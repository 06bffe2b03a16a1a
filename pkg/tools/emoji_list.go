package tools

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// EmojiRow is one row of emoji_list.
type EmojiRow struct {
	Name   string `json:"name" csv:"Name"`
	Kind   string `json:"kind" csv:"Kind" jsonschema:"custom, alias (of another emoji) or standard"`
	Value  string `json:"value,omitempty" csv:"Value" jsonschema:"the image URL (custom), the emoji it stands for (alias) or the character (standard)"`
	Cursor string `json:"-" csv:"Cursor"`
}

// emojiListInput is the input of emoji_list.
type emojiListInput struct {
	Query           params.TextArgument  `json:"query,omitempty" jsonschema:"Only emoji whose name contains this (case-insensitive), e.g. party."`
	IncludeStandard params.BoolArgument  `json:"include_standard,omitempty" default:"false" jsonschema:"Also list the standard emoji every workspace has; default false (the workspace's custom emoji only)."`
	Limit           params.CountArgument `json:"limit,omitempty" count:"100,1000" jsonschema:"Emoji per page"`
	Cursor          string               `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
}

func emojiList() Tool {
	return Tool{
		Name:     "emoji_list",
		Title:    "List emoji",
		Toolset:  "reactions",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"emoji:read"},
		Description: "List the workspace's custom emoji (and, with include_standard, the standard ones), sorted by name, " +
			"optionally only those whose name contains query. Returns CSV: Name, Kind, Value. The names are what reactions_add takes.",
		Params:  input[emojiListInput](),
		Output:  mcp.WithOutputSchema[Page[EmojiRow]](),
		Handler: typed(handleEmojiList),
	}
}

func handleEmojiList(ctx context.Context, d *Deps, in *emojiListInput) (*mcp.CallToolResult, error) {
	query := strings.ToLower(strings.Trim(strings.TrimSpace(string(in.Query)), ":"))
	limit := int(in.Limit)
	scope := params.CursorScope{Tool: "emoji_list", Filter: query + "|" + strconv.FormatBool(bool(in.IncludeStandard)) + "|" + strconv.Itoa(limit)}
	offset, err := intCursor(in.Cursor, scope, 0)
	if err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	custom, err := d.emoji.custom(ctx, s, d.now())
	if err != nil {
		return nil, err
	}
	var rows []EmojiRow
	for name, value := range custom {
		if !strings.Contains(name, query) {
			continue
		}
		row := EmojiRow{Name: name, Kind: "custom", Value: value}
		if target, ok := strings.CutPrefix(value, "alias:"); ok {
			row.Kind, row.Value = "alias", target
		}
		rows = append(rows, row)
	}
	if in.IncludeStandard {
		for _, e := range params.StandardEmojiList() {
			if _, shadowed := custom[e.Name]; !shadowed && strings.Contains(e.Name, query) {
				rows = append(rows, EmojiRow{Name: e.Name, Kind: "standard", Value: e.Char})
			}
		}
	}
	slices.SortFunc(rows, func(a, b EmojiRow) int { return strings.Compare(a.Name, b.Name) })
	total := len(rows)
	rows = rows[min(offset, total):min(offset+limit, total)]
	next := ""
	if offset+limit < total {
		next = scope.Encode(strconv.Itoa(offset + limit))
	}
	res := pageResult(rows, next)
	if total == 0 {
		what := "custom emoji"
		if in.IncludeStandard {
			what = "emoji"
		}
		if query != "" {
			res = withNote(res, "no "+what+" name contains "+strconv.Quote(query))
		} else {
			res = withNote(res, "this workspace has no custom emoji; include_standard=true lists the standard ones")
		}
	}
	return res, nil
}
