package params

import "testing"

func TestSlackIDs(t *testing.T) {
	t.Parallel()
	kinds := map[string]func(string) bool{
		"conversation": IsConversationID, "user": IsUserID, "bot": IsBotID,
		"team": IsTeamID, "enterprise": IsEnterpriseID, "usergroup": IsUsergroupID, "file": IsFileID,
	}
	for _, tc := range []struct {
		id   string
		kind string // "" when no kind accepts it
	}{
		{"C024BE91L", "conversation"}, {"G1", "conversation"}, {"D0123ABC", "conversation"},
		{"U024BE7LH", "user"}, {"W1234", "user"}, {"USLACKBOT", "user"},
		{"B01", "bot"}, {"T024BE7LD", "team"}, {"E0123", "enterprise"}, {"S0614TZR7", "usergroup"},
		{"WALLY", ""}, {"CHANNEL", ""}, {"U", ""}, {"", ""}, {"u024be7lh", ""}, {"C12-3", ""},
		{"X123", ""}, {"USLACKBOTS", ""}, {"C１23", ""}, {"F0123ABCD456", "file"},
		{"C1234567890123456789012345678901", ""}, // 32 characters: too long for an ID
	} {
		for name, is := range kinds {
			if got, want := is(tc.id), name == tc.kind; got != want {
				t.Errorf("%s(%q) = %v, want %v", name, tc.id, got, want)
			}
		}
	}
}

func FuzzSlackIDs(f *testing.F) {
	for _, s := range []string{"C024BE91L", "USLACKBOT", "WALLY", "B0", "S1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := 0
		for _, is := range []func(string) bool{IsConversationID, IsUserID, IsBotID, IsTeamID, IsEnterpriseID, IsUsergroupID, IsFileID} {
			if is(s) {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("%q is an ID of %d kinds", s, n)
		}
		if n == 1 && len(s) < 2 {
			t.Fatalf("%q accepted, too short", s)
		}
	})
}
