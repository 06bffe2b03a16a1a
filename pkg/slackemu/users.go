package slackemu

import (
	"strings"
	"time"
)

func authTest(c *call) (obj, error) {
	t := c.w.team
	u := c.workspaceURL()
	if own, ok := c.w.tokenURLs[c.tokenStr]; ok {
		u = withSlash(own)
	}
	res := obj{
		"url":                   u,
		"team":                  t.Name,
		"team_id":               orgTokenTeamID(c.token, t),
		"user_id":               c.token.UserID,
		"is_enterprise_install": c.token.EnterpriseInstall,
	}
	if c.user != nil {
		res["user"] = c.user.Name
	}
	if t.EnterpriseID != "" {
		res["enterprise_id"] = t.EnterpriseID
	}
	if c.isBot() && c.user != nil {
		res["bot_id"] = c.user.BotID
	}
	return res, nil
}

// authRevoke revokes exactly the token of the call; later calls with it
// answer token_revoked. With test=1 nothing is revoked and the answer
// says so (revoked: false).
func authRevoke(c *call) (obj, error) {
	if c.boolParam("test") {
		return obj{"revoked": false}, nil
	}
	delete(c.w.tokens, c.tokenStr)
	c.w.revoked[c.tokenStr] = struct{}{}
	return obj{"revoked": true}, nil
}

// maxUnpaginatedUsers is how many users users.list returns without a limit
// before it answers limit_required, as Slack does for large teams.
const maxUnpaginatedUsers = 1000

func usersList(c *call) (obj, error) {
	if err := c.requireScope("users:read"); err != nil {
		return nil, err
	}
	limit, err := c.limit(0, 1000)
	if err != nil {
		return nil, err
	}
	users := c.w.users
	if limit == 0 {
		if len(users) > maxUnpaginatedUsers {
			return nil, fail("limit_required")
		}
		limit = max(len(users), 1)
	}
	start := 0
	if cur := c.p.Get("cursor"); cur != "" {
		id, err := decodeCursor(cur, "user")
		if err != nil {
			return nil, err
		}
		i, ok := c.w.userIdx[id]
		if !ok {
			return nil, fail("invalid_cursor")
		}
		start = i
	}
	end := min(start+limit, len(users))
	next := ""
	if end < len(users) {
		next = encodeCursor("user", users[end].ID)
	}
	r := c.userRenderer()
	seen := c.guestSees()
	members := make([]obj, 0, end-start)
	for i := start; i < end; i++ {
		if c.w.isExternal(&users[i]) {
			continue
		}
		if seen == nil || seen[users[i].ID] {
			members = append(members, r.render(&users[i]))
		}
	}
	return obj{
		"members":           members,
		"cache_ts":          time.Now().Unix(),
		"response_metadata": meta(next),
	}, nil
}

func usersInfo(c *call) (obj, error) {
	if err := c.requireScope("users:read"); err != nil {
		return nil, err
	}
	u := c.w.userByID(c.p.Get("user"))
	if seen := c.guestSees(); u == nil || (seen != nil && !seen[u.ID]) {
		return nil, fail("user_not_found")
	}
	return obj{"user": c.userRenderer().render(u)}, nil
}

func usersLookupByEmail(c *call) (obj, error) {
	if err := c.requireScope("users:read.email"); err != nil {
		return nil, err
	}
	email := strings.TrimSpace(c.p.Get("email"))
	if email == "" {
		return nil, fail("invalid_email")
	}
	seen := c.guestSees()
	for i := range c.w.users {
		u := &c.w.users[i]
		if seen != nil && !seen[u.ID] {
			continue
		}
		if u.Email != "" && strings.EqualFold(u.Email, email) {
			return obj{"user": c.userRenderer().render(u)}, nil
		}
	}
	return nil, fail("users_not_found")
}

func teamInfo(c *call) (obj, error) {
	if err := c.requireScope("team:read"); err != nil {
		return nil, err
	}
	t := c.w.team
	team := obj{
		"id":           t.ID,
		"name":         t.Name,
		"domain":       t.Domain,
		"email_domain": "",
		"icon":         obj{"image_default": true},
	}
	if t.EnterpriseID != "" {
		team["enterprise_id"] = t.EnterpriseID
		team["enterprise_name"] = t.Name
	}
	return obj{"team": team}, nil
}

