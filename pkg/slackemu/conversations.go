package slackemu

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Conversation types as Slack names them in the types parameter.
const (
	typePublic  = "public_channel"
	typePrivate = "private_channel"
	typeIM      = "im"
	typeMPIM    = "mpim"
)

func kindOf(c *Channel) string {
	switch {
	case c.IsIM:
		return typeIM
	case c.IsMPIM:
		return typeMPIM
	case c.IsPrivate:
		return typePrivate
	}
	return typePublic
}

// scopeFor names the scope of a channel type for an action, e.g.
// channels:history, groups:read, im:write.
func scopeFor(kind, action string) string {
	prefix := map[string]string{typePublic: "channels", typePrivate: "groups", typeIM: "im", typeMPIM: "mpim"}[kind]
	return prefix + ":" + action
}

func (c *call) isMember(ch *channel) bool { return hasMember(ch.Members, c.token.UserID) }

// canSee reports whether the caller can see the channel at all: public
// channels are visible to everyone, the rest only to members.
func (c *call) canSee(ch *channel) bool {
	return kindOf(&ch.Channel) == typePublic || c.isMember(ch)
}

// channelFor resolves the channel parameter (an ID) for an action
// ("read", "history", "write"): unknown or invisible channels are
// channel_not_found, then the type's scope is required.
func (c *call) channelFor(param, action string) (*channel, error) {
	ch := c.w.channelByID(strings.TrimSpace(c.p.Get(param)))
	if ch == nil || !c.canSee(ch) {
		return nil, fail("channel_not_found")
	}
	if err := c.requireScope(scopeFor(kindOf(&ch.Channel), action)); err != nil {
		return nil, err
	}
	return ch, nil
}

// parseTypes reads the types parameter (default public_channel) and
// requires the read scope of every requested type.
func (c *call) parseTypes() (map[string]bool, error) {
	raw := c.p.Get("types")
	if strings.TrimSpace(raw) == "" {
		raw = typePublic
	}
	types := map[string]bool{}
	for _, t := range strings.Split(raw, ",") {
		t = strings.TrimSpace(t)
		switch t {
		case typePublic, typePrivate, typeIM, typeMPIM:
			types[t] = true
		case "":
		default:
			return nil, fail("invalid_types")
		}
	}
	for _, t := range []string{typePublic, typePrivate, typeIM, typeMPIM} {
		if types[t] {
			if err := c.requireScope(scopeFor(t, "read")); err != nil {
				return nil, err
			}
		}
	}
	return types, nil
}

// imPeer is the other party of an IM from the caller's point of view.
func (c *call) imPeer(ch *channel) string {
	for _, m := range ch.Members {
		if m != c.token.UserID {
			return m
		}
	}
	if ch.User != "" {
		return ch.User
	}
	return c.token.UserID // a self-DM
}

func (w *Workspace) mpimName(ch *channel) string {
	if ch.Name != "" {
		return ch.Name
	}
	names := make([]string, 0, len(ch.Members))
	for _, id := range ch.Members {
		if u := w.userByID(id); u != nil {
			names = append(names, u.Name)
		} else {
			names = append(names, strings.ToLower(id))
		}
	}
	return "mpdm-" + strings.Join(names, "--") + "-1"
}

// renderChannel renders a conversation object as conversations.list and
// conversations.info do.
func (c *call) renderChannel(ch *channel, numMembers bool) obj {
	kind := kindOf(&ch.Channel)
	if kind == typeIM {
		peer := c.imPeer(ch)
		u := c.w.userByID(peer)
		return obj{
			"id":              ch.ID,
			"created":         ch.Created,
			"is_im":           true,
			"is_org_shared":   false,
			"is_archived":     ch.IsArchived,
			"user":            peer,
			"is_user_deleted": u != nil && u.Deleted,
			"priority":        0,
			"is_open":         true,
			"context_team_id": c.w.team.ID,
		}
	}
	name := ch.Name
	if kind == typeMPIM {
		name = c.w.mpimName(ch)
	}
	res := obj{
		"id":                    ch.ID,
		"name":                  name,
		"name_normalized":       name,
		"is_channel":            kind == typePublic,
		"is_group":              kind == typePrivate || kind == typeMPIM,
		"is_im":                 false,
		"is_mpim":               kind == typeMPIM,
		"is_private":            kind != typePublic,
		"created":               ch.Created,
		"creator":               ch.Creator,
		"is_archived":           ch.IsArchived,
		"is_general":            kind == typePublic && ch.Name == "general",
		"unlinked":              0,
		"is_shared":             ch.IsExtShared,
		"is_ext_shared":         ch.IsExtShared,
		"is_org_shared":         false,
		"is_pending_ext_shared": false,
		"pending_shared":        []string{},
		"context_team_id":       c.w.team.ID,
		"is_member":             c.isMember(ch),
		"topic":                 obj{"value": ch.Topic, "creator": ch.Creator, "last_set": ch.Created},
		"purpose":               obj{"value": ch.Purpose, "creator": ch.Creator, "last_set": ch.Created},
		"previous_names":        []string{},
		"updated":               ch.Created * 1000,
	}
	if numMembers {
		res["num_members"] = len(ch.Members)
	}
	return res
}

