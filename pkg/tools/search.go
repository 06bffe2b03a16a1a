package tools

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

const (
	searchDefaultLimit = 20
	searchMaxLimit     = 100
)

var searchFilters = []string{
	"filter_in_channel", "filter_in_im_or_mpim", "filter_users_with", "filter_users_from",
	"filter_date_before", "filter_date_after", "filter_date_on", "filter_date_during", "filter_threads_only",
}

func conversationsSearchMessages() Tool {
	return Tool{
		Name:     "conversations_search_messages",
		Title:    "Search messages",
		Toolset:  "search",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"search:read", "users:read"},
		Description: "Search Slack messages you can see, with optional filters. search_query may also be a Slack message link " +
			"(https://x.slack.com/archives/C123/p1700000000123456), which returns that one message. Needs a user token (bots cannot search). " +
			"Returns CSV like conversations_history plus the channel of each match.",
		Params:  input[searchInput](),
		Output:  mcp.WithOutputSchema[Page[Message]](),
		Handler: typed(handleSearch),
	}
}

// searchInput is the input of conversations_search_messages.
type searchInput struct {
	Query      params.TextArgument  `json:"search_query,omitempty" jsonschema:"Words to find, or a Slack message link. Optional when a filter is given."`
	InChannel  params.TextArgument  `json:"filter_in_channel,omitempty" jsonschema:"Only this channel: ID or #name."`
	InIM       params.TextArgument  `json:"filter_in_im_or_mpim,omitempty" jsonschema:"Only the DM with this user (@name) or this DM/group DM ID."`
	UsersWith  params.TextArgument  `json:"filter_users_with,omitempty" jsonschema:"Only conversations with this user: user ID or @name."`
	UsersFrom  params.TextArgument  `json:"filter_users_from,omitempty" jsonschema:"Only messages from this user: user ID or @name."`
	DateBefore params.TextArgument  `json:"filter_date_before,omitempty" jsonschema_description:"Before this date: YYYY-MM-DD, today, yesterday, 'Jan 15, 2024'."`
	DateAfter  params.TextArgument  `json:"filter_date_after,omitempty" jsonschema:"After this date."`
	DateOn     params.TextArgument  `json:"filter_date_on,omitempty" jsonschema:"On this date."`
	DateDuring params.TextArgument  `json:"filter_date_during,omitempty" jsonschema_description:"During a period: YYYY-MM, YYYY, a month name, 'last week', 'this month'."`
	Threads    params.BoolArgument  `json:"filter_threads_only,omitempty" default:"false" jsonschema:"Only messages in threads."`
	Limit      params.CountArgument `json:"limit,omitempty" count:"20,100" jsonschema:"Results per page"`
	Cursor     string               `json:"cursor,omitempty" jsonschema:"next_cursor from a previous call, to fetch the next page."`
	Sort       params.TextArgument  `json:"sort,omitempty" default:"time" jsonschema:"enum=time,enum=relevance" jsonschema_description:"time (newest first, the default) or relevance (best match first)."`
	OnlyMine   params.BoolArgument  `json:"only_my_channels,omitempty" default:"false" jsonschema:"Only matches in conversations you are a member of (your channels, DMs and group DMs)."`
	Context    params.CountArgument `json:"context,omitempty" count:"0,5" jsonschema:"Messages to show before and after each match, from its conversation (rows with ContextOf set); costs Slack calls, so only the first matches get it."`
}

// hasDateFilter says whether a filter needs the searcher's time zone.
func (in *searchInput) hasDateFilter() bool {
	return in.DateBefore != "" || in.DateAfter != "" || in.DateOn != "" || in.DateDuring != ""
}

