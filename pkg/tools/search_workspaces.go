package tools

import (
	"context"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// conversations_search_messages over every workspace of the connection
// (merge.go): rows marked with their workspace, context rows added per
// workspace and put back around their match.

func searchEvery(ctx context.Context, d *Deps, in *searchInput, spaces []inWorkspace, sortBy string) (*mcp.CallToolResult, error) {
	limit := int(in.Limit)
	// The same arguments over the same workspaces; names in filters are
	// resolved in each workspace, so the raw arguments key the cursor.
	scope := params.CursorScope{Tool: "conversations_search_messages", Filter: strings.Join([]string{
		string(in.Query), string(in.InChannel), string(in.InIM), string(in.UsersWith), string(in.UsersFrom),
		string(in.DateBefore), string(in.DateAfter), string(in.DateOn), string(in.DateDuring),
		strconv.FormatBool(bool(in.Threads)), sortBy, strconv.FormatBool(bool(in.OnlyMine)), strconv.Itoa(limit),
		labelsOf(spaces),
	}, "|")}
	var newer func(Message) float64
	if sortBy != "score" {
		newer = func(m Message) float64 { f, _ := strconv.ParseFloat(m.MsgID, 64); return f }
	}
	m, err := startMerge(in.Cursor, scope, spaces, limit, newer, func(ws inWorkspace, page int) (*Session, []Message, bool, error) {
		s, full, err := prepareSearch(ws.ctx, d, in)
		if err != nil {
			return nil, nil, false, err
		}
		rows, more, err := searchPage(ws.ctx, s, full, sortBy, limit, page)
		return s, rows, more, err
	})
	if err != nil {
		return nil, err
	}
	var hits []Message
	var from []*mergeStream[Message]
	for len(hits) < limit {
		row, st, ok := m.next()
		if !ok {
			break
		}
		if in.OnlyMine && len(onlyMine(st.s, []Message{row})) == 0 {
			continue
		}
		row.Workspace = st.ws.label
		hits, from = append(hits, row), append(from, st)
	}
	var note string
	if in.Context > 0 {
		hits, note = contextEvery(d, m.streams, hits, from, int(in.Context))
	}
	out := pageResult(hits, m.cursor(scope))
	if note != "" {
		withNote(out, note)
	}
	if len(m.skipped) > 0 {
		withNote(out, skippedNote(m.skipped))
	}
	return out, nil
}

// labelsOf keys a cursor to the workspaces it covers.
func labelsOf(spaces []inWorkspace) string {
	labels := make([]string, len(spaces))
	for i, ws := range spaces {
		labels[i] = ws.label
	}
	return strings.Join(labels, ",")
}

// contextEvery adds context rows to merged hits: each workspace's hits
// get theirs from that workspace (withContext), then every match goes
// back to its place in the merged order with its context around it.
func contextEvery(d *Deps, streams []*mergeStream[Message], hits []Message, from []*mergeStream[Message], n int) ([]Message, string) {
	groups := map[*mergeStream[Message]]map[string][]Message{}
	var notes []string
	for _, st := range streams {
		var mine []Message
		for i, h := range hits {
			if from[i] == st {
				mine = append(mine, h)
			}
		}
		if len(mine) == 0 {
			continue
		}
		withCtx, note := withContext(st.ws.ctx, d, st.s, mine, n)
		if note != "" {
			notes = append(notes, st.ws.label+": "+note)
		}
		g := map[string][]Message{}
		for _, r := range withCtx {
			key := r.ContextOf
			if key == "" {
				key = r.MsgID
			}
			r.Workspace = st.ws.label
			g[key] = append(g[key], r)
		}
		groups[st] = g
	}
	out := make([]Message, 0, len(hits)*(2*n+1))
	for i, h := range hits {
		g := groups[from[i]]
		if rows, ok := g[h.MsgID]; ok {
			out = append(out, rows...)
			delete(g, h.MsgID)
		}
	}
	return out, strings.Join(notes, " ")
}
