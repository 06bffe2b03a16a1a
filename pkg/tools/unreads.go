package tools

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"
	"golang.org/x/sync/errgroup"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

const (
	unreadsDefaultChannels = 50
	unreadsMaxChannels     = 200
	unreadsDefaultMessages = 10
	unreadsMaxMessages     = 100
	// unreadsScanBudget bounds the conversations.info calls of one call
	// (Tier 3: about 50 a minute), so a member of thousands of channels
	// gets the highest-priority part of them instead of a timeout.
	unreadsScanBudget = 200
	// unreadsConcurrency bounds the Slack calls in flight.
	unreadsConcurrency = 4
	// unreadsMaxPages bounds the users.conversations pages read.
	unreadsMaxPages = 20
	// unreadsMentionScan is how many unread messages of a channel are read
	// to look for mentions when mentions_only is set.
	unreadsMentionScan = 100
)

// Unread conversation kinds, in priority order; the same words as the
// channel_types argument.
const (
	unreadDM       = "dm"
	unreadGroupDM  = "group_dm"
	unreadPartner  = "partner"
	unreadInternal = "internal"
)

var unreadPriority = map[string]int{unreadDM: 0, unreadGroupDM: 1, unreadPartner: 2, unreadInternal: 3}

// UnreadChannel is one conversation with unread messages.
type UnreadChannel struct {
	ChannelID   string `json:"channel_id" csv:"ChannelID"`
	ChannelName string `json:"channel_name" csv:"ChannelName" jsonschema:"#name, or @user for DMs"`
	Type        string `json:"type" csv:"Type" jsonschema:"dm, group_dm, partner (Slack Connect) or internal"`
	UnreadCount int    `json:"unread_count" csv:"UnreadCount"`
	LastRead    string `json:"last_read,omitempty" csv:"LastRead" jsonschema:"ts of the last message you read"`
}

// Unreads is the structured result of conversations_unreads.
type Unreads struct {
	Channels []UnreadChannel `json:"channels"`
	Messages []Message       `json:"messages,omitempty" jsonschema:"unread messages, grouped by channel in the order of channels, newest first"`
	Scanned  int             `json:"scanned" jsonschema:"conversations whose read state was checked"`
	Total    int             `json:"total" jsonschema:"conversations of the requested types you are a member of"`
	Note     string          `json:"note,omitempty" jsonschema:"present when the result is partial"`
}

func conversationsUnreads() Tool {
	return Tool{
		Name:     "conversations_unreads",
		Title:    "Get unread messages",
		Toolset:  "unreads",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{
			"channels:read", "groups:read", "im:read", "mpim:read",
			"channels:history", "groups:history", "im:history", "mpim:history", "usergroups:read",
		},
		Description: "List conversations with unread messages, most important first: DMs, then group DMs, then partner " +
			"(Slack Connect) channels, then internal channels. Returns a CSV of channels (ChannelID, ChannelName, Type, " +
			"UnreadCount, LastRead) and, unless include_messages is false, a second CSV of the unread messages in the " +
			"conversations_history format. Large workspaces are scanned partially (a note says so). Needs a user token. " +
			"Reading does not mark anything as read.",
		Params: []mcp.ToolOption{
			mcp.WithBoolean("include_messages", mcp.DefaultBool(true),
				mcp.Description("Include the unread messages (default true); false returns only the channel summary.")),
			mcp.WithString("channel_types", mcp.Enum("all", unreadDM, unreadGroupDM, unreadPartner, unreadInternal), mcp.DefaultString("all"),
				mcp.Description("all (default), dm (direct messages), group_dm (group DMs), partner (Slack Connect channels) or internal (other channels).")),
			countParam("max_channels", "Most conversations to return", unreadsDefaultChannels, unreadsMaxChannels),
			countParam("max_messages_per_channel", "Most unread messages per conversation, newest first", unreadsDefaultMessages, unreadsMaxMessages),
			mcp.WithBoolean("mentions_only", mcp.DefaultBool(false),
				mcp.Description("Only DMs, group DMs and channel messages that mention you, one of your user groups, @here or @channel.")),
		},
		Output:  mcp.WithOutputSchema[Unreads](),
		Handler: handleUnreads,
	}
}

type unreadsArgs struct {
	includeMessages bool
	kinds           map[string]bool
	maxChannels     int
	maxMessages     int
	mentionsOnly    bool
}

