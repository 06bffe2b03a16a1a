package tools

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
)

const (
	// emojiTTL is how long a workspace's custom emoji list is trusted.
	emojiTTL = time.Hour
	// emojiRecheck is how soon an unknown name, or a failed emoji.list,
	// may cost another emoji.list call (an emoji added a moment ago).
	emojiRecheck = time.Minute
)

// emojiCache keeps each workspace's custom emoji names from emoji.list, so
// that a reaction with a name the workspace does not have is refused before
// Slack is called. Custom emoji belong to the workspace, not the person, so
// callers of one workspace share an entry. The zero value is ready.
type emojiCache struct {
	mu    sync.Mutex
	teams map[string]emojiEntry
}

type emojiEntry struct {
	names   map[string]string // name -> image URL or "alias:<name>"; nil when emoji.list failed
	err     error             // why emoji.list failed (e.g. missing_scope)
	fetched time.Time
}

// unknownEmoji returns an input error when name (as params.Emoji returns
// it) is neither a standard emoji nor one of the workspace's custom emoji.
// When the list cannot be had, it returns nil and Slack judges the name.
func (c *emojiCache) unknownEmoji(ctx context.Context, s *Session, name string, now time.Time) error {
	if params.StandardEmoji(name) {
		return nil
	}
	base, tone, _ := strings.Cut(name, "::")
	team := s.Client.TeamParam()
	if team == "" {
		team = s.Client.Identity.TeamID
	}
	e, ok := c.get(team)
	if !ok || now.Sub(e.fetched) > emojiTTL || (e.names == nil && now.Sub(e.fetched) > emojiRecheck) {
		e = c.fetch(ctx, s, team, now)
	}
	if e.names == nil {
		return nil
	}
	if _, ok := e.names[base]; !ok && now.Sub(e.fetched) > emojiRecheck {
		e = c.fetch(ctx, s, team, now)
	}
	_, known := e.names[base]
	switch {
	case e.names == nil:
		return nil
	case !known:
		return Inputf("emoji %q is neither a standard emoji nor one of this workspace's %d custom emoji; check the spelling (standard names look like thumbsup, white_check_mark, tada)", name, len(e.names))
	case tone != "":
		return Inputf("emoji %q: skin tones apply only to standard emoji, and %s is a custom emoji of this workspace; pass it without ::%s", name, base, tone)
	}
	return nil
}

// custom returns the workspace's custom emoji (name -> image URL or
// "alias:<name>"), from the cache while it is fresh; Slack's error when
// emoji.list fails. Callers must not change the map.
func (c *emojiCache) custom(ctx context.Context, s *Session, now time.Time) (map[string]string, error) {
	team := s.Client.TeamParam()
	if team == "" {
		team = s.Client.Identity.TeamID
	}
	e, ok := c.get(team)
	if !ok || now.Sub(e.fetched) > emojiTTL || (e.names == nil && now.Sub(e.fetched) > emojiRecheck) {
		e = c.fetch(ctx, s, team, now)
	}
	return e.names, e.err
}

func (c *emojiCache) get(team string) (emojiEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.teams[team]
	return e, ok
}

// fetch calls emoji.list and stores the outcome, a failure included, so a
// token without emoji:read costs one call per emojiRecheck, not one per
// reaction.
func (c *emojiCache) fetch(ctx context.Context, s *Session, team string, now time.Time) emojiEntry {
	e := emojiEntry{fetched: now}
	if list, err := s.Client.GetEmojiContext(ctx); err == nil {
		e.names = make(map[string]string, len(list))
		for name, value := range list {
			e.names[name] = value
		}
	} else {
		e.err = err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.teams == nil {
		c.teams = map[string]emojiEntry{}
	}
	c.teams[team] = e
	return e
}
