package tools

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzChannelQuery(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"eng", "name"}, {"#Eng", "topic, purpose"}, {"x", "members"}, {"x", ",,"}, {"é", "NAME"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, query, targets string) {
		q, err := parseChannelQueryFrom(query, targets)
		if err != nil {
			require.Contains(t, err.Error(), "query_targets")
			return
		}
		require.True(t, q.name || q.topic || q.purpose, "some field is always searched")
		row := Channel{Name: "#" + query, Topic: query, Purpose: query}
		if strings.TrimLeft(strings.TrimSpace(query), "#@") == strings.TrimSpace(query) || q.topic || q.purpose {
			// A query always matches a row holding it in every field.
			require.True(t, q.match(row), "%q / %q", query, targets)
		}
		require.True(t, channelQuery{}.match(row), "no query matches everything")
	})
}
