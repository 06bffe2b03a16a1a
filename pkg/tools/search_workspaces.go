package tools

import (
	"context"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// A search over every workspace of the connection (no workspace named,
// several reached): one search.messages page per workspace per call,
// merged in the order asked for (newest first, or each workspace's best
// matches in turn), every row marked with its workspace. The cursor keeps
// each workspace's place (Slack page and matches already shown), so
// nothing is skipped or shown twice. A match is shown only while every
// workspace with more to give has rows buffered to compare it with, so a
// page can be short; the next one goes on from there.

// searchStream is one workspace's part of a merged search.
type searchStream struct {
	ws   inWorkspace
	s    *Session
	full string
	page int // Slack page being read, from 1
	skip int // matches of that page already shown
	buf  []Message
	more bool // Slack has pages after page
	done bool // nothing left (or left out with a note)
}

// streamDone marks an exhausted workspace in the cursor.
const streamDone = "x"

// maxSearchSkip bounds a cursor's matches shown of one page (Slack pages
// hold at most 100).
const maxSearchSkip = 100

func searchEvery(ctx context.Context, d *Deps, in *searchInput, spaces []inWorkspace, sortBy string) (*mcp.CallToolResult, error) {
	limit := int(in.Limit)
	labels := make([]string, len(spaces))
	for i, ws := range spaces {
		labels[i] = ws.label
	}
	// The same arguments over the same workspaces; names in filters are
	// resolved in each workspace, so the raw arguments key the cursor.
	scope := params.CursorScope{Tool: "conversations_search_messages", Filter: strings.Join([]string{
		string(in.Query), string(in.InChannel), string(in.InIM), string(in.UsersWith), string(in.UsersFrom),
		string(in.DateBefore), string(in.DateAfter), string(in.DateOn), string(in.DateDuring),
		strconv.FormatBool(bool(in.Threads)), sortBy, strconv.FormatBool(bool(in.OnlyMine)), strconv.Itoa(limit),
		strings.Join(labels, ","),
	}, "|")}
	streams, err := streamsAt(in.Cursor, scope, spaces)
	if err != nil {
		return nil, err
	}
	var skipped []string
	live := 0
	for _, st := range streams {
		if st.done {
			continue
		}
		if err := st.fill(ctx, d, in, sortBy, limit); err != nil {
			skipped = append(skipped, workspaceFailure(st.ws.label, err))
			st.done = true
			continue
		}
		live++
	}
	if live == 0 && len(skipped) > 0 {
		return nil, Inputf("no workspace could be searched: %s", strings.Join(skipped, "; "))
	}

	var hits []Message
	var from []*searchStream
	for len(hits) < limit {
		best := pickNext(streams, sortBy, limit)
		if best == nil {
			break
		}
		row := best.buf[0]
		best.buf, best.skip = best.buf[1:], best.skip+1
		if in.OnlyMine && len(onlyMine(best.s, []Message{row})) == 0 {
			continue
		}
		row.Workspace = best.ws.label
		hits, from = append(hits, row), append(from, best)
	}
	var note string
	if in.Context > 0 {
		hits, note = contextEvery(ctx, d, streams, hits, from, int(in.Context))
	}
	next := ""
	if state, more := cursorState(streams); more {
		next = scope.Encode(state)
	}
	out := pageResult(hits, next)
	if note != "" {
		withNote(out, note)
	}
	if len(skipped) > 0 {
		withNote(out, skippedNote(skipped))
	}
	return out, nil
}

// streamsAt restores each workspace's place from cursor ("" starts all
// at page 1): "page.skip" or "x" per workspace, comma-separated.
func streamsAt(cursor string, scope params.CursorScope, spaces []inWorkspace) ([]*searchStream, error) {
	streams := make([]*searchStream, len(spaces))
	for i, ws := range spaces {
		streams[i] = &searchStream{ws: ws, page: 1}
	}
	if cursor == "" {
		return streams, nil
	}
	state, err := cursorPayload(cursor, scope)
	if err != nil {
		return nil, err
	}
	malformed := Inputf("cursor is malformed: pass next_cursor from the previous %s result exactly as given, or omit cursor to start from the beginning", scope.Tool)
	parts := strings.Split(state, ",")
	if len(parts) != len(spaces) {
		return nil, malformed
	}
	for i, p := range parts {
		if p == streamDone {
			streams[i].done = true
			continue
		}
		pg, sk, ok := strings.Cut(p, ".")
		page, err1 := strconv.Atoi(pg)
		skip, err2 := strconv.Atoi(sk)
		if !ok || err1 != nil || err2 != nil || page < 1 || skip < 0 || skip > maxSearchSkip {
			return nil, malformed
		}
		streams[i].page, streams[i].skip = page, skip
	}
	return streams, nil
}

// fill reads the stream's current page, less what was shown already.
func (st *searchStream) fill(ctx context.Context, d *Deps, in *searchInput, sortBy string, limit int) error {
	s, full, err := prepareSearch(st.ws.ctx, d, in)
	if err != nil {
		return err
	}
	rows, more, err := searchPage(st.ws.ctx, s, full, sortBy, limit, st.page)
	if err != nil {
		return err
	}
	st.s, st.full, st.more = s, full, more
	if st.skip < len(rows) {
		st.buf = rows[st.skip:]
	}
	if len(st.buf) == 0 && !more {
		st.done = true
	}
	return nil
}

// pickNext is the stream whose next match comes first, or nil when none
// may be shown yet: every stream is empty, or one has run out of buffered
// rows but not of pages (its next page could hold an earlier match).
func pickNext(streams []*searchStream, sortBy string, limit int) *searchStream {
	var best *searchStream
	for _, st := range streams {
		if st.done || st.s == nil {
			continue
		}
		if len(st.buf) == 0 {
			if st.more {
				return nil
			}
			continue
		}
		if best == nil || before(st, best, sortBy, limit) {
			best = st
		}
	}
	return best
}

// before orders two streams' next matches: newest first, or by rank in
// their own workspace (each workspace's best in turn); ties keep the
// workspaces' order.
func before(a, b *searchStream, sortBy string, limit int) bool {
	if sortBy == "score" {
		return (a.page-1)*limit+a.skip < (b.page-1)*limit+b.skip
	}
	ta, _ := strconv.ParseFloat(a.buf[0].MsgID, 64)
	tb, _ := strconv.ParseFloat(b.buf[0].MsgID, 64)
	return ta > tb
}

// cursorState is where each workspace goes on from, and whether any has
// more.
func cursorState(streams []*searchStream) (string, bool) {
	parts := make([]string, len(streams))
	more := false
	for i, st := range streams {
		switch {
		case st.done, len(st.buf) == 0 && !st.more:
			parts[i] = streamDone
		case len(st.buf) == 0:
			parts[i] = strconv.Itoa(st.page+1) + ".0"
			more = true
		default:
			parts[i] = strconv.Itoa(st.page) + "." + strconv.Itoa(st.skip)
			more = true
		}
	}
	return strings.Join(parts, ","), more
}

// contextEvery adds context rows to merged hits: each workspace's hits
// get theirs from that workspace (withContext), then every match goes
// back to its place in the merged order with its context around it.
func contextEvery(ctx context.Context, d *Deps, streams []*searchStream, hits []Message, from []*searchStream, n int) ([]Message, string) {
	groups := map[*searchStream]map[string][]Message{}
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
