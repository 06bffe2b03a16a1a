package tools

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCanvasID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, err string }{
		{in: "F0123ABCD", want: "F0123ABCD"},
		{in: "  F0123ABCD\n", want: "F0123ABCD"},
		{in: "https://acme.slack.com/docs/T0123ABC/F0456DEF", want: "F0456DEF"},
		{in: "https://acme.slack.com/docs/T0123ABC/F0456DEF/", want: "F0456DEF"},
		{in: "", err: "canvas_id is required"},
		{in: "C0123ABCD", err: "not a canvas ID"},
		{in: "FABCDEF", err: "not a canvas ID"},
		{in: "https://acme.slack.com/archives/C0123ABC", err: "not a canvas ID"},
		{in: "ftp://x/F0123ABC", err: "not a canvas ID"},
	} {
		got, err := parseCanvasID(tc.in)
		if tc.err != "" {
			require.Error(t, err, tc.in)
			assert.Contains(t, err.Error(), tc.err)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got)
	}
}

func FuzzParseCanvasID(f *testing.F) {
	for _, s := range []string{"F0123ABCD", "https://a.slack.com/docs/T1/F1", "http://", "https://x/%zz", "https://x/%461", "F", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := parseCanvasID(s)
		if err != nil {
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.True(t, utf8.ValidString(err.Error()) || !utf8.ValidString(s))
			return
		}
		require.True(t, strings.HasPrefix(id, "F"), id)
		require.Contains(t, s, id)
	})
}

func TestCheckCanvasMarkdown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ md, err string }{
		{md: "# Title\n\n### Small\ntext"},
		{md: "```\n#### in code\n```"},
		{md: "####nospace is text"},
		{md: "  \n", err: "markdown is required"},
		{md: "#### Deep", err: "headings # to ### only"},
		{md: strings.Repeat("x", canvasMaxMarkdown+1), err: "at most"},
	} {
		err := checkCanvasMarkdown(tc.md)
		if tc.err == "" {
			assert.NoError(t, err, tc.md)
			continue
		}
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.err)
	}
}

func TestClipRunes(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "hé", clipRunes("héllo", 2))
	assert.Equal(t, "hi", clipRunes("hi", 5))
	assert.Equal(t, "", clipRunes("hi", 0))
}

func FuzzCheckCanvasMarkdown(f *testing.F) {
	for _, s := range []string{"# a", "#### b", "```\n#### c\n```\n#### d", "####", "  ####  x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		err := checkCanvasMarkdown(md)
		if err != nil {
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			return
		}
		require.NotEmpty(t, strings.TrimSpace(md))
	})
}
