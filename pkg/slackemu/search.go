package slackemu

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// searchQuery is a parsed search.messages query. Repeated in: and from:
// modifiers are alternatives (OR); everything else must hold (AND).
type searchQuery struct {
	words    []string // lowercase; a trailing '*' is a prefix match
	phrases  []string // lowercase, quoted in the query
	excluded []string // -word
	in       map[string]bool
	hasIn    bool
	from     map[string]bool
	hasFrom  bool
	with     []string
	after    int64 // ts >= after (micros)
	before   int64 // ts < before (micros)
	isThread bool
	hasLink  bool
	hasReact bool
	hasFile  bool
}

// splitQuery splits on white space outside double quotes; a quoted run is
// returned with its quotes.
func splitQuery(q string) []string {
	var out []string
	var cur strings.Builder
	inQuote := false
	for _, r := range q {
		switch {
		case r == '"' || r == '“' || r == '”':
			cur.WriteRune('"')
			inQuote = !inQuote
		case unicode.IsSpace(r) && !inQuote:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

var (
	userRef    = regexp.MustCompile(`^<@([A-Z0-9]+)(\|[^>]*)?>$`)
	channelRef = regexp.MustCompile(`^<#([A-Z0-9]+)(\|[^>]*)?>$`)
	idLike     = regexp.MustCompile(`^[A-Z][A-Z0-9]{2,}$`)
)

// parseQuery parses q for the caller. now anchors relative dates.
func (c *call) parseQuery(q string, now time.Time) *searchQuery {
	sq := &searchQuery{in: map[string]bool{}, from: map[string]bool{}, before: 1 << 62}
	for _, tok := range splitQuery(q) {
		if strings.HasPrefix(tok, `"`) {
			if p := strings.ToLower(strings.TrimSpace(strings.Trim(tok, `"`))); p != "" {
				sq.phrases = append(sq.phrases, strings.Join(strings.Fields(p), " "))
			}
			continue
		}
		key, val, isMod := strings.Cut(tok, ":")
		if isMod && val != "" && c.applyModifier(sq, strings.ToLower(key), strings.Trim(val, `"`), now) {
			continue
		}
		if strings.HasPrefix(tok, "-") && len(tok) > 1 {
			sq.excluded = append(sq.excluded, searchTokens(tok[1:])...)
			continue
		}
		if strings.HasSuffix(tok, "*") {
			if w := strings.ToLower(strings.TrimRight(tok, "*")); w != "" {
				sq.words = append(sq.words, w+"*")
			}
			continue
		}
		sq.words = append(sq.words, searchTokens(tok)...)
	}
	return sq
}

// applyModifier applies key:val and reports whether key is a modifier.
func (c *call) applyModifier(sq *searchQuery, key, val string, now time.Time) bool {
	switch key {
	case "in":
		sq.hasIn = true
		for _, id := range c.resolveIn(val) {
			sq.in[id] = true
		}
	case "from":
		sq.hasFrom = true
		for _, id := range c.resolveUsers(val) {
			sq.from[id] = true
		}
	case "with":
		ids := c.resolveUsers(val)
		if len(ids) == 0 {
			ids = []string{"\x00none"}
		}
		sq.with = append(sq.with, ids[0])
	case "before", "after", "on", "during":
		start, end, ok := parseSearchDate(val, key == "during", now)
		if !ok {
			return false
		}
		switch key {
		case "before":
			sq.before = min(sq.before, start.UnixMicro())
		case "after":
			sq.after = max(sq.after, end.UnixMicro())
		default:
			sq.after = max(sq.after, start.UnixMicro())
			sq.before = min(sq.before, end.UnixMicro())
		}
	case "is":
		if strings.ToLower(val) != "thread" {
			return false
		}
		sq.isThread = true
	case "has":
		switch strings.ToLower(strings.Trim(val, ":")) {
		case "link":
			sq.hasLink = true
		case "reaction", "reactions":
			sq.hasReact = true
		case "file", "files":
			sq.hasFile = true
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// resolveUsers resolves <@U123>, @name, U123, "me" or a bare name.
func (c *call) resolveUsers(v string) []string {
	if m := userRef.FindStringSubmatch(v); m != nil {
		return []string{m[1]}
	}
	if strings.EqualFold(v, "me") || strings.EqualFold(v, "@me") {
		return []string{c.token.UserID}
	}
	if idLike.MatchString(v) && c.w.userByID(v) != nil {
		return []string{v}
	}
	name := strings.ToLower(strings.TrimPrefix(v, "@"))
	var ids []string
	for i := range c.w.users {
		u := &c.w.users[i]
		if strings.ToLower(u.Name) == name || (u.DisplayName != "" && strings.ToLower(u.DisplayName) == name) {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// resolveIn resolves an in: value to conversation IDs: #name, <#C123>,
// C123, a bare name, or @user / <@U123> for the caller's DM with them.
func (c *call) resolveIn(v string) []string {
	if m := channelRef.FindStringSubmatch(v); m != nil {
		return []string{m[1]}
	}
	if strings.HasPrefix(v, "@") || userRef.MatchString(v) {
		var ids []string
		for _, uid := range c.resolveUsers(v) {
			for _, ch := range c.w.channels {
				if ch.IsIM && c.isMember(ch) && c.imPeer(ch) == uid {
					ids = append(ids, ch.ID)
				}
			}
		}
		return ids
	}
	if idLike.MatchString(v) && c.w.channelByID(v) != nil {
		return []string{v}
	}
	name := strings.ToLower(strings.TrimPrefix(v, "#"))
	var ids []string
	for _, ch := range c.w.channels {
		if strings.ToLower(ch.Name) == name || (ch.IsMPIM && c.w.mpimName(ch) == name) {
			ids = append(ids, ch.ID)
		}
	}
	return ids
}

// monthByName parses an English month name or its abbreviation.
func monthByName(s string) (time.Month, bool) {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || s == name[:3] || (m == time.September && s == "sept") {
			return m, true
		}
	}
	return 0, false
}

// parseSearchDate parses a search date into [start, end) in now's location
// (the searching user's time zone): a day (YYYY-MM-DD, today, yesterday)
// and, for during:, also YYYY-MM, YYYY or a month name (its latest
// occurrence not after now).
func parseSearchDate(v string, during bool, now time.Time) (time.Time, time.Time, bool) {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	v = strings.ToLower(v)
	switch v {
	case "today":
		return today, today.AddDate(0, 0, 1), true
	case "yesterday":
		return today.AddDate(0, 0, -1), today, true
	}
	if d, err := time.ParseInLocation("2006-01-02", v, loc); err == nil {
		return d, d.AddDate(0, 0, 1), true
	}
	if !during {
		return time.Time{}, time.Time{}, false
	}
	if d, err := time.ParseInLocation("2006-01", v, loc); err == nil {
		return d, d.AddDate(0, 1, 0), true
	}
	if len(v) == 4 {
		if y, err := strconv.Atoi(v); err == nil && y > 1970 {
			d := time.Date(y, 1, 1, 0, 0, 0, 0, loc)
			return d, d.AddDate(1, 0, 0), true
		}
	}
	if m, ok := monthByName(v); ok {
		y := now.Year()
		if m > now.Month() {
			y--
		}
		d := time.Date(y, m, 1, 0, 0, 0, 0, loc)
		return d, d.AddDate(0, 1, 0), true
	}
	return time.Time{}, time.Time{}, false
}

// searchTokens lowercases s and splits it into words.
func searchTokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_'
	})
}

// entities decodes Slack's three entities, so "&amp;" is not a word.
var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

var mentionRef = regexp.MustCompile(`<@([A-Z0-9]+)(\|[^>]*)?>`)

// searchableText is the text Slack indexes: message text with mentions as
// names, plus attachment text.
func (c *call) searchableText(m *message) string {
	var b strings.Builder
	b.WriteString(mentionRef.ReplaceAllStringFunc(m.Text, func(s string) string {
		id := mentionRef.FindStringSubmatch(s)[1]
		if u := c.w.userByID(id); u != nil {
			return "@" + u.Name
		}
		return s
	}))
	for _, a := range m.Attachments {
		b.WriteString("\n" + a.Pretext + "\n" + a.Title + "\n" + a.Text + "\n" + a.Fallback)
	}
	return entities.Replace(b.String())
}

// score returns how well m matches sq, or -1 if it does not.
func (c *call) score(sq *searchQuery, ch *channel, m *message) int {
	if sq.hasIn && !sq.in[ch.ID] {
		return -1
	}
	if sq.hasFrom && !sq.from[m.User] {
		return -1
	}
	if m.ts < sq.after || m.ts >= sq.before {
		return -1
	}
	root := m.ts
	if m.parent != 0 {
		root = m.parent
	}
	inThread := m.parent != 0 || len(ch.threads[m.ts]) > 0
	if sq.isThread && !inThread {
		return -1
	}
	if (sq.hasReact && len(m.Reactions) == 0) || (sq.hasFile && len(m.Files) == 0) {
		return -1
	}
	if sq.hasLink && !strings.Contains(m.Text, "<http") && !strings.Contains(m.Text, "http://") && !strings.Contains(m.Text, "https://") {
		return -1
	}
	for _, w := range sq.with {
		dm := (ch.IsIM || ch.IsMPIM) && hasMember(ch.Members, w)
		if !dm && !(inThread && threadInvolves(ch, root, w)) {
			return -1
		}
	}
	if len(sq.words) == 0 && len(sq.phrases) == 0 && len(sq.excluded) == 0 {
		return 0
	}
	text := c.searchableText(m)
	toks := searchTokens(text)
	score := 0
	for _, w := range sq.words {
		n := 0
		prefix, isPrefix := strings.CutSuffix(w, "*")
		for _, t := range toks {
			if t == w || (isPrefix && strings.HasPrefix(t, prefix)) {
				n++
			}
		}
		if n == 0 {
			return -1
		}
		score += n
	}
	if len(sq.phrases) > 0 {
		flat := " " + strings.Join(toks, " ") + " "
		for _, p := range sq.phrases {
			if !strings.Contains(flat, " "+strings.Join(searchTokens(p), " ")+" ") {
				return -1
			}
			score += 2
		}
	}
	for _, x := range sq.excluded {
		if slices.Contains(toks, x) {
			return -1
		}
	}
	return score
}

func threadInvolves(ch *channel, root int64, user string) bool {
	if p := ch.byTS[root]; p != nil && p.User == user {
		return true
	}
	for _, r := range ch.threads[root] {
		if r.User == user {
			return true
		}
	}
	return false
}

type searchHit struct {
	ch    *channel
	m     *message
	score int
}

func searchMessages(c *call) (obj, error) {
	if c.isBot() {
		return nil, fail("not_allowed_token_type")
	}
	if err := c.requireScope("search:read"); err != nil {
		return nil, err
	}
	q := c.p.Get("query")
	if strings.TrimSpace(q) == "" {
		return nil, fail("no_query")
	}
	count := atoiDefault(c.p.Get("count"), 20)
	if count < 1 {
		count = 20
	}
	count = min(count, 100)
	page := min(max(atoiDefault(c.p.Get("page"), 1), 1), 100)

	sq := c.parseQuery(q, time.Now().In(c.searchZone()))
	var hits []searchHit
	for _, ch := range c.w.channels {
		if !c.canSee(ch) {
			continue
		}
		for _, m := range ch.msgs {
			if m.parent == 0 {
				if s := c.score(sq, ch, m); s >= 0 {
					hits = append(hits, searchHit{ch, m, s})
				}
			}
			for _, r := range ch.threads[m.ts] {
				if s := c.score(sq, ch, r); s >= 0 {
					hits = append(hits, searchHit{ch, r, s})
				}
			}
		}
	}
	asc := strings.EqualFold(c.p.Get("sort_dir"), "asc")
	byScore := !strings.EqualFold(c.p.Get("sort"), "timestamp")
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if byScore && a.score != b.score {
			return (a.score > b.score) != asc
		}
		if a.m.ts != b.m.ts {
			return (a.m.ts > b.m.ts) != asc
		}
		return a.ch.ID < b.ch.ID
	})
	total := len(hits)
	pages := (total + count - 1) / count
	first := (page-1)*count + 1
	last := min(page*count, total)
	matches := []obj{}
	for i := first - 1; i < last; i++ {
		matches = append(matches, c.renderMatch(hits[i].ch, hits[i].m))
	}
	return obj{
		"query": q,
		"messages": obj{
			"total":   total,
			"matches": matches,
			"pagination": obj{
				"total_count": total, "page": page, "per_page": count,
				"page_count": pages, "first": first, "last": last,
			},
			"paging": obj{"count": count, "total": total, "page": page, "pages": pages},
		},
	}, nil
}

// searchZone is the caller's time zone, in which Slack reads the dates of
// after:, before:, on: and during:. Slack's help center ("Search in
// Slack") describes these filters by calendar day without naming a zone;
// the search.messages reference says nothing of it. We assume the
// searching user's zone (users.info tz), as the Slack client shows dates
// in it; a product that sends dates computed in that zone is right under
// this reading and loses at most the edges of a day under a UTC one.
func (c *call) searchZone() *time.Location {
	if loc, err := time.LoadLocation(userTZ(c.user)); err == nil {
		return loc
	}
	return time.UTC
}

func atoiDefault(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return def
}

func (c *call) renderMatch(ch *channel, m *message) obj {
	kind := kindOf(&ch.Channel)
	name := ch.Name
	switch kind {
	case typeIM:
		name = c.imPeer(ch)
	case typeMPIM:
		name = c.w.mpimName(ch)
	}
	username := m.Username
	if u := c.w.userByID(m.User); u != nil && username == "" {
		username = u.Name
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(ch.ID + m.TS))
	sum := h.Sum64()
	res := obj{
		"iid":  fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(sum>>32), uint16(sum>>16), uint16(sum), uint16(sum>>48), sum&0xffffffffffff),
		"team": c.w.team.ID,
		"type": "message",
		"ts":   m.TS,
		"text": m.Text,
		"channel": obj{
			"id": ch.ID, "name": name,
			"is_channel": kind == typePublic, "is_group": kind == typePrivate || kind == typeMPIM,
			"is_im": kind == typeIM, "is_mpim": kind == typeMPIM, "is_private": kind != typePublic,
			"is_shared": ch.IsExtShared, "is_ext_shared": ch.IsExtShared, "is_org_shared": false,
			"is_pending_ext_shared": false, "pending_shared": []string{},
		},
		"user":      m.User,
		"username":  username,
		"permalink": c.permalink(ch, m),
	}
	if len(m.Attachments) > 0 {
		atts := make([]obj, len(m.Attachments))
		for i, a := range m.Attachments {
			atts[i] = renderAttachment(i+1, a)
		}
		res["attachments"] = atts
	}
	if len(m.Blocks) > 0 {
		res["blocks"] = m.Blocks
	}
	return res
}