func parseUnreadsArgs(args Args) (unreadsArgs, error) {
	var a unreadsArgs
	var err error
	if a.includeMessages, err = params.Bool(args, "include_messages", true); err != nil {
		return a, inputErr(err)
	}
	if a.mentionsOnly, err = params.Bool(args, "mentions_only", false); err != nil {
		return a, inputErr(err)
	}
	switch t := strings.ToLower(strings.TrimSpace(params.String(args, "channel_types"))); t {
	case "", "all":
		a.kinds = map[string]bool{unreadDM: true, unreadGroupDM: true, unreadPartner: true, unreadInternal: true}
	case unreadDM, unreadGroupDM, unreadPartner, unreadInternal:
		a.kinds = map[string]bool{t: true}
	default:
		return a, Inputf("channel_types must be one of all, dm, group_dm, partner, internal; got %q", t)
	}
	if a.maxChannels, err = countArg(args, "max_channels", unreadsDefaultChannels, unreadsMaxChannels); err != nil {
		return a, err
	}
	if a.maxMessages, err = countArg(args, "max_messages_per_channel", unreadsDefaultMessages, unreadsMaxMessages); err != nil {
		return a, err
	}
	return a, nil
}

// slackTypes maps the requested kinds to users.conversations types.
func (a unreadsArgs) slackTypes() []string {
	var types []string
	if a.kinds[unreadPartner] || a.kinds[unreadInternal] {
		types = append(types, "public_channel", "private_channel")
	}
	if a.kinds[unreadGroupDM] {
		types = append(types, "mpim")
	}
	if a.kinds[unreadDM] {
		types = append(types, "im")
	}
	return types
}

func unreadKind(c slack.Channel) string {
	switch {
	case c.IsIM:
		return unreadDM
	case c.IsMpIM:
		return unreadGroupDM
	case c.IsExtShared:
		return unreadPartner
	default:
		return unreadInternal
	}
}

func handleUnreads(ctx context.Context, d *Deps, args Args) (*mcp.CallToolResult, error) {
	a, err := parseUnreadsArgs(args)
	if err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	if s.Client.Identity.Kind == slackapi.BotToken {
		return nil, Inputf("bot tokens (xoxb) have no read state, so Slack cannot tell what is unread; configure a user token (xoxp) to use conversations_unreads")
	}
	candidates, note, err := memberConversations(ctx, s, a)
	if err != nil {
		return nil, err
	}
	sc := &unreadScan{s: s, a: a, me: s.Client.Identity.UserID, policy: d.Policy}
	found, scanned, stop := sc.run(ctx, candidates)
	if stop != nil {
		if !isRateLimit(stop) || len(found) == 0 {
			return nil, stop
		}
		note = joinNote(note, fmt.Sprintf("Slack rate limited the scan after %d conversations; showing what was found. %s", scanned, rateLimitAdvice(stop)))
	} else if scanned < len(candidates) && len(found) < a.maxChannels {
		note = joinNote(note, fmt.Sprintf("checked the %d highest-priority of %d conversations; narrow channel_types to see others.", scanned, len(candidates)))
	}
	if a.includeMessages {
		if err := sc.fetchMessages(ctx, found); err != nil {
			if !isRateLimit(err) {
				return nil, err
			}
			note = joinNote(note, "Slack rate limited reading messages; some conversations are listed without them. "+rateLimitAdvice(err))
		}
	}
	return sc.result(ctx, found, scanned, len(candidates), note), nil
}

