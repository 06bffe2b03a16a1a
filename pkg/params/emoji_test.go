package params

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmoji(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		errPart string
	}{
		{"thumbsup", "thumbsup", ""},
		{":tada:", "tada", ""},
		{" :Tada: ", "tada", ""},
		{"+1", "+1", ""},
		{"-1", "-1", ""},
		{"white_check_mark", "white_check_mark", ""},
		{"t-rex", "t-rex", ""},
		{"+1::skin-tone-2", "+1::skin-tone-2", ""},
		{":+1::skin-tone-6:", "+1::skin-tone-6", ""},
		{"party.parrot", "party.parrot", ""},
		{"ありがとう", "ありがとう", ""},
		{"", "", "an emoji name is required; pass an emoji name such as thumbsup"},
		{"::", "", "an emoji name is required"},
		{"::skin-tone-2", "", "an emoji name is required before the skin tone"},
		{"+1::skin-tone-7", "", "invalid skin tone; use skin-tone-2 to skin-tone-6"},
		{"+1::skin", "", "invalid skin tone"},
		{"thumbs up", "", "contains a space; Slack emoji names use underscores"},
		{":tada::fire:", "", "invalid skin tone"},
		{"ta:da", "", "more than one emoji or a stray colon"},
		{"👍", "", "is an emoji character; pass its Slack name instead"},
		{"❤️", "", "is an emoji character"},
		{"ta/da", "", `contains '/'`},
		{"a\x00b", "", "contains"},
		{"\xff", "", "not valid"},
		{string(make([]byte, 200)), "", "not valid"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Emoji(tc.in)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestStandardEmoji(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"thumbsup", true},
		{"+1", true},
		{"-1", true},
		{"+1::skin-tone-2", true},
		{"white_check_mark", true},
		{"man-shrugging", true},
		{"man_shrugging", true},
		{"flag-de", true},
		{"100", true},
		{"simple_smile", true},
		{"shipit", true},
		{"partyparrot", false},
		{"thumbsupp", false},
		{"", false},
		{"::skin-tone-2", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, StandardEmoji(tc.name))
		})
	}
}