func listChannels(c *call, userID string) (obj, error) {
	types, err := c.parseTypes()
	if err != nil {
		return nil, err
	}
	limit, err := c.limit(100, 999)
	if err != nil {
		return nil, err
	}
	exclArchived := c.boolParam("exclude_archived")
	var out []*channel
	for _, ch := range c.w.channels {
		if !types[kindOf(&ch.Channel)] || (exclArchived && ch.IsArchived) || !c.canSee(ch) {
			continue
		}
		if userID != "" && !hasMember(ch.Members, userID) {
			continue
		}
		out = append(out, ch)
	}
	page, next, err := paginate(out, func(ch *channel) string { return ch.ID }, "team", c.p.Get("cursor"), limit)
	if err != nil {
		return nil, err
	}
	list := make([]obj, len(page))
	for i, ch := range page {
		list[i] = c.renderChannel(ch, true)
	}
	return obj{"channels": list, "response_metadata": meta(next)}, nil
}

// conversationsList: team_id is checked for org-wide tokens only (org.go);
// Slack ignores it for workspace tokens.
func conversationsList(c *call) (obj, error) {
	return listChannels(c, "")
}

func usersConversations(c *call) (obj, error) {
	uid := c.p.Get("user")
	if uid == "" {
		uid = c.token.UserID
	} else if c.w.userByID(uid) == nil {
		return nil, fail("user_not_found")
	}
	return listChannels(c, uid)
}

func conversationsMembers(c *call) (obj, error) {
	ch, err := c.channelFor("channel", "read")
	if err != nil {
		return nil, err
	}
	limit, err := c.limit(100, 1000)
	if err != nil {
		return nil, err
	}
	start := 0
	if cur := c.p.Get("cursor"); cur != "" {
		id, err := decodeCursor(cur, "user")
		if err != nil {
			return nil, err
		}
		i, found := slices.BinarySearch(ch.Members, id)
		if !found {
			return nil, fail("invalid_cursor")
		}
		start = i
	}
	end := min(start+limit, len(ch.Members))
	next := ""
	if end < len(ch.Members) {
		next = encodeCursor("user", ch.Members[end])
	}
	return obj{"members": slices.Clone(ch.Members[start:end]), "response_metadata": meta(next)}, nil
}

// tsRange reads oldest/latest/inclusive into an inclusive micros range.
func (c *call) tsRange() (lo, hi int64, err error) {
	lo, hi = 0, int64(1)<<62
	incl := c.boolParam("inclusive")
	if v := c.p.Get("oldest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return 0, 0, fail("invalid_ts_oldest")
		}
		lo = t
		if !incl {
			lo++
		}
	}
	if v := c.p.Get("latest"); v != "" {
		t, ok := parseTS(v)
		if !ok {
			return 0, 0, fail("invalid_ts_latest")
		}
		hi = t
		if !incl {
			hi--
		}
	}
	return lo, hi, nil
}

// History cursors are Slack's: base64 of "next_ts:" and the ts digits
// without the dot.
func nextTSCursor(ts int64) string { return encodeCursor("next_ts", strconv.FormatInt(ts, 10)) }

func parseNextTS(cursor string) (int64, error) {
	v, err := decodeCursor(cursor, "next_ts")
	if err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(v, 10, 64)
	if perr != nil || n < 0 {
		return 0, fail("invalid_cursor")
	}
	return n, nil
}

func conversationsHistory(c *call) (obj, error) {
	ch, err := c.channelFor("channel", "history")
	if err != nil {
		return nil, err
	}
	if c.isBot() && !c.isMember(ch) {
		return nil, fail("not_in_channel")
	}
	lo, hi, err := c.tsRange()
	if err != nil {
		return nil, err
	}
	limit, err := c.historyLimit(100, 999)
	if err != nil {
		return nil, err
	}
	if cur := c.p.Get("cursor"); cur != "" {
		n, err := parseNextTS(cur)
		if err != nil {
			return nil, err
		}
		hi = min(hi, n)
	}
	msgs := ch.msgs
	from := sort.Search(len(msgs), func(i int) bool { return msgs[i].ts >= lo })
	to := sort.Search(len(msgs), func(i int) bool { return msgs[i].ts > hi })
	if to < from {
		to = from
	}
	start := max(from, to-limit)
	hasMore := start > from
	out := make([]obj, 0, to-start)
	for i := to - 1; i >= start; i-- {
		out = append(out, c.renderMessage(ch, msgs[i]))
	}
	next := ""
	if hasMore {
		next = nextTSCursor(msgs[start-1].ts)
	}
	res := obj{
		"messages":              out,
		"has_more":              hasMore,
		"pin_count":             0,
		"channel_actions_ts":    nil,
		"channel_actions_count": 0,
		"response_metadata":     meta(next),
	}
	if v := c.p.Get("latest"); v != "" {
		res["latest"] = v
	}
	if v := c.p.Get("oldest"); v != "" {
		res["oldest"] = v
	}
	return res, nil
}