// userRenderer renders users for one call, caching time zone lookups.
type userRenderer struct {
	c         *call
	withEmail bool
	zones     map[string]zoneInfo
}

type zoneInfo struct {
	label  string
	offset int
}

func (c *call) userRenderer() *userRenderer {
	return &userRenderer{c: c, withEmail: c.hasScope("users:read.email"), zones: map[string]zoneInfo{}}
}

func (r *userRenderer) zone(tz string) zoneInfo {
	if z, ok := r.zones[tz]; ok {
		return z
	}
	z := zoneInfo{label: tz}
	if loc, err := time.LoadLocation(tz); err == nil {
		name, off := time.Now().In(loc).Zone()
		z = zoneInfo{label: name, offset: off}
	}
	r.zones[tz] = z
	return z
}

func (r *userRenderer) render(u *User) obj {
	tz := userTZ(u)
	z := r.zone(tz)
	first, last, _ := strings.Cut(u.RealName, " ")
	profile := obj{
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            u.DisplayName,
		"display_name_normalized": u.DisplayName,
		"first_name":              first,
		"last_name":               last,
		"title":                   u.Title,
		"team":                    r.c.w.userTeam(u),
		"status_text":             r.c.liveStatus(u.ID).Text,
		"status_emoji":            r.c.liveStatus(u.ID).Emoji,
		"avatar_hash":             "g" + strings.ToLower(u.ID),
		"image_48":                r.c.base + "/avatars/" + u.ID + "_48.png",
		"image_192":               r.c.base + "/avatars/" + u.ID + "_192.png",
	}
	if r.withEmail && u.Email != "" && !u.IsBot {
		profile["email"] = u.Email
	}
	if u.IsBot {
		profile["bot_id"] = u.BotID
		profile["always_active"] = true
	}
	return obj{
		"id":                  u.ID,
		"team_id":             r.c.w.userTeam(u),
		"name":                u.Name,
		"deleted":             u.Deleted,
		"color":               "9f69e7",
		"real_name":           u.RealName,
		"tz":                  tz,
		"tz_label":            z.label,
		"tz_offset":           z.offset,
		"profile":             profile,
		"is_admin":            u.IsAdmin,
		"is_owner":            false,
		"is_primary_owner":    false,
		"is_restricted":       u.IsRestricted || u.IsUltraRestricted,
		"is_ultra_restricted": u.IsUltraRestricted,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"is_email_confirmed":  !u.IsBot && u.Email != "",
		"updated":             1700000000,
	}
}

// guestSees is the set of users a guest's token may see, nil for members
// (who see everyone). Slack's API reference does not say what users.list,
// users.info and users.lookupByEmail answer a guest; we assume what its
// help center says guests see in the client: the people they share a
// conversation with, and themselves. Others are left out of users.list
// and are user_not_found (users_not_found by email), as for a user who
// does not exist. Pagination still counts them, so a guest's page may
// hold fewer than limit members, which Slack allows.
func (c *call) guestSees() map[string]bool {
	if c.user == nil || !(c.user.IsRestricted || c.user.IsUltraRestricted) {
		return nil
	}
	seen := map[string]bool{c.user.ID: true}
	for _, ch := range c.w.channels {
		if hasMember(ch.Members, c.user.ID) {
			for _, id := range ch.Members {
				seen[id] = true
			}
		}
	}
	return seen
}

// userTZ is the time zone users.info reports for u (America/Los_Angeles
// when the test gave none) and search dates are read in.
func userTZ(u *User) string {
	if u == nil || u.TZ == "" {
		return "America/Los_Angeles"
	}
	return u.TZ
}

// userTeam is the team a user belongs to: their own for an external
// (Slack Connect) user, else the workspace's.
func (w *Workspace) userTeam(u *User) string {
	if u.TeamID != "" {
		return u.TeamID
	}
	return w.team.ID
}

// isExternal reports whether u belongs to another team. Slack's users.list
// reference says it lists "all users in a Slack team"; we assume people of
// other organizations met in Slack Connect channels are not among them
// (users.info still answers for them), the harder case for a client.
func (w *Workspace) isExternal(u *User) bool {
	return u.TeamID != "" && u.TeamID != w.team.ID
}
