package slackemu

import (
	"strings"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

// AddEmoji adds a custom emoji: target is an image URL, or "alias:name" for
// another name of an existing emoji, as emoji.list shows them.
func (w *Workspace) AddEmoji(name, target string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.emoji == nil {
		w.emoji = map[string]string{}
	}
	w.emoji[name] = target
}

// emojiList answers emoji.list (docs.slack.dev/reference/methods/emoji.list):
// the workspace's custom emoji, name -> URL or "alias:name", and a cache_ts.
// include_categories (the standard emoji by category) is not emulated; the
// product does not ask for it.
func emojiList(c *call) (obj, error) {
	if err := c.requireScope("emoji:read"); err != nil {
		return nil, err
	}
	out := obj{}
	for name, target := range c.w.emoji {
		out[name] = target
	}
	return obj{"emoji": out, "cache_ts": "1700000000.000000"}, nil
}

// emojiExists reports whether a reaction name is one the workspace has:
// a standard emoji (with or without a skin tone) or a custom one.
//
// reactions.add documents invalid_name as "Value passed for name was
// invalid" without saying that an unknown emoji is invalid; Slack clients
// report invalid_name for names the workspace lacks, so the emulator
// answers that. Slack publishes no standard list besides emoji.list's
// include_categories, so the emulator uses the product's list
// (params.StandardEmoji); a name missing there is refused by both.
func (c *call) emojiExists(name string) bool {
	if params.StandardEmoji(name) {
		return true
	}
	base, tone, _ := strings.Cut(name, "::")
	if tone != "" {
		return false // Slack: skin tones are for Unicode emoji only
	}
	_, ok := c.w.emoji[base]
	return ok
}