func conversationsReplies(c *call) (obj, error) {
	ch, err := c.channelFor("channel", "history")
	if err != nil {
		return nil, err
	}
	if c.isBot() && !c.isMember(ch) {
		return nil, fail("not_in_channel")
	}
	ts, ok := parseTS(c.p.Get("ts"))
	if !ok {
		return nil, fail("thread_not_found")
	}
	m := ch.byTS[ts]
	if m == nil {
		return nil, fail("thread_not_found")
	}
	parent := m
	if m.parent != 0 {
		parent = ch.byTS[m.parent]
	}
	lo, hi, err := c.tsRange()
	if err != nil {
		return nil, err
	}
	limit, err := c.historyLimit(1000, 1000)
	if err != nil {
		return nil, err
	}
	if cur := c.p.Get("cursor"); cur != "" {
		n, err := parseNextTS(cur)
		if err != nil {
			return nil, err
		}
		lo = max(lo, n)
	}
	replies := ch.threads[parent.ts]
	from := sort.Search(len(replies), func(i int) bool { return replies[i].ts >= lo })
	to := sort.Search(len(replies), func(i int) bool { return replies[i].ts > hi })
	if to < from {
		to = from
	}
	if c.s.opts.RepliesLimitCountsParent {
		limit-- // the parent below takes one of the limit's places
	}
	end := min(to, from+limit)
	// Like Slack, every page starts with the thread's parent message.
	out := []obj{c.renderMessage(ch, parent)}
	for _, r := range replies[from:end] {
		out = append(out, c.renderMessage(ch, r))
	}
	next := ""
	if end < to {
		next = nextTSCursor(replies[end].ts)
	}
	return obj{"messages": out, "has_more": end < to, "response_metadata": meta(next)}, nil
}

func conversationsOpen(c *call) (obj, error) {
	if id := c.p.Get("channel"); id != "" && c.p.Get("users") == "" {
		ch := c.w.channelByID(id)
		if ch == nil || !c.isMember(ch) || (!ch.IsIM && !ch.IsMPIM) {
			return nil, fail("channel_not_found")
		}
		return c.openResult(ch, true), nil
	}
	var others []string
	for _, u := range strings.Split(c.p.Get("users"), ",") {
		u = strings.TrimSpace(u)
		if u == "" {
			continue
		}
		if c.w.userByID(u) == nil {
			return nil, fail("user_not_found")
		}
		if u != c.token.UserID && !slices.Contains(others, u) {
			others = append(others, u)
		}
	}
	if len(others) == 0 {
		if !strings.Contains(c.p.Get("users"), c.token.UserID) {
			return nil, fail("users_list_not_supplied")
		}
	}
	if len(others) > 8 {
		return nil, fail("too_many_users")
	}
	isIM := len(others) <= 1
	action := typeMPIM
	if isIM {
		action = typeIM
	}
	if err := c.requireScope(scopeFor(action, "write")); err != nil {
		return nil, err
	}
	want := normalizeMembers(append(slices.Clone(others), c.token.UserID))
	for _, ch := range c.w.channels {
		if ch.IsIM == isIM && ch.IsMPIM == !isIM && slices.Equal(ch.Members, want) {
			return c.openResult(ch, false), nil
		}
	}
	nc := Channel{Members: want, Created: time.Now().Unix(), Creator: c.token.UserID}
	if isIM {
		nc.ID, nc.IsIM = c.w.nextID("D"), true
		if len(others) == 1 {
			nc.User = others[0]
		} else {
			nc.User = c.token.UserID
		}
	} else {
		nc.ID, nc.IsMPIM = c.w.nextID("G"), true
	}
	ch := c.w.addChannelLocked(nc)
	res := obj{"channel": obj{"id": ch.ID}}
	if c.boolParam("return_im") {
		res["channel"] = c.renderChannel(ch, false)
	}
	return res, nil
}

func (c *call) openResult(ch *channel, explicit bool) obj {
	res := obj{"no_op": true, "already_open": true, "channel": obj{"id": ch.ID}}
	if explicit || c.boolParam("return_im") {
		res["channel"] = c.renderChannel(ch, false)
	}
	return res
}
