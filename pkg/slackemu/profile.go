package slackemu

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// users.profile.get, team.profile.get and users.profile.set, as
// docs.slack.dev describes them (checked 2026-12):
//   - users.profile.get (users.profile:read) returns the caller's profile,
//     or user's; custom fields are keyed by field ID with value and alt,
//     labels only with include_labels;
//   - team.profile.get (users.profile:read) returns the field definitions
//     (id, ordering, label, hint, type, is_hidden); visibility filters
//     them (all, visible, hidden);
//   - users.profile.set (users.profile:write, user tokens only) takes a
//     profile JSON or one name/value pair; another person's profile only
//     for admins (not_admin); invalid_profile for JSON it cannot read.
//
// Undocumented, assumed: a status text over 100 characters (Slack's
// client limit) is profile_set_failed, and a status past its expiration
// reads as no status (Slack clears it).

// ProfileField is a custom profile field definition of the workspace.
type ProfileField struct {
	ID, Label, Hint, Type string // Type: text, date, link, user, options_list…
	Ordering              int
	IsHidden              bool
}

// ProfileValue is one person's value of a custom field.
type ProfileValue struct{ Value, Alt string }

// Status is a person's custom status.
type Status struct {
	Text, Emoji string
	Expiration  int64 // Unix seconds; 0: never
}

// profileStore is the profile data users.info does not carry.
type profileStore struct {
	fields []ProfileField
	values map[string]map[string]ProfileValue // user -> field ID -> value
	status map[string]Status
}

const maxStatusChars = 100

// SetProfileFields defines the workspace's custom profile fields.
func (w *Workspace) SetProfileFields(fields ...ProfileField) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.profiles.fields = append([]ProfileField(nil), fields...)
}

// SetProfileValues sets a person's custom field values.
func (w *Workspace) SetProfileValues(user string, values map[string]ProfileValue) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.profiles.values == nil {
		w.profiles.values = map[string]map[string]ProfileValue{}
	}
	w.profiles.values[user] = values
}

// SetStatus sets a person's custom status; UserStatus reads it back.
func (w *Workspace) SetStatus(user string, s Status) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.setStatusLocked(user, s)
}

// UserStatus returns a person's custom status as stored.
func (w *Workspace) UserStatus(user string) Status {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.profiles.status[user]
}

func (w *Workspace) setStatusLocked(user string, s Status) {
	if w.profiles.status == nil {
		w.profiles.status = map[string]Status{}
	}
	w.profiles.status[user] = s
}

// liveStatus is the status users see now: none once it expired.
func (c *call) liveStatus(user string) Status {
	s := c.w.profiles.status[user]
	if s.Expiration > 0 && s.Expiration <= c.s.opts.Now().Unix() {
		return Status{}
	}
	return s
}

// renderProfile is users.profile.get's profile object.
func (c *call) renderProfile(u *User, labels bool) obj {
	profile := c.userRenderer().render(u)["profile"].(obj)
	st := c.liveStatus(u.ID)
	profile["status_text"], profile["status_emoji"], profile["status_expiration"] = st.Text, st.Emoji, st.Expiration
	fields := obj{}
	for id, v := range c.w.profiles.values[u.ID] {
		f := obj{"value": v.Value, "alt": v.Alt}
		if labels {
			for _, def := range c.w.profiles.fields {
				if def.ID == id {
					f["label"] = def.Label
				}
			}
		}
		fields[id] = f
	}
	profile["fields"] = fields
	return profile
}

func usersProfileGet(c *call) (obj, error) {
	if err := c.requireScope("users.profile:read"); err != nil {
		return nil, err
	}
	id := c.p.Get("user")
	if id == "" {
		id = c.token.UserID
	}
	u := c.w.userByID(id)
	if sees := c.guestSees(); u == nil || (sees != nil && !sees[id]) {
		return nil, fail("user_not_found")
	}
	return obj{"profile": c.renderProfile(u, c.boolParam("include_labels"))}, nil
}

func teamProfileGet(c *call) (obj, error) {
	if err := c.requireScope("users.profile:read"); err != nil {
		return nil, err
	}
	vis := c.p.Get("visibility")
	if vis != "" && vis != "all" && vis != "visible" && vis != "hidden" {
		return nil, fail("invalid_arguments")
	}
	fields := []obj{}
	for _, f := range c.w.profiles.fields {
		if (vis == "visible" && f.IsHidden) || (vis == "hidden" && !f.IsHidden) {
			continue
		}
		fields = append(fields, obj{"id": f.ID, "ordering": f.Ordering, "label": f.Label, "hint": f.Hint,
			"type": f.Type, "is_hidden": f.IsHidden, "possible_values": nil, "options": nil})
	}
	return obj{"profile": obj{"fields": fields}}, nil
}

func usersProfileSet(c *call) (obj, error) {
	if c.isBot() {
		return nil, fail("not_allowed_token_type")
	}
	if err := c.requireScope("users.profile:write"); err != nil {
		return nil, err
	}
	target := c.token.UserID
	if id := c.p.Get("user"); id != "" && id != target {
		if c.user == nil || !c.user.IsAdmin {
			return nil, fail("not_admin")
		}
		target = id
	}
	u := c.w.userByID(target)
	if u == nil {
		return nil, fail("user_not_found")
	}
	changes := map[string]any{}
	if raw := c.p.Get("profile"); raw != "" {
		if json.Unmarshal([]byte(raw), &changes) != nil {
			return nil, fail("invalid_profile")
		}
	} else if name := c.p.Get("name"); name != "" {
		changes[name] = c.p.Get("value")
	}
	if len(changes) > 50 {
		return nil, fail("invalid_profile")
	}
	st := c.w.profiles.status[target]
	for k, v := range changes {
		switch k {
		case "status_text":
			s, _ := v.(string)
			if utf8.RuneCountInString(s) > maxStatusChars {
				return nil, fail("profile_set_failed")
			}
			st.Text = s
		case "status_emoji":
			s, _ := v.(string)
			if s != "" && (!strings.HasPrefix(s, ":") || !strings.HasSuffix(s, ":") || len(s) < 3) {
				return nil, fail("profile_set_failed")
			}
			st.Emoji = s
		case "status_expiration":
			f, ok := v.(float64)
			if !ok || f < 0 {
				return nil, fail("invalid_profile")
			}
			st.Expiration = int64(f)
		case "title":
			s, _ := v.(string)
			u.Title = s
		}
	}
	c.w.setStatusLocked(target, st)
	return obj{"profile": c.renderProfile(u, false)}, nil
}
