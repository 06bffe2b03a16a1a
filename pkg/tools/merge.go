package tools

import (
	"strconv"
	"strings"
	"sync"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// Searches over every workspace of a connection (no workspace named,
// several reached): one Slack page per workspace per call, merged in the
// order asked for (newest first, or each workspace's best matches in
// turn). The cursor keeps each workspace's place (Slack page and matches
// already shown), so nothing is skipped or shown twice. A match is shown
// only while every workspace with more to give has rows buffered to
// compare it with, so a page can be short; the next one goes on from
// there.

// mergeStream is one workspace's part of a merged search.
type mergeStream[T any] struct {
	ws   inWorkspace
	s    *Session // set once its page was read
	page int      // Slack page being read, from 1
	skip int      // matches of that page already shown
	buf  []T
	more bool // Slack has pages after page
	done bool // nothing left (or left out with a note)
}

// pageFunc reads one Slack page of a search in ws: rows in Slack's
// order, and whether more pages follow.
type pageFunc[T any] func(ws inWorkspace, page int) (*Session, []T, bool, error)

// mergedSearch is a search merged over workspaces.
type mergedSearch[T any] struct {
	streams []*mergeStream[T]
	limit   int
	// newer is the row's time, newest first; nil orders by rank.
	newer   func(T) float64
	skipped []string // workspaces left out, with why
}

// streamDone marks an exhausted workspace in the cursor.
const streamDone = "x"

// maxSearchSkip bounds a cursor's matches shown of one page (Slack pages
// hold at most 100).
const maxSearchSkip = 100

// startMerge restores each workspace's place from cursor ("" starts all
// at page 1: "page.skip" or "x" per workspace, comma-separated) and reads
// each one's page. It fails only when every workspace failed.
func startMerge[T any](cursor string, scope params.CursorScope, spaces []inWorkspace, limit int, newer func(T) float64, read pageFunc[T]) (*mergedSearch[T], error) {
	m := &mergedSearch[T]{limit: limit, newer: newer}
	for _, ws := range spaces {
		m.streams = append(m.streams, &mergeStream[T]{ws: ws, page: 1})
	}
	if cursor != "" {
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
				m.streams[i].done = true
				continue
			}
			pg, sk, ok := strings.Cut(p, ".")
			page, err1 := strconv.Atoi(pg)
			skip, err2 := strconv.Atoi(sk)
			if !ok || err1 != nil || err2 != nil || page < 1 || skip < 0 || skip > maxSearchSkip {
				return nil, malformed
			}
			m.streams[i].page, m.streams[i].skip = page, skip
		}
	}
	// The workspaces' pages are read at once: each has its own Slack
	// rate limits, and the call waits for the slowest rather than the sum.
	errs := make([]error, len(m.streams))
	var wg sync.WaitGroup
	for i, st := range m.streams {
		if st.done {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, rows, more, err := read(st.ws, st.page)
			if err != nil {
				errs[i] = err
				return
			}
			st.s, st.more = s, more
			if st.skip < len(rows) {
				st.buf = rows[st.skip:]
			}
		}()
	}
	wg.Wait()
	live := 0
	for i, st := range m.streams {
		switch {
		case st.done:
		case errs[i] != nil:
			m.skipped = append(m.skipped, workspaceFailure(st.ws.label, errs[i]))
			st.done = true
		default:
			live++
			if len(st.buf) == 0 && !st.more {
				st.done = true
			}
		}
	}
	if live == 0 && len(m.skipped) > 0 {
		return nil, Inputf("no workspace could be searched: %s", strings.Join(m.skipped, "; "))
	}
	return m, nil
}

// next takes the row that comes first, with its stream; nil when none
// may be shown yet: every stream is empty, or one has run out of
// buffered rows but not of pages (its next page could hold an earlier
// match).
func (m *mergedSearch[T]) next() (T, *mergeStream[T], bool) {
	var best *mergeStream[T]
	for _, st := range m.streams {
		if st.done || st.s == nil {
			continue
		}
		if len(st.buf) == 0 {
			if st.more {
				best = nil
				break
			}
			continue
		}
		if best == nil || m.before(st, best) {
			best = st
		}
	}
	var zero T
	if best == nil {
		return zero, nil, false
	}
	row := best.buf[0]
	best.buf, best.skip = best.buf[1:], best.skip+1
	return row, best, true
}

// before orders two streams' next matches: newest first, or by rank in
// their own workspace; ties keep the workspaces' order.
func (m *mergedSearch[T]) before(a, b *mergeStream[T]) bool {
	if m.newer == nil {
		return (a.page-1)*m.limit+a.skip < (b.page-1)*m.limit+b.skip
	}
	return m.newer(a.buf[0]) > m.newer(b.buf[0])
}

// cursor is where each workspace goes on from, encoded; "" when none has
// more.
func (m *mergedSearch[T]) cursor(scope params.CursorScope) string {
	parts := make([]string, len(m.streams))
	more := false
	for i, st := range m.streams {
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
	if !more {
		return ""
	}
	return scope.Encode(strings.Join(parts, ","))
}
