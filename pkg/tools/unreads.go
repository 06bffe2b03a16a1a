package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

const (
	// unreadsCallBudget bounds the conversations.info and
	// conversations.history calls of one call. A channel costs two (Slack
	// tells its read cursor, not whether anything follows it), so this is
	// about 50 channels: 50 calls of each method fit in one minute of Tier 3,
	// and the scan never waits on pacing or meets a 429 on its own.
	unreadsCallBudget = 100
	// unreadsConcurrency is how many conversations are checked at once.
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

// UnreadChannel is one conversation with unread messages. The first six
// columns are korotovsky/slack-mcp-server 1.3.0's, in its order.
type UnreadChannel struct {
	ChannelID   string `json:"channel_id" csv:"ChannelID"`
	ChannelName string `json:"channel_name" csv:"ChannelName" jsonschema:"#name, or @user for DMs"`
	Type        string `json:"type" csv:"ChannelType" jsonschema:"dm, group_dm, partner (Slack Connect) or internal"`
	UnreadCount int    `json:"unread_count" csv:"UnreadCount" jsonschema:"unread messages from others; at most the messages read per conversation unless Slack counted them (DMs), see more_unread"`
	LastRead    string `json:"last_read" csv:"LastRead" jsonschema:"ts of the last message you read; 0000000000.000000 if never"`
	Latest      string `json:"latest,omitempty" csv:"Latest" jsonschema:"ts of the newest message, when known"`
	MoreUnread  bool   `json:"more_unread,omitempty" csv:"MoreUnread" jsonschema:"true when there are more unread messages than unread_count"`
}

// Unreads is the structured result of conversations_unreads.
type Unreads struct {
	Channels   []UnreadChannel `json:"channels"`
	Messages   []Message       `json:"messages,omitempty" jsonschema:"unread messages, grouped by channel in the order of channels, newest first"`
	Scanned    int             `json:"scanned" jsonschema:"conversations whose read state was checked"`
	Total      int             `json:"total" jsonschema:"conversations of the requested types you are a member of"`
	SlackCalls int             `json:"slack_calls" jsonschema:"Slack Web API calls spent listing and checking conversations (name lookups in the cached directories not counted)"`
	BudgetCut  bool            `json:"budget_cut,omitempty" jsonschema:"true when the Slack-call budget ended the scan before every conversation was checked"`
	Note       string          `json:"note,omitempty" jsonschema:"what was scanned and anything partial about the result"`
}

func conversationsUnreads() Tool {
	return Tool{
		Name:     "conversations_unreads",
		Title:    "Get unread messages",
		Toolset:  "conversations",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{
			"channels:read", "groups:read", "im:read", "mpim:read",
			"channels:history", "groups:history", "im:history", "mpim:history", "usergroups:read",
		},
		Description: "List conversations with unread messages, most important first: DMs, then group DMs, then partner " +
			"(Slack Connect) channels, then internal channels. With include_messages (default) returns one CSV of the " +
			"unread messages in the conversations_history format; with include_messages=false a CSV of channels " +
			"(ChannelID, ChannelName, ChannelType, UnreadCount, LastRead, Latest, MoreUnread). Slack tells a user token " +
			fmt.Sprintf("only where you stopped reading, so each channel costs two Slack calls; one call checks at most about %d ", unreadsCallBudget/2) +
			"channels and a note says how many were scanned and when the budget cut the scan short (narrow channel_types " +
			"to reach others). Needs a user token. Reading does not mark anything as read. Muted channels cannot be " +
			"told apart (see include_muted).",
		Params:  input[unreadsInput](),
		Output:  mcp.WithOutputSchema[Unreads](),
		Handler: typed(handleUnreads),
	}
}

type unreadsArgs struct {
	includeMessages bool
	kinds           map[string]bool
	maxChannels     int
	maxMessages     int
	mentionsOnly    bool
	// muted is "" when include_muted was not given, else its value.
	muted string
}

// unreadsInput is the input of conversations_unreads.
type unreadsInput struct {
	IncludeMessages params.BoolArgument  `json:"include_messages,omitempty" default:"true" jsonschema:"Include the unread messages (default true); false returns only the channel summary."`
	MentionsOnly    params.BoolArgument  `json:"mentions_only,omitempty" default:"false" jsonschema:"Only DMs, group DMs and channel messages that mention you, one of your user groups, @here or @channel."`
	IncludeMuted    params.OptionalBool  `json:"include_muted,omitempty" default:"false" jsonschema:"Accepted for compatibility; it changes nothing. Slack's Web API gives user and bot tokens no documented way to know which channels you muted (only the undocumented users.prefs.get of browser sessions does), so muted channels are always included and a note says so when this is set."`
	ChannelTypes    params.TextArgument  `json:"channel_types,omitempty" default:"all" jsonschema:"enum=all,enum=dm,enum=group_dm,enum=partner,enum=internal" jsonschema_description:"all (default), dm (direct messages), group_dm (group DMs), partner (Slack Connect channels) or internal (other channels)."`
	MaxChannels     params.CountArgument `json:"max_channels,omitempty" jsonschema:"Most conversations to return" count:"50,200"`
	MaxMessages     params.CountArgument `json:"max_messages_per_channel,omitempty" jsonschema:"Most unread messages per conversation, newest first" count:"10,100"`
}

// parseUnreadsArgs decodes and checks the arguments of a call.
func parseUnreadsArgs(args Args) (unreadsArgs, error) {
	var in unreadsInput
	if err := params.Decode(args, &in); err != nil {
		return unreadsArgs{}, inputErr(err)
	}
	return in.parse()
}

func (in *unreadsInput) parse() (unreadsArgs, error) {
	a := unreadsArgs{
		includeMessages: bool(in.IncludeMessages),
		mentionsOnly:    bool(in.MentionsOnly),
		maxChannels:     int(in.MaxChannels),
		maxMessages:     int(in.MaxMessages),
	}
	if in.IncludeMuted.Given {
		a.muted = fmt.Sprint(in.IncludeMuted.Value)
	}
	switch t := strings.ToLower(strings.TrimSpace(string(in.ChannelTypes))); t {
	case "", "all":
		a.kinds = map[string]bool{unreadDM: true, unreadGroupDM: true, unreadPartner: true, unreadInternal: true}
	case unreadDM, unreadGroupDM, unreadPartner, unreadInternal:
		a.kinds = map[string]bool{t: true}
	default:
		return a, Inputf("channel_types must be one of all, dm, group_dm, partner, internal; got %q", t)
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

func handleUnreads(ctx context.Context, d *Deps, in *unreadsInput) (*mcp.CallToolResult, error) {
	a, err := in.parse()
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
	sc := &unreadScan{s: s, a: a, me: s.Client.Identity.UserID, policy: d.Policy}
	candidates, listNote, err := sc.memberConversations(ctx)
	if err != nil {
		return nil, err
	}
	found, stop := sc.run(ctx, candidates)
	var notes []string
	if stop != nil {
		// A rate limit after some conversations were checked still tells
		// something, even "nothing unread among them" (a non-Marketplace
		// app may read one conversations.history page a minute).
		if !isRateLimit(stop) || sc.scanned == 0 {
			return nil, stop
		}
		notes = append(notes, fmt.Sprintf("Slack rate limited the scan after %s; showing what was found. %s", unreadsPlural(sc.scanned, "conversation"), rateLimitAdvice(stop)))
	}
	notes = append(notes, sc.summary(len(candidates), len(found)), listNote)
	switch a.muted {
	case "true":
		notes = append(notes, "include_muted: muted channels are always included, since Slack does not tell this token which channels are muted.")
	case "false":
		notes = append(notes, "include_muted=false could not be honoured: Slack does not tell this token which channels are muted, so results may include them.")
	}
	return sc.result(ctx, found, len(candidates), joinNotes(notes)), nil
}

// summary says what the scan covered and what it cost.
func (sc *unreadScan) summary(total, found int) string {
	out := fmt.Sprintf("scanned %d of %d conversations with %d Slack calls; %d with unread messages.", sc.scanned, total, sc.calls.Load(), found)
	if sc.cut {
		out += fmt.Sprintf(" The budget of %d conversations.info/conversations.history calls per call ended the scan: the %d lower-priority conversations were not checked; narrow channel_types to reach them.", unreadsCallBudget, total-sc.scanned)
	}
	return out
}

func unreadsPlural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func joinNotes(notes []string) string {
	var kept []string
	for _, n := range notes {
		if n != "" {
			kept = append(kept, n)
		}
	}
	return strings.Join(kept, " ")
}

// memberConversations lists the caller's conversations of the requested
// kinds, highest priority first. Slack's listing carries no read state
// and no newest-message hint (the users.conversations example on
// docs.slack.dev has neither last_read nor latest; "updated" is when the
// channel's settings changed), so every candidate needs conversations.info.
func (sc *unreadScan) memberConversations(ctx context.Context) ([]slack.Channel, string, error) {
	p := &slack.GetConversationsForUserParameters{
		Types: sc.a.slackTypes(), Limit: 999, ExcludeArchived: true, TeamID: sc.s.Client.TeamParam(),
	}
	var out []slack.Channel
	note := ""
	for page := 0; ; page++ {
		if page == unreadsMaxPages {
			note = fmt.Sprintf("you are a member of more than %d conversations; only the first were considered.", len(out))
			break
		}
		sc.calls.Add(1)
		chans, next, err := sc.s.Client.GetConversationsForUserContext(ctx, p)
		if err != nil {
			return nil, "", err
		}
		for _, c := range chans {
			if c.IsArchived || !sc.a.kinds[unreadKind(c)] {
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

// result renders the hits. With include_messages the text is one message
// CSV, as 1.3.0 returns it; without, the channel CSV. structuredContent
// carries both lists either way.
func (sc *unreadScan) result(ctx context.Context, hits []unreadHit, total int, note string) *mcp.CallToolResult {
	labels := sc.labels(ctx, hits)
	out := Unreads{
		Channels: make([]UnreadChannel, 0, len(hits)), Scanned: sc.scanned, Total: total,
		SlackCalls: int(sc.calls.Load()), BudgetCut: sc.cut, Note: note,
	}
	for _, h := range hits {
		out.Channels = append(out.Channels, UnreadChannel{
			ChannelID: h.channel.ID, ChannelName: labels[h.channel.ID], Type: h.kind,
			UnreadCount: h.count, LastRead: h.lastRead, Latest: h.latest, MoreUnread: h.more,
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
	var text string
	if sc.a.includeMessages {
		if out.Messages == nil {
			out.Messages = []Message{}
		}
		text = csvText(out.Messages)
	} else {
		text = csvText(out.Channels)
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
