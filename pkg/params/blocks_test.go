package params

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBlocks(t *testing.T) {
	t.Parallel()
	many := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, MaxBlocks+1), ",") + "]"
	fifty := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, MaxBlocks), ",") + "]"
	for _, tc := range []struct {
		name, in string
		n        int
		err      string
	}{
		{"empty is none", "  ", 0, ""},
		{"one section", `[{"type":"section","text":{"type":"mrkdwn","text":"*hi*"}}]`, 1, ""},
		{"fifty", fifty, MaxBlocks, ""},
		{"fifty-one", many, 0, "at most 50"},
		{"not JSON", `[{"type":`, 0, "not valid JSON"},
		{"object not array", `{"type":"section"}`, 0, "not valid JSON or not an array"},
		{"empty array", `[]`, 0, "empty"},
		{"string element", `["section"]`, 0, "block 1 is not a JSON object"},
		{"null element", `[null]`, 0, "block 1 is not a JSON object"},
		{"no type", `[{"type":"divider"},{"text":"x"}]`, 0, `block 2 has no "type"`},
		{"numeric type", `[{"type":3}]`, 0, `block 1 has no "type"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Blocks(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, tc.n)
		})
	}
}

func FuzzBlocks(f *testing.F) {
	for _, s := range []string{"", "[]", `[{"type":"divider"}]`, `[{"type":""}]`, `{"a":1}`, `[1,2]`, `[{"type":"section","text":{}}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Blocks(s)
		if err != nil {
			require.Nil(t, got)
			return
		}
		require.LessOrEqual(t, len(got), MaxBlocks)
		for _, b := range got {
			var m map[string]any
			require.NoError(t, json.Unmarshal(b, &m))
			typ, _ := m["type"].(string)
			require.NotEmpty(t, strings.TrimSpace(typ))
		}
	})
}
