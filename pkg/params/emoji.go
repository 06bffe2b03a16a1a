package params

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kyokomi/emoji/v2"
)

// The longest emoji name accepted, skin tone included.
const maxEmojiLen = 100

const emojiHelp = "pass an emoji name such as thumbsup, :tada: or +1::skin-tone-2"

// Emoji normalizes an emoji name for reactions: it trims spaces, strips the
// surrounding colons (":tada:" is "tada") and lowercases, since Slack emoji
// names, custom ones included, are lowercase. A skin tone may follow as
// "::skin-tone-N" with N from 2 to 6 (":+1::skin-tone-2:" is
// "+1::skin-tone-2"). Names may hold letters, digits, '_', '-', '+', '.'
// and apostrophes. Empty names, names with spaces or other characters, and
// emoji characters themselves ("👍") are errors.
func Emoji(s string) (string, error) {
	t := strings.TrimSpace(s)
	if len(t) > maxEmojiLen+2 || !utf8.ValidString(t) {
		return "", fmt.Errorf("emoji name is not valid; %s", emojiHelp)
	}
	t = strings.TrimPrefix(t, ":")
	t = strings.TrimSuffix(t, ":")
	t = strings.ToLower(t)
	if t == "" {
		return "", fmt.Errorf("an emoji name is required; %s", emojiHelp)
	}
	if len(t) > maxEmojiLen {
		return "", fmt.Errorf("emoji name is not valid; %s", emojiHelp)
	}
	if strings.HasPrefix(t, ":skin-tone-") {
		t = ":" + t // "::skin-tone-2" lost a colon to the trim above
	}
	name, tone, hasTone := strings.Cut(t, "::")
	if hasTone {
		if len(tone) != len("skin-tone-2") || !strings.HasPrefix(tone, "skin-tone-") || tone[10] < '2' || tone[10] > '6' {
			return "", fmt.Errorf("emoji %s has an invalid skin tone; use skin-tone-2 to skin-tone-6, e.g. +1::skin-tone-3", quote(s))
		}
	}
	if name == "" {
		return "", fmt.Errorf("an emoji name is required before the skin tone; %s", emojiHelp)
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-', r == '+', r == '.', r == '\'':
		case unicode.IsSpace(r):
			return "", fmt.Errorf("emoji name %s contains a space; Slack emoji names use underscores, e.g. white_check_mark", quote(s))
		case r == ':':
			return "", fmt.Errorf("emoji %s holds more than one emoji or a stray colon; pass a single emoji name such as tada", quote(s))
		case r > utf8.RuneSelf && (unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == 0x200d || r == 0xfe0f):
			return "", fmt.Errorf("emoji %s is an emoji character; pass its Slack name instead, e.g. thumbsup for 👍 or heart for ❤️", quote(s))
		case r > utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			// custom emoji may have non-Latin names
		default:
			return "", fmt.Errorf("emoji name %s contains %q, which emoji names do not; %s", quote(s), r, emojiHelp)
		}
	}
	return t, nil
}

// slackOnlyEmoji reports the standard names of Slack's emoji picker that
// the Unicode-based list below lacks: Slack's own additions and aliases.
func slackOnlyEmoji(name string) bool {
	switch name {
	case "simple_smile", "shipit", "squirrel", "slack", "slack_call", "thumbsup_all",
		"hand_with_index_and_middle_fingers_crossed":
		return true
	}
	return false
}

// StandardEmoji reports whether name, as Emoji returns it, is a standard
// emoji every workspace has (skin tone ignored), as opposed to a custom one.
// The list is github.com/kyokomi/emoji's (Unicode emoji with the GitHub and
// emojipedia short names, which Slack's short names from iamcal/emoji-data
// mostly share); Slack writes some names with '-' where that list has '_'
// ("man-shrugging"), so both spellings are tried.
func StandardEmoji(name string) bool {
	base, _, _ := strings.Cut(name, "::")
	if base == "" {
		return false
	}
	if slackOnlyEmoji(base) {
		return true
	}
	codes := emoji.CodeMap()
	for _, n := range []string{base, strings.ReplaceAll(base, "-", "_"), strings.ReplaceAll(base, "_", "-")} {
		if _, ok := codes[":"+n+":"]; ok {
			return true
		}
	}
	return false
}

// StandardEmojiList is every standard emoji name with its character (""
// for Slack's own additions, which have none), sorted by name: what
// emoji_list offers besides a workspace's custom emoji.
func StandardEmojiList() []StandardEmojiEntry {
	standardOnce.Do(func() {
		seen := map[string]bool{}
		for code, char := range emoji.CodeMap() {
			name := strings.Trim(code, ":")
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			standardList = append(standardList, StandardEmojiEntry{Name: name, Char: strings.TrimSpace(char)})
		}
		for _, name := range []string{"simple_smile", "shipit", "squirrel", "slack", "slack_call", "thumbsup_all", "hand_with_index_and_middle_fingers_crossed"} {
			if !seen[name] {
				standardList = append(standardList, StandardEmojiEntry{Name: name})
			}
		}
		slices.SortFunc(standardList, func(a, b StandardEmojiEntry) int { return strings.Compare(a.Name, b.Name) })
	})
	return standardList
}

// StandardEmojiEntry is one standard emoji.
type StandardEmojiEntry struct {
	Name, Char string
}

var (
	standardOnce sync.Once
	standardList []StandardEmojiEntry
)