// memberConversations lists the caller's conversations of the requested
// kinds, highest priority first.
func memberConversations(ctx context.Context, s *Session, a unreadsArgs) ([]slack.Channel, string, error) {
	p := &slack.GetConversationsForUserParameters{
		Types: a.slackTypes(), Limit: 999, ExcludeArchived: true, TeamID: s.Client.TeamParam(),
	}
	var out []slack.Channel
	note := ""
	for page := 0; ; page++ {
		if page == unreadsMaxPages {
			note = fmt.Sprintf("you are a member of more than %d conversations; only the first were considered.", len(out))
			break
		}
		chans, next, err := s.Client.GetConversationsForUserContext(ctx, p)
		if err != nil {
			return nil, "", err
		}
		for _, c := range chans {
			if c.IsArchived || !a.kinds[unreadKind(c)] {
				continue
			}
			out = append(out, c)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	sort.SliceStable(out, func(i, j int) bool {
		return unreadPriority[unreadKind(out[i])] < unreadPriority[unreadKind(out[j])]
	})
	return out, note, nil
}

// unreadScan checks conversations for unread messages.
type unreadScan struct {
	s      *Session
	a      unreadsArgs
	me     string
	policy Policy

	groupsOnce sync.Once
	myGroups   map[string]bool
}

// unreadHit is a conversation found to have (relevant) unread messages.
type unreadHit struct {
	index    int
	channel  slack.Channel
	kind     string
	count    int
	lastRead string
	messages []slack.Message
	fetched  bool // messages were read
}

// run checks candidates in priority order, a few at a time, until
// maxChannels conversations qualify or the scan budget is spent. It returns
// the qualifying ones in priority order, how many were checked, and the
// error that stopped the scan early, if any.
func (sc *unreadScan) run(ctx context.Context, candidates []slack.Channel) ([]unreadHit, int, error) {
	budget := min(len(candidates), unreadsScanBudget)
	var (
		mu      sync.Mutex
		next    int
		hits    []unreadHit
		stopErr error
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if stopErr != nil || next >= budget || len(hits) >= sc.a.maxChannels {
			return 0, false
		}
		next++
		return next - 1, true
	}
	var g errgroup.Group
	for range min(unreadsConcurrency, budget) {
		g.Go(func() error {
			for {
				i, ok := take()
				if !ok {
					return nil
				}
				hit, qualifies, err := sc.check(ctx, i, candidates[i])
				mu.Lock()
				switch {
				case err != nil && stopErr == nil:
					stopErr = err
					cancel()
				case err == nil && qualifies:
					hits = append(hits, hit)
				}
				mu.Unlock()
			}
		})
	}
	_ = g.Wait()
	sort.Slice(hits, func(i, j int) bool { return hits[i].index < hits[j].index })
	if len(hits) > sc.a.maxChannels {
		hits = hits[:sc.a.maxChannels]
	}
	return hits, next, stopErr
}

// check reads one conversation's read state. With mentions_only it also
// reads a channel's unread messages, to keep only those mentioning the
// caller; otherwise messages are read after the scan, for the chosen
// conversations only (conversations.history may be a Tier 1 method).
// Conversations that vanished or cannot be read are skipped.
func (sc *unreadScan) check(ctx context.Context, index int, c slack.Channel) (unreadHit, bool, error) {
	info, err := sc.s.Client.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: c.ID})
	if err != nil {
		if skippable(err) {
			return unreadHit{}, false, nil
		}
		return unreadHit{}, false, err
	}
	count := info.UnreadCountDisplay
	if count <= 0 {
		return unreadHit{}, false, nil
	}
	hit := unreadHit{index: index, channel: c, kind: unreadKind(c), count: count, lastRead: info.LastRead}
	if !sc.a.mentionsOnly || hit.kind == unreadDM || hit.kind == unreadGroupDM {
		return hit, true, nil
	}
	msgs, err := sc.unreadMessages(ctx, hit, max(sc.a.maxMessages, min(count, unreadsMentionScan)))
	if err != nil {
		if skippable(err) {
			return unreadHit{}, false, nil
		}
		return unreadHit{}, false, err
	}
	var mentions []slack.Message
	for _, m := range msgs {
		if sc.mentionsMe(ctx, m.Text) {
			mentions = append(mentions, m)
		}
	}
	if len(mentions) == 0 {
		return unreadHit{}, false, nil
	}
	hit.messages, hit.fetched = mentions[:min(len(mentions), sc.a.maxMessages)], true
	return hit, true, nil
}

// unreadMessages reads up to limit messages after the hit's last_read,
// newest first, without the caller's own.
func (sc *unreadScan) unreadMessages(ctx context.Context, hit unreadHit, limit int) ([]slack.Message, error) {
	resp, err := sc.s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: hit.channel.ID, Oldest: lastReadOrZero(hit.lastRead), Limit: sc.policy.historyPage(limit),
	})
	if err != nil {
		return nil, err
	}
	msgs := make([]slack.Message, 0, len(resp.Messages))
	for _, m := range resp.Messages {
		if sc.me != "" && m.User == sc.me {
			continue // your own messages are never unread
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// fetchMessages reads the unread messages of the chosen conversations that
// the scan did not read, a few at a time. A rate limit stops it: the hits
// read so far keep their messages and the error is returned for a note.
func (sc *unreadScan) fetchMessages(ctx context.Context, hits []unreadHit) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex
		stopErr error
	)
	var g errgroup.Group
	g.SetLimit(unreadsConcurrency)
	for i := range hits {
		if hits[i].fetched {
			continue
		}
		g.Go(func() error {
			msgs, err := sc.unreadMessages(ctx, hits[i], sc.a.maxMessages)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				hits[i].messages, hits[i].fetched = msgs[:min(len(msgs), sc.a.maxMessages)], true
			case skippable(err):
			case stopErr == nil:
				stopErr = err
				cancel()
			}
			return nil
		})
	}
	_ = g.Wait()
	return stopErr
}

func lastReadOrZero(ts string) string {
	if ts == "" {
		return "0"
	}
	return ts
}

// skippable are errors about one conversation that should not fail the
// whole scan.
func skippable(err error) bool {
	switch slackapi.SlackErrorCode(err) {
	case "channel_not_found", "not_in_channel", "method_not_supported_for_channel_type":
		return true
	}
	return false
}

func isRateLimit(err error) bool { return slackapi.SlackErrorCode(err) == "ratelimited" }

