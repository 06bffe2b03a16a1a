package tools

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckChannelName(t *testing.T) {
	cases := []struct {
		name, want string // want: "" accepts, else a fragment of the error
	}{
		{"general", ""},
		{"proj_2025-q1", ""},
		{strings.Repeat("a", 80), ""},
		{"", "name is required"},
		{strings.Repeat("a", 81), "81 characters"},
		{"Release", `(try "release")`},
		{"has space", "only lowercase letters"},
		{"#hash", "only lowercase letters"},
		{"café", "only lowercase letters"},
		{"Has Space", "only lowercase letters"}, // lowercasing alone would not fix it: no hint
	}
	for _, c := range cases {
		err := checkChannelName(c.name)
		if c.want == "" {
			if err != nil {
				t.Errorf("checkChannelName(%q) = %v, want nil", c.name, err)
			}
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(ie.Msg, c.want) {
			t.Errorf("checkChannelName(%q) = %v, want an input error containing %q", c.name, err, c.want)
		}
		if c.name == "Has Space" && err != nil && strings.Contains(err.Error(), "try") {
			t.Errorf("checkChannelName(%q) suggests a name that is still invalid: %v", c.name, err)
		}
	}
}

// FuzzCheckChannelName: whatever it accepts obeys Slack's rules, every
// refusal is an input error, and a suggested name is itself accepted.
func FuzzCheckChannelName(f *testing.F) {
	for _, s := range []string{"general", "", "Release", "a b", "ÄÖ", strings.Repeat("z", 81)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := checkChannelName(name)
		if err == nil {
			if name == "" || len(name) > channelNameMaxLen || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				t.Fatalf("accepted %q", name)
			}
			return
		}
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Fatalf("checkChannelName(%q) = %T, want *InputError", name, err)
		}
		if strings.Contains(ie.Msg, "(try ") && checkChannelName(strings.ToLower(name)) != nil {
			t.Fatalf("suggested an invalid name for %q: %s", name, ie.Msg)
		}
	})
}