func handleSearch(ctx context.Context, d *Deps, in *searchInput) (*mcp.CallToolResult, error) {
	query := strings.TrimSpace(string(in.Query))
	limit := int(in.Limit)
	if u, ok, err := params.ParseMessageURL(query); err != nil {
		return nil, inputErr(err)
	} else if ok {
		return messageByURL(linkWorkspace(ctx, d, u.Host), d, u)
	}
	sortBy, err := searchSort(string(in.Sort))
	if err != nil {
		return nil, err
	}
	spaces, err := listingWorkspaces(ctx, d)
	if err != nil {
		return nil, err
	}
	if spaces != nil {
		return searchEvery(ctx, d, in, spaces, sortBy)
	}
	s, full, err := prepareSearch(ctx, d, in)
	if err != nil {
		return nil, err
	}
	// A page number only means something for the same search, order and
	// page size.
	scope := params.CursorScope{Tool: "conversations_search_messages", Filter: full + "|" + sortBy + "|" + strconv.FormatBool(bool(in.OnlyMine)) + "|" + strconv.Itoa(limit)}
	page, err := intCursor(in.Cursor, scope, 1)
	if err != nil {
		return nil, err
	}
	rows, more, err := searchPage(ctx, s, full, sortBy, limit, page)
	if err != nil {
		return nil, err
	}
	if in.OnlyMine {
		rows = onlyMine(s, rows)
	}
	var note string
	if in.Context > 0 {
		rows, note = withContext(ctx, d, s, rows, int(in.Context))
	}
	next := ""
	if more {
		next = scope.Encode(strconv.Itoa(page + 1))
	}
	out := pageResult(rows, next)
	if note != "" {
		withNote(out, note)
	}
	return out, nil
}

// linkWorkspace is the context to read a message link in: the
// workspace of the link's host when the connection reaches several and
// the call named none; else ctx (a link from elsewhere may still be
// readable there, through a shared channel).
func linkWorkspace(ctx context.Context, d *Deps, host string) context.Context {
	if spaces, err := listingWorkspaces(ctx, d); err != nil || spaces == nil {
		return ctx
	}
	if in, err := InWorkspace(ctx, d, host); err == nil {
		return in
	}
	return ctx
}

// prepareSearch checks a search in ctx's workspace and returns its
// session and the whole query, filters resolved to Slack modifiers.
func prepareSearch(ctx context.Context, d *Deps, in *searchInput) (*Session, string, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, "", err
	}
	query := strings.TrimSpace(string(in.Query))
	mods, err := searchModifiers(ctx, d, s, in)
	if err != nil {
		return nil, "", err
	}
	if query == "" && len(mods) == 0 {
		return nil, "", Inputf("give search_query or at least one filter: %s", strings.Join(searchFilters, ", "))
	}
	if s.Client.Identity.Kind == slackapi.BotToken {
		return nil, "", Inputf("Slack does not let bot tokens (xoxb) search messages; configure a user token (xoxp) to use conversations_search_messages")
	}
	return s, strings.TrimSpace(strings.Join(append([]string{query}, mods...), " ")), nil
}

// searchPage is one page of search.messages as rows, in Slack's order,
// and whether more pages follow.
func searchPage(ctx context.Context, s *Session, full, sortBy string, limit, page int) ([]Message, bool, error) {
	res, err := s.Client.SearchMessagesContext(ctx, full, slack.SearchParameters{
		Sort: sortBy, SortDirection: "desc", Highlight: false, Count: limit, Page: page,
		TeamID: s.Client.TeamParam(),
	})
	if err != nil {
		return nil, false, err
	}
	msgs := make([]slack.Message, 0, len(res.Matches))
	for _, m := range res.Matches {
		msgs = append(msgs, slack.Message{Msg: slack.Msg{
			Timestamp: m.Timestamp, User: m.User, Username: m.Username, Text: m.Text,
			Channel: m.Channel.ID, Attachments: m.Attachments, Blocks: m.Blocks,
			// search.messages says nothing of threads; a reply's permalink does.
			ThreadTimestamp: permalinkThreadTS(m.Permalink),
		}})
	}
	rows := renderMessages(ctx, s, "", msgs, true)
	for i, m := range res.Matches {
		rows[i].Permalink = m.Permalink
		if rows[i].ChannelName == "" && m.Channel.Name != "" && !strings.HasPrefix(m.Channel.ID, "D") {
			rows[i].ChannelName = "#" + m.Channel.Name
		}
		if rows[i].UserName == "" {
			rows[i].UserName = m.Username
		}
	}
	return rows, res.Paging.Pages > page, nil
}