func rateLimitAdvice(err error) string {
	msg, _ := slackapi.Explain(err)
	return msg
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// mentionPattern finds user, user group and broadcast mentions in mrkdwn:
// <@U123>, <@U123|name>, <!subteam^S123>, <!subteam^S123|@team>, <!here>,
// <!channel>, <!everyone>.
var mentionPattern = regexp.MustCompile(`<(@[UW][A-Z0-9]+|!subteam\^[A-Z0-9]+|!here|!channel|!everyone)(?:\|[^>]*)?>`)

// mentionsMe reports whether text mentions the caller directly, through one
// of their user groups, or with a broadcast.
func (sc *unreadScan) mentionsMe(ctx context.Context, text string) bool {
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		ref := m[1]
		switch {
		case ref == "!here" || ref == "!channel" || ref == "!everyone":
			return true
		case strings.HasPrefix(ref, "@"):
			if ref[1:] == sc.me {
				return true
			}
		case strings.HasPrefix(ref, "!subteam^"):
			if sc.groups(ctx)[strings.TrimPrefix(ref, "!subteam^")] {
				return true
			}
		}
	}
	return false
}

// groups returns the IDs of the caller's user groups, read once with one
// usergroups.list call. Without the usergroups:read scope (or on any other
// failure) group mentions are simply not counted.
func (sc *unreadScan) groups(ctx context.Context) map[string]bool {
	sc.groupsOnce.Do(func() {
		sc.myGroups = map[string]bool{}
		opts := []slack.GetUserGroupsOption{slack.GetUserGroupsOptionIncludeUsers(true)}
		if t := sc.s.Client.TeamParam(); t != "" {
			opts = append(opts, slack.GetUserGroupsOptionTeamID(t))
		}
		groups, err := sc.s.Client.GetUserGroupsContext(ctx, opts...)
		if err != nil {
			return
		}
		for _, g := range groups {
			for _, u := range g.Users {
				if u == sc.me {
					sc.myGroups[g.ID] = true
				}
			}
		}
	})
	return sc.myGroups
}

// result renders the hits: a channels CSV, then (with include_messages) a
// messages CSV; structuredContent carries both lists.
func (sc *unreadScan) result(ctx context.Context, hits []unreadHit, scanned, total int, note string) *mcp.CallToolResult {
	labels := sc.labels(ctx, hits)
	out := Unreads{Channels: make([]UnreadChannel, 0, len(hits)), Scanned: scanned, Total: total, Note: note}
	for _, h := range hits {
		out.Channels = append(out.Channels, UnreadChannel{
			ChannelID: h.channel.ID, ChannelName: labels[h.channel.ID], Type: h.kind,
			UnreadCount: h.count, LastRead: h.lastRead,
		})
		if !sc.a.includeMessages {
			continue
		}
		rows := renderMessages(ctx, sc.s, h.channel.ID, h.messages, false)
		for i := range rows {
			if rows[i].ChannelName == "" {
				rows[i].ChannelName = labels[h.channel.ID]
			}
		}
		out.Messages = append(out.Messages, rows...)
	}
	text := csvText(out.Channels)
	if sc.a.includeMessages {
		if out.Messages == nil {
			out.Messages = []Message{}
		}
		text += "\n" + csvText(out.Messages)
	}
	if note != "" {
		text += "note: " + note + "\n"
	}
	return mcp.NewToolResultStructured(out, text)
}

// labels names each hit: #name, @user for DMs, @mpdm-... for group DMs;
// from the directories where they know the conversation, else from what
// users.conversations returned.
func (sc *unreadScan) labels(ctx context.Context, hits []unreadHit) map[string]string {
	out := make(map[string]string, len(hits))
	var peers []string
	for _, h := range hits {
		if sc.s.Channels != nil {
			if c, ok := sc.s.Channels.Cached(h.channel.ID); ok {
				if l := channelLabel(sc.s, c); l != "@" && l != "#" {
					out[h.channel.ID] = l
					continue
				}
			}
		}
		if h.channel.IsIM && h.channel.User != "" {
			peers = append(peers, h.channel.User)
		}
	}
	var users = map[string]string{}
	if len(peers) > 0 && sc.s.Users != nil {
		for id, u := range sc.s.Users.GetMany(ctx, peers) {
			users[id] = userHandle(u)
		}
	}
	for _, h := range hits {
		if _, ok := out[h.channel.ID]; ok {
			continue
		}
		c := h.channel
		switch {
		case c.IsIM:
			name := users[c.User]
			if name == "" {
				name = c.User
			}
			out[c.ID] = "@" + name
		case c.IsMpIM:
			out[c.ID] = "@" + c.Name
		default:
			out[c.ID] = "#" + c.Name
		}
	}
	return out
}
