package tools

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// fakePages serves each workspace's rows (newest first) in Slack pages of
// limit; a workspace listed in fail answers an error.
func fakePages(data map[string][]int, limit int, fail map[string]error) pageFunc[int] {
	return func(ws inWorkspace, page int) (*Session, []int, bool, error) {
		if err := fail[ws.label]; err != nil {
			return nil, nil, false, err
		}
		rows := data[ws.label]
		lo := min((page-1)*limit, len(rows))
		hi := min(lo+limit, len(rows))
		return &Session{}, rows[lo:hi], hi < len(rows), nil
	}
}

// pageAll pages a merged search to its end and returns every row.
func pageAll(t *testing.T, data map[string][]int, limit int, fail map[string]error, newer func(int) float64) ([]string, []string) {
	t.Helper()
	spaces := []inWorkspace{{label: "A"}, {label: "B"}, {label: "C"}}
	scope := params.CursorScope{Tool: "test_search", Filter: "q"}
	var got, notes []string
	cursor := ""
	for range 100 {
		m, err := startMerge(cursor, scope, spaces, limit, newer, fakePages(data, limit, fail))
		require.NoError(t, err)
		notes = append(notes, m.skipped...)
		n := 0
		for n < limit {
			row, st, ok := m.next()
			if !ok {
				break
			}
			got = append(got, fmt.Sprintf("%s%d", st.ws.label, row))
			n++
		}
		if cursor = m.cursor(scope); cursor == "" {
			return got, notes
		}
	}
	t.Fatal("the cursor never ended")
	return nil, nil
}

func TestMergedSearch(t *testing.T) {
	t.Parallel()
	byTime := func(v int) float64 { return float64(v) }
	data := map[string][]int{
		"A": {99, 90, 80, 70, 60, 10},
		"B": {95, 94, 93, 92, 91, 5, 4},
		"C": {},
	}
	got, notes := pageAll(t, data, 3, nil, byTime)
	assert.Equal(t, []string{"A99", "B95", "B94", "B93", "B92", "B91", "A90", "A80", "A70", "A60", "A10", "B5", "B4"}, got,
		"every row once, newest first across workspaces and pages")
	assert.Empty(t, notes)

	ranked, _ := pageAll(t, data, 3, nil, nil)
	assert.Len(t, ranked, 13)
	assert.Equal(t, []string{"A99", "B95", "A90", "B94", "A80", "B93"}, ranked[:6], "by rank: each workspace's best in turn")

	failed, notes := pageAll(t, data, 3, map[string]error{"B": Inputf("channel #ops was not found")}, byTime)
	assert.Equal(t, []string{"A99", "A90", "A80", "A70", "A60", "A10"}, failed)
	require.NotEmpty(t, notes)
	assert.Contains(t, notes[0], "B: channel #ops was not found")

	_, err := startMerge("", params.CursorScope{Tool: "t"}, []inWorkspace{{label: "A"}}, 3, byTime,
		fakePages(data, 3, map[string]error{"A": errors.New("boom")}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no workspace could be searched: A: it could not be reached")
}

func TestMergedSearchBadCursor(t *testing.T) {
	t.Parallel()
	scope := params.CursorScope{Tool: "test_search", Filter: "q"}
	spaces := []inWorkspace{{label: "A"}, {label: "B"}}
	for _, state := range []string{"1.0", "1.0,2", "0.0,x", "1.-1,x", "1.101,x", "a.b,x", "1.0,1.0,1.0"} {
		_, err := startMerge(scope.Encode(state), scope, spaces, 3, nil, fakePages(nil, 3, nil))
		var in *InputError
		require.ErrorAs(t, err, &in, state)
		assert.Contains(t, in.Msg, "cursor is malformed", state)
	}
	other := params.CursorScope{Tool: "test_search", Filter: "another query"}
	_, err := startMerge(other.Encode("1.0,1.0"), scope, spaces, 3, nil, fakePages(nil, 3, nil))
	require.Error(t, err, "a cursor of another search")
}

// A cursor is model input: any state either restores every workspace's
// place or is refused as malformed, never a panic.
func FuzzMergeCursor(f *testing.F) {
	for _, s := range []string{"1.0,x", "x,x", "2.3,1.0", "", ",", "1.0,1.0,", "9999999999999999999.0,x"} {
		f.Add(s)
	}
	scope := params.CursorScope{Tool: "test_search", Filter: "q"}
	spaces := []inWorkspace{{label: "A"}, {label: "B"}}
	data := map[string][]int{"A": {3, 2, 1}, "B": {6, 5, 4}}
	f.Fuzz(func(t *testing.T, state string) {
		m, err := startMerge(scope.Encode(state), scope, spaces, 2, func(v int) float64 { return float64(v) }, fakePages(data, 2, nil))
		if err != nil {
			var in *InputError
			require.ErrorAs(t, err, &in)
			return
		}
		for range 10 {
			if _, _, ok := m.next(); !ok {
				break
			}
		}
		_ = m.cursor(scope)
	})
}
