package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// statusMaxChars is Slack's limit on a custom status text.
const statusMaxChars = 100

// Profile is the result of users_profile.
type Profile struct {
	UserID        string         `json:"user_id"`
	UserName      string         `json:"user_name,omitempty"`
	RealName      string         `json:"real_name,omitempty"`
	DisplayName   string         `json:"display_name,omitempty"`
	Title         string         `json:"title,omitempty"`
	Pronouns      string         `json:"pronouns,omitempty"`
	Email         string         `json:"email,omitempty"`
	Phone         string         `json:"phone,omitempty"`
	TimeZone      string         `json:"time_zone,omitempty"`
	StatusText    string         `json:"status_text,omitempty"`
	StatusEmoji   string         `json:"status_emoji,omitempty"`
	StatusExpires string         `json:"status_expires,omitempty" jsonschema:"RFC 3339, UTC; absent when the status does not expire"`
	Fields        []ProfileField `json:"fields,omitempty" jsonschema:"the workspace's custom profile fields this person filled in"`
}

// ProfileField is one custom profile field of a person.
type ProfileField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// StatusSet is the result of users_set_status.
type StatusSet struct {
	StatusText  string `json:"status_text"`
	StatusEmoji string `json:"status_emoji"`
	Expires     string `json:"expires,omitempty" jsonschema:"RFC 3339, UTC; absent when it does not expire"`
}

type profileInput struct {
	User params.TextArgument `json:"user,omitempty" jsonschema:"User ID, @name or email; omit for yourself."`
}

type setStatusInput struct {
	Text    params.TextArgument `json:"status_text,omitempty" jsonschema:"Status text, at most 100 characters."`
	Emoji   params.TextArgument `json:"status_emoji,omitempty" jsonschema:"Emoji name such as calendar or :palm_tree:."`
	Expires params.TextArgument `json:"expiration,omitempty" jsonschema_description:"When the status clears: a duration (\"30m\", \"2h\", \"1d\") or a time (\"2025-03-14T17:00:00+01:00\"; no zone means UTC). Omit to keep it until changed."`
	Clear   params.BoolArgument `json:"clear,omitempty" default:"false" jsonschema:"Clear your status instead of setting one."`
}

func usersProfile() Tool {
	return Tool{
		Name:     "users_profile",
		Title:    "A person's profile",
		Toolset:  "users",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"users.profile:read", "users:read"},
		Description: "One person's profile: names, title, pronouns, email and phone (when visible), time zone, status and " +
			"the workspace's custom fields (manager, team, start date…), by user ID, @name or email; omit user for yourself.",
		Params:  input[profileInput](),
		Output:  mcp.WithOutputSchema[Profile](),
		Handler: typed(handleProfile),
	}
}

func usersSetStatus() Tool {
	return Tool{
		Name:       "users_set_status",
		Title:      "Set your status",
		Toolset:    "users",
		Scopes:     []string{"users.profile:write"},
		Gate:       GateStatus,
		Idempotent: true,
		Description: "Set or clear your Slack status (text, emoji, when it expires). Needs a user token. " +
			"Off unless the operator enables it (SLACK_MCP_STATUS_TOOL).",
		Params:  input[setStatusInput](),
		Output:  mcp.WithOutputSchema[StatusSet](),
		Handler: typed(handleSetStatus),
	}
}

func handleProfile(ctx context.Context, d *Deps, in *profileInput) (*mcp.CallToolResult, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	id := s.Client.Identity.UserID
	if strings.TrimSpace(string(in.User)) != "" {
		if id, err = resolvePerson(ctx, s, string(in.User), "user"); err != nil {
			return nil, err
		}
	}
	p, err := s.Client.GetUserProfileContext(ctx, &slack.GetUserProfileParameters{UserID: id})
	if err != nil {
		return nil, err
	}
	out := Profile{UserID: id, RealName: p.RealName, DisplayName: p.DisplayName, Title: p.Title, Pronouns: p.Pronouns,
		Email: p.Email, Phone: p.Phone, StatusText: p.StatusText, StatusEmoji: p.StatusEmoji}
	if p.StatusExpiration > 0 {
		out.StatusExpires = time.Unix(int64(p.StatusExpiration), 0).UTC().Format(time.RFC3339)
	}
	if s.Users != nil {
		if u, err := s.Users.Get(ctx, id); err == nil {
			out.UserName, out.TimeZone = u.Name, u.TZ
		}
	}
	out.Fields = profileFields(ctx, d, s, p.FieldsMap())
	return mcp.NewToolResultStructured(out, profileText(out)), nil
}

