package server

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// A small catalog of its own, so the test says exactly what a selection
// answers whatever the real catalog grows into.
func testCatalog() []tools.Tool {
	return []tools.Tool{
		{Name: "read_a", ReadOnly: true, Scopes: []string{"channels:history"}},
		{Name: "read_b", ReadOnly: true, Scopes: []string{"users:read", "channels:history"}},
		{Name: "post", Title: "Post messages", Gate: tools.GateAddMessage, Scopes: []string{"chat:write"}},
		{Name: "react", Gate: tools.GateReactions, Scopes: []string{"reactions:write"}},
		{Name: "unreact", Gate: tools.GateReactions, Scopes: []string{"reactions:write"}},
	}
}

func TestSelection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		enabled     []string
		open        map[tools.Gate]bool
		served      []string
		writes      []string
		read, write []string // Slack scopes
	}{
		{name: "defaults read", served: []string{"read_a", "read_b"},
			read: []string{"channels:history", "users:read"}},
		{name: "an open gate adds its writes", open: map[tools.Gate]bool{tools.GateReactions: true},
			served: []string{"read_a", "read_b", "react", "unreact"}, writes: []string{"react", "unreact"},
			read: []string{"channels:history", "users:read"}, write: []string{"reactions:write"}},
		{name: "names restrict and open", enabled: []string{"read_a", "post"}, served: []string{"read_a", "post"},
			writes: []string{"post"}, read: []string{"channels:history"}, write: []string{"chat:write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sel, err := Select(testCatalog(), tc.enabled, tc.open)
			require.NoError(t, err)
			assert.Equal(t, tc.served, names(sel.Tools()))
			assert.Equal(t, tc.writes, names(sel.Writes()))
			assert.Equal(t, tc.read, sel.ReadSlackScopes())
			assert.Equal(t, tc.write, sel.WriteSlackScopes())
			assert.ElementsMatch(t, append(append([]string{}, tc.read...), tc.write...), sel.SlackScopes())
			for _, tool := range testCatalog() {
				ro, served := sel.ReadOnly(tool.Name)
				assert.Equal(t, slices.Contains(tc.served, tool.Name), served, tool.Name)
				assert.Equal(t, served && tool.ReadOnly, ro, tool.Name)
			}
			_, served := sel.ReadOnly("no_such_tool")
			assert.False(t, served)
		})
	}
}

func TestSelectionRefusesUnknownNames(t *testing.T) {
	t.Parallel()
	_, err := Select(testCatalog(), []string{"read_c", "post"}, nil)
	require.EqualError(t, err, "unknown tool(s) in enabled tools: read_c; valid names: read_a, read_b, post, react, unreact")
}

func TestGates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		names []string
		want  []tools.Gate
	}{
		{nil, nil},
		{[]string{"read_a"}, nil},
		{[]string{"react", "unreact", "post"}, []tools.Gate{tools.GateReactions, tools.GateAddMessage}},
		{[]string{"nope"}, nil},
	} {
		assert.Equal(t, tc.want, Gates(testCatalog(), tc.names), "%v", tc.names)
	}
}

func TestNarrowToolsets(t *testing.T) {
	t.Parallel()
	open := map[tools.Gate]bool{tools.GateAddMessage: true, tools.GateReactions: true, tools.GateUsergroupsWrite: true}
	base, err := Select(tools.Catalog(), nil, open)
	require.NoError(t, err)
	names := func(s *Selection) []string {
		var out []string
		for _, tl := range s.Tools() {
			out = append(out, tl.Name)
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		toolsets []string
		check    func(t *testing.T, got []string)
		err      string
	}{
		{name: "none keeps everything", check: func(t *testing.T, got []string) { assert.Equal(t, names(base), got) }},
		{name: "all keeps everything", toolsets: []string{"all"}, check: func(t *testing.T, got []string) { assert.Equal(t, names(base), got) }},
		{name: "one toolset", toolsets: []string{"search"}, check: func(t *testing.T, got []string) {
			assert.Equal(t, []string{"conversations_search_messages"}, got)
		}},
		{name: "read only, every toolset", toolsets: []string{"read"}, check: func(t *testing.T, got []string) {
			assert.Contains(t, got, "conversations_history")
			assert.NotContains(t, got, "conversations_add_message")
			assert.NotContains(t, got, "usergroups_create")
		}},
		{name: "read tools of two toolsets", toolsets: []string{"Reactions", " users ", "read"}, check: func(t *testing.T, got []string) {
			assert.Equal(t, []string{"users_search", "users_profile", "reactions_get", "emoji_list"}, got)
		}},
		{name: "never opens a closed gate", toolsets: []string{"files"}, check: func(t *testing.T, got []string) {
			assert.Equal(t, []string{"files_list", "files_search"}, got, "attachment_get_data's and files_upload's gates are closed")
		}},
		{name: "canvases: reading is on, writing behind its gate", toolsets: []string{"canvases"}, check: func(t *testing.T, got []string) {
			assert.Equal(t, []string{"canvases_read"}, got)
		}},
		{name: "unknown names", toolsets: []string{"canvas", "nope"}, err: "unknown toolset(s): canvas, nope; valid: conversations, search, users, reactions, files, usergroups, canvases"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := base.Narrow(tc.toolsets)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			tc.check(t, names(got))
		})
	}
}
