package slackemu

import (
	"regexp"
	"slices"
	"strings"
)

// emojiName matches what Slack accepts as a reaction name: lowercase
// letters, digits, underscores, plus, minus and apostrophes, and an optional skin tone.
var emojiName = regexp.MustCompile(`^[a-z0-9_+'\-]{1,100}(::skin-tone-[2-6])?$`)

// reactionTarget resolves channel + timestamp to a message.
func (c *call) reactionTarget() (*channel, *message, error) {
	if c.p.Get("channel") == "" || c.p.Get("timestamp") == "" {
		if c.p.Get("file") != "" || c.p.Get("file_comment") != "" {
			return nil, nil, fail("file_not_found")
		}
		return nil, nil, fail("no_item_specified")
	}
	ch := c.w.channelByID(c.p.Get("channel"))
	if ch == nil || !c.canSee(ch) {
		return nil, nil, fail("channel_not_found")
	}
	ts, ok := parseTS(c.p.Get("timestamp"))
	if !ok || ch.byTS[ts] == nil {
		return nil, nil, fail("message_not_found")
	}
	return ch, ch.byTS[ts], nil
}

func (c *call) reactionName() (string, error) {
	name := strings.Trim(strings.TrimSpace(c.p.Get("name")), ":")
	if !emojiName.MatchString(name) || !c.emojiExists(name) {
		return "", fail("invalid_name")
	}
	return name, nil
}

func reactionsAdd(c *call) (obj, error) {
	if err := c.requireScope("reactions:write"); err != nil {
		return nil, err
	}
	name, err := c.reactionName()
	if err != nil {
		return nil, err
	}
	_, m, err := c.reactionTarget()
	if err != nil {
		return nil, err
	}
	uid := c.token.UserID
	for i := range m.Reactions {
		r := &m.Reactions[i]
		if r.Name != name {
			continue
		}
		if slices.Contains(r.Users, uid) {
			return nil, fail("already_reacted")
		}
		r.Users = append(r.Users, uid)
		return obj{}, nil
	}
	if len(m.Reactions) >= 23 {
		return nil, fail("too_many_emoji")
	}
	m.Reactions = append(m.Reactions, Reaction{Name: name, Users: []string{uid}})
	return obj{}, nil
}

func reactionsRemove(c *call) (obj, error) {
	if err := c.requireScope("reactions:write"); err != nil {
		return nil, err
	}
	name, err := c.reactionName()
	if err != nil {
		return nil, err
	}
	_, m, err := c.reactionTarget()
	if err != nil {
		return nil, err
	}
	uid := c.token.UserID
	for i := range m.Reactions {
		r := &m.Reactions[i]
		if r.Name != name {
			continue
		}
		j := slices.Index(r.Users, uid)
		if j < 0 {
			break
		}
		r.Users = slices.Delete(r.Users, j, j+1)
		if len(r.Users) == 0 {
			m.Reactions = slices.Delete(m.Reactions, i, i+1)
		}
		return obj{}, nil
	}
	return nil, fail("no_reaction")
}

func reactionsGet(c *call) (obj, error) {
	if err := c.requireScope("reactions:read"); err != nil {
		return nil, err
	}
	ch, m, err := c.reactionTarget()
	if err != nil {
		return nil, err
	}
	msg := c.renderMessage(ch, m)
	msg["permalink"] = c.permalink(ch, m)
	return obj{"type": "message", "channel": ch.ID, "message": msg}, nil
}