// searchModifiers turns the filter arguments into Slack search modifiers.
func searchModifiers(ctx context.Context, d *Deps, s *Session, in *searchInput) ([]string, error) {
	var mods []string
	now := d.now()
	if in.hasDateFilter() {
		now = now.In(searchZone(ctx, s))
	}
	if v := string(in.InChannel); v != "" {
		id, err := resolveChannel(ctx, s, v)
		if err != nil {
			return nil, err
		}
		c, err := s.Channels.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if c.IsIM || c.IsMPIM {
			return nil, Inputf("filter_in_channel takes a channel; use filter_in_im_or_mpim for DMs")
		}
		mods = append(mods, "in:#"+c.Name)
	}
	if v := string(in.InIM); v != "" {
		if !strings.HasPrefix(v, "@") && !strings.HasPrefix(v, "D") && !strings.HasPrefix(v, "G") && !strings.HasPrefix(v, "C") {
			v = "@" + v
		}
		id, err := resolveChannel(ctx, s, v)
		if err != nil {
			return nil, err
		}
		c, err := s.Channels.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		switch {
		case c.IsIM:
			mods = append(mods, "in:<@"+c.PeerUserID+">")
		case c.IsMPIM:
			mods = append(mods, "in:"+c.Name)
		default:
			return nil, Inputf("filter_in_im_or_mpim takes a DM or group DM; use filter_in_channel for channels")
		}
	}
	for _, f := range []struct {
		key, mod string
		v        params.TextArgument
	}{{"filter_users_with", "with:", in.UsersWith}, {"filter_users_from", "from:", in.UsersFrom}} {
		if v := string(f.v); v != "" {
			id, err := resolvePerson(ctx, s, v, f.key)
			if err != nil {
				return nil, err
			}
			mods = append(mods, f.mod+"<@"+id+">")
		}
	}
	// Slack's before:/after: are exclusive, so every date filter becomes a
	// precise after/before pair.
	for _, f := range []struct {
		mod string
		v   params.TextArgument
	}{{"before:", in.DateBefore}, {"after:", in.DateAfter}} {
		if v := string(f.v); v != "" {
			t, err := params.ParseDate(v, now)
			if err != nil {
				return nil, inputErr(err)
			}
			mods = append(mods, f.mod+params.SlackDate(t))
		}
	}
	if v := string(in.DateOn); v != "" {
		t, err := params.ParseDate(v, now)
		if err != nil {
			return nil, inputErr(err)
		}
		mods = append(mods, "on:"+params.SlackDate(t))
	}
	if v := string(in.DateDuring); v != "" {
		start, end, err := params.ParseDuring(v, now)
		if err != nil {
			return nil, inputErr(err)
		}
		mods = append(mods, "after:"+params.SlackDate(start.AddDate(0, 0, -1)), "before:"+params.SlackDate(end))
	}
	if in.Threads {
		mods = append(mods, "is:thread")
	}
	return mods, nil
}

// messageByURL fetches the one message a Slack link points at: one call.
func messageByURL(ctx context.Context, d *Deps, u params.MessageURL) (*mcp.CallToolResult, error) {
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	var msgs []slack.Message
	if u.ThreadTS != "" && u.ThreadTS != u.TS {
		// Every page of replies starts with the parent; Slack is reported to
		// count it within limit, so limit=1 could return the parent alone.
		// limit=2 holds parent and reply whether or not it counts.
		replies, _, _, err := s.Client.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: u.ChannelID, Timestamp: u.ThreadTS, Latest: u.TS, Oldest: u.TS, Inclusive: true, Limit: 2,
		})
		if err != nil {
			return nil, err
		}
		for _, m := range replies {
			if m.Timestamp == u.TS {
				msgs = append(msgs, m)
			}
		}
	} else {
		resp, err := s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: u.ChannelID, Latest: u.TS, Oldest: u.TS, Inclusive: true, Limit: 1,
		})
		if err != nil {
			return nil, err
		}
		for _, m := range resp.Messages {
			if m.Timestamp == u.TS {
				msgs = append(msgs, m)
			}
		}
	}
	if len(msgs) == 0 {
		return nil, Inputf("the message %s in %s was not found or is not visible to you", u.TS, u.ChannelID)
	}
	return pageResult(renderMessages(ctx, s, u.ChannelID, msgs, true), ""), nil
}

// permalinkThreadTS is the thread_ts query parameter Slack puts into the
// permalink of a thread reply, or "" when there is none.
func permalinkThreadTS(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	ts := u.Query().Get("thread_ts")
	if _, err := params.ParseTS(ts, "thread_ts"); err != nil {
		return ""
	}
	return ts
}
