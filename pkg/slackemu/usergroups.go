package slackemu

import (
	"slices"
	"strings"
	"time"
)

func (c *call) renderGroup(g *UserGroup, users, count bool) obj {
	res := obj{
		"id":           g.ID,
		"team_id":      c.w.team.ID,
		"is_usergroup": true,
		"is_subteam":   true,
		"name":         g.Name,
		"description":  g.Description,
		"handle":       g.Handle,
		"is_external":  false,
		"date_create":  g.Created,
		"date_update":  g.Created,
		"date_delete":  0,
		"auto_type":    nil,
		"created_by":   g.CreatedBy,
		"updated_by":   g.CreatedBy,
		"deleted_by":   nil,
		"prefs":        obj{"channels": []string{}, "groups": []string{}},
	}
	if g.Disabled {
		res["date_delete"] = g.Created + 1
		res["deleted_by"] = g.CreatedBy
	}
	if users {
		res["users"] = append([]string{}, g.Users...)
	}
	if count {
		res["user_count"] = len(g.Users)
	}
	return res
}

func (c *call) groupParam() (*UserGroup, error) {
	i, ok := c.w.groupIdx[c.p.Get("usergroup")]
	if !ok {
		return nil, fail("no_such_subteam")
	}
	return c.w.groups[i], nil
}

func usergroupsList(c *call) (obj, error) {
	if err := c.requireScope("usergroups:read"); err != nil {
		return nil, err
	}
	withUsers, withDisabled, withCount := c.boolParam("include_users"), c.boolParam("include_disabled"), c.boolParam("include_count")
	out := []obj{}
	for _, g := range c.w.groups {
		if g.Disabled && !withDisabled {
			continue
		}
		out = append(out, c.renderGroup(g, withUsers, withCount))
	}
	return obj{"usergroups": out}, nil
}

func usergroupsUsersList(c *call) (obj, error) {
	if err := c.requireScope("usergroups:read"); err != nil {
		return nil, err
	}
	g, err := c.groupParam()
	if err != nil {
		return nil, err
	}
	if g.Disabled && !c.boolParam("include_disabled") {
		return obj{"users": []string{}}, nil
	}
	return obj{"users": append([]string{}, g.Users...)}, nil
}

func usergroupsUsersUpdate(c *call) (obj, error) {
	if err := c.requireScope("usergroups:write"); err != nil {
		return nil, err
	}
	g, err := c.groupParam()
	if err != nil {
		return nil, err
	}
	var users []string
	for _, u := range strings.Split(c.p.Get("users"), ",") {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if usr := c.w.userByID(u); usr == nil || usr.Deleted || usr.IsBot {
			return nil, fail("invalid_users")
		}
		if !slices.Contains(users, u) {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return nil, fail("no_users_provided")
	}
	g.Users = users
	return obj{"usergroup": c.renderGroup(g, true, true)}, nil
}

// checkGroupNames rejects a name or handle another group already uses.
func (c *call) checkGroupNames(self *UserGroup, name, handle string) error {
	for _, g := range c.w.groups {
		if g == self {
			continue
		}
		if name != "" && strings.EqualFold(g.Name, name) {
			return fail("name_already_exists")
		}
		if handle != "" && strings.EqualFold(g.Handle, handle) {
			return fail("handle_already_exists")
		}
	}
	return nil
}

func usergroupsCreate(c *call) (obj, error) {
	if err := c.requireScope("usergroups:write"); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(c.p.Get("name"))
	if name == "" {
		return nil, fail("missing_argument")
	}
	handle := strings.TrimSpace(c.p.Get("handle"))
	if handle == "" {
		handle = strings.ToLower(strings.Join(strings.Fields(name), "-"))
	}
	if err := c.checkGroupNames(nil, name, handle); err != nil {
		return nil, err
	}
	g := &UserGroup{
		ID:          c.w.nextID("S"),
		Name:        name,
		Handle:      handle,
		Description: c.p.Get("description"),
		Created:     time.Now().Unix(),
		CreatedBy:   c.token.UserID,
	}
	c.w.groupIdx[g.ID] = len(c.w.groups)
	c.w.groups = append(c.w.groups, g)
	return obj{"usergroup": c.renderGroup(g, true, c.boolParam("include_count"))}, nil
}

func usergroupsUpdate(c *call) (obj, error) {
	if err := c.requireScope("usergroups:write"); err != nil {
		return nil, err
	}
	g, err := c.groupParam()
	if err != nil {
		return nil, err
	}
	name, handle := strings.TrimSpace(c.p.Get("name")), strings.TrimSpace(c.p.Get("handle"))
	if err := c.checkGroupNames(g, name, handle); err != nil {
		return nil, err
	}
	if name != "" {
		g.Name = name
	}
	if handle != "" {
		g.Handle = handle
	}
	if _, ok := c.p["description"]; ok {
		g.Description = c.p.Get("description")
	}
	return obj{"usergroup": c.renderGroup(g, true, c.boolParam("include_count"))}, nil
}