// profileFields labels a person's custom fields from the workspace's
// definitions, in the workspace's order, with people fields (a manager)
// shown by name.
func profileFields(ctx context.Context, d *Deps, s *Session, values map[string]slack.UserProfileCustomField) []ProfileField {
	if len(values) == 0 {
		return nil
	}
	defs := d.profileFields.definitions(ctx, s, d.now())
	ids := make([]string, 0, len(values))
	for id := range values {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := defs[ids[i]], defs[ids[j]]
		if a.Ordering != b.Ordering {
			return a.Ordering < b.Ordering
		}
		return ids[i] < ids[j]
	})
	out := make([]ProfileField, 0, len(ids))
	for _, id := range ids {
		v, def := values[id], defs[id]
		label := def.Label
		if label == "" {
			label = id
		}
		value := v.Value
		if def.Type == "user" {
			value = peopleNames(ctx, s, value)
		} else if v.Alt != "" {
			value = v.Alt + " (" + v.Value + ")"
		}
		if strings.TrimSpace(value) != "" {
			out = append(out, ProfileField{Label: label, Value: value})
		}
	}
	return out
}

// peopleNames shows a field of user IDs as "@name (U…)".
func peopleNames(ctx context.Context, s *Session, ids string) string {
	parts := strings.Split(ids, ",")
	for i, id := range parts {
		id = strings.TrimSpace(id)
		parts[i] = id
		if s.Users == nil || !params.IsUserID(id) {
			continue
		}
		if u, err := s.Users.Get(ctx, id); err == nil {
			parts[i] = "@" + userHandle(u) + " (" + id + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func profileText(p Profile) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	line("UserID", p.UserID)
	if p.UserName != "" {
		line("UserName", "@"+p.UserName)
	}
	line("RealName", p.RealName)
	line("DisplayName", p.DisplayName)
	line("Title", p.Title)
	line("Pronouns", p.Pronouns)
	line("Email", p.Email)
	line("Phone", p.Phone)
	line("TimeZone", p.TimeZone)
	status := strings.TrimSpace(p.StatusEmoji + " " + p.StatusText)
	if status != "" && p.StatusExpires != "" {
		status += " (until " + p.StatusExpires + ")"
	}
	line("Status", status)
	for _, f := range p.Fields {
		line(f.Label, f.Value)
	}
	return strings.TrimRight(b.String(), "\n")
}

func handleSetStatus(ctx context.Context, d *Deps, in *setStatusInput) (*mcp.CallToolResult, error) {
	text := strings.TrimSpace(string(in.Text))
	emoji := ""
	if raw := strings.TrimSpace(string(in.Emoji)); raw != "" {
		name, err := params.Emoji(raw)
		if err != nil {
			return nil, Inputf("status_emoji: %v", err)
		}
		emoji = ":" + name + ":"
	}
	switch {
	case bool(in.Clear) && (text != "" || emoji != "" || in.Expires != ""):
		return nil, Inputf("clear removes your status; do not give status_text, status_emoji or expiration with it")
	case !bool(in.Clear) && text == "" && emoji == "":
		return nil, Inputf("give status_text and/or status_emoji, or clear: true to remove your status")
	case utf8.RuneCountInString(text) > statusMaxChars:
		return nil, Inputf("status_text is %d characters; Slack allows at most %d", utf8.RuneCountInString(text), statusMaxChars)
	}
	now := d.now()
	var expires time.Time
	if in.Expires != "" {
		t, err := params.ParseWhen(string(in.Expires), now)
		if err != nil {
			return nil, Inputf("expiration: %v", err)
		}
		if !t.After(now) {
			return nil, Inputf("expiration %s is in the past; give a later time or a duration such as 2h", t.UTC().Format(time.RFC3339))
		}
		expires = t
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if s.Client.Identity.Kind == slackapi.BotToken {
		return nil, Inputf("users_set_status needs a person's token: Slack sets a status only for people, and this server uses a bot token (xoxb-)")
	}
	if emoji != "" {
		if err := d.emoji.unknownEmoji(ctx, s, strings.Trim(emoji, ":"), now); err != nil {
			return nil, err
		}
	}
	out := StatusSet{StatusText: text, StatusEmoji: emoji}
	action := "Clear your Slack status"
	if !bool(in.Clear) {
		action = "Set your Slack status to " + strings.TrimSpace(emoji+" "+text)
		if !expires.IsZero() {
			out.Expires = expires.UTC().Format(time.RFC3339)
			action += " until " + out.Expires
		}
	}
	if err := confirmWrite(ctx, d, s, action, "", ""); err != nil {
		return nil, err
	}
	var exp int64
	if !expires.IsZero() {
		exp = expires.Unix()
	}
	if err := s.Client.SetUserCustomStatusContext(ctx, text, emoji, exp); err != nil {
		return nil, err
	}
	msg := "status cleared"
	if !bool(in.Clear) {
		msg = "status set: " + strings.TrimSpace(emoji+" "+text)
		if out.Expires != "" {
			msg += " until " + out.Expires
		}
	}
	return mcp.NewToolResultStructured(out, msg), nil
}
