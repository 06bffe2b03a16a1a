package tools

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/slack-go/slack"
	"golang.org/x/sync/errgroup"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// neverRead is the last_read Slack gives a conversation never read.
const neverRead = "0000000000.000000"

// unreadScan checks conversations for unread messages.
//
// Slack's conversations.info returns last_read for every conversation the
// caller is in, but unread_count/unread_count_display "for DM
// conversations only" (docs.slack.dev/reference/methods/conversations.info).
// So a channel, private channel or group DM is unread when
// conversations.history with oldest=last_read holds a message from someone
// else; a DM is unread when Slack counted unread messages, and goes the same
// way when it did not (slack-go reads an absent count as 0).
type unreadScan struct {
	s      *Session
	a      unreadsArgs
	me     string
	policy Policy

	calls   atomic.Int64 // Slack calls spent by this tool call
	scanned int          // candidates whose check completed
	cut     bool         // the call budget ended the scan early

	groupsOnce sync.Once
	myGroups   map[string]bool
}

// unreadHit is a conversation found to have (relevant) unread messages.
type unreadHit struct {
	index    int
	channel  slack.Channel
	kind     string
	count    int
	more     bool // more unread messages than count
	lastRead string
	latest   string
	messages []slack.Message
}

// unreadCheck is the outcome of checking one conversation.
type unreadCheck struct {
	hit   *unreadHit
	calls int // conversations.info and conversations.history calls spent
	err   error
}

// run checks candidates in priority order, unreadsConcurrency at a time,
// until maxChannels conversations qualify or the call budget cannot cover
// another wave at its worst (two calls a conversation). Spending is settled
// between waves, so which conversations are checked depends on the data,
// never on timing. It returns the qualifying conversations in priority
// order and the error that stopped the scan early, if any.
func (sc *unreadScan) run(ctx context.Context, candidates []slack.Channel) ([]unreadHit, error) {
	var hits []unreadHit
	spent := 0
	var stop error
	for next := 0; next < len(candidates) && len(hits) < sc.a.maxChannels && stop == nil; {
		n := min(unreadsConcurrency, len(candidates)-next, (unreadsCallBudget-spent)/2)
		if n <= 0 {
			sc.cut = true
			break
		}
		wave := make([]unreadCheck, n)
		var g errgroup.Group
		for i := range n {
			g.Go(func() error {
				wave[i] = sc.check(ctx, next+i, candidates[next+i])
				return nil
			})
		}
		_ = g.Wait()
		for _, r := range wave {
			spent += r.calls
			switch {
			case r.err != nil:
				if stop == nil {
					stop = r.err
				}
			case r.hit != nil:
				hits = append(hits, *r.hit)
				sc.scanned++
			default:
				sc.scanned++
			}
		}
		next += n
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].index < hits[j].index })
	if len(hits) > sc.a.maxChannels {
		hits = hits[:sc.a.maxChannels]
	}
	return hits, stop
}

// check reads one conversation's read state and, where needed, its
// messages after last_read. Conversations that vanished or cannot be read
// are skipped.
func (sc *unreadScan) check(ctx context.Context, index int, c slack.Channel) (res unreadCheck) {
	res.calls++
	sc.calls.Add(1)
	info, err := sc.s.Client.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: c.ID})
	if err != nil {
		if !skippable(err) {
			res.err = err
		}
		return res
	}
	hit := unreadHit{index: index, channel: c, kind: unreadKind(c), lastRead: info.LastRead}
	if hit.lastRead == "" {
		hit.lastRead = neverRead
	}
	if info.Latest != nil && info.Latest.Timestamp != "" {
		// Slack includes latest for DMs; where it is there and not after
		// the cursor, nothing can be unread and history is not needed.
		hit.latest = info.Latest.Timestamp
		if !tsAfter(hit.latest, hit.lastRead) {
			return res
		}
	}
	channelLike := hit.kind == unreadPartner || hit.kind == unreadInternal
	limit := sc.a.maxMessages
	if sc.a.mentionsOnly && channelLike {
		limit = max(limit, unreadsMentionScan)
	}
	counted := c.IsIM && info.UnreadCountDisplay > 0
	if counted {
		hit.count = info.UnreadCountDisplay
		if !sc.a.includeMessages {
			res.hit = &hit
			return res
		}
	}
	res.calls++
	msgs, newest, more, err := sc.unreadMessages(ctx, c.ID, hit.lastRead, limit)
	if err != nil {
		switch {
		case !skippable(err):
			res.err = err
		case counted:
			res.hit = &hit // Slack counted them; listed without messages
		}
		return res
	}
	if hit.latest == "" {
		hit.latest = newest
	}
	if !counted {
		if len(msgs) == 0 {
			return res
		}
		hit.count, hit.more = len(msgs), more
	}
	if sc.a.mentionsOnly && channelLike {
		var mentions []slack.Message
		for _, m := range msgs {
			if sc.mentionsMe(ctx, m.Text) {
				mentions = append(mentions, m)
			}
		}
		if len(mentions) == 0 {
			return res
		}
		msgs = mentions
	}
	hit.messages = msgs[:min(len(msgs), sc.a.maxMessages)]
	res.hit = &hit
	return res
}

// unreadMessages reads up to limit messages after lastRead, newest first,
// and keeps those someone else wrote (your own are never unread; join and
// topic notices do not count). It also returns the newest message's ts and
// whether Slack holds more after lastRead.
func (sc *unreadScan) unreadMessages(ctx context.Context, channelID, lastRead string, limit int) ([]slack.Message, string, bool, error) {
	sc.calls.Add(1)
	resp, err := sc.s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: channelID, Oldest: lastRead, Limit: sc.policy.historyPage(limit),
	})
	if err != nil {
		return nil, "", false, err
	}
	newest := ""
	if len(resp.Messages) > 0 {
		newest = resp.Messages[0].Timestamp
	}
	msgs := make([]slack.Message, 0, len(resp.Messages))
	for _, m := range resp.Messages {
		if (sc.me != "" && m.User == sc.me) || activitySubtypes[m.SubType] {
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, newest, resp.HasMore, nil
}

// tsAfter reports whether Slack timestamp a is later than b; both are
// "seconds.micros" as Slack writes them, seconds possibly zero-padded.
func tsAfter(a, b string) bool {
	as, af, _ := strings.Cut(a, ".")
	bs, bf, _ := strings.Cut(b, ".")
	as, bs = strings.TrimLeft(as, "0"), strings.TrimLeft(bs, "0")
	if len(as) != len(bs) {
		return len(as) > len(bs)
	}
	if as != bs {
		return as > bs
	}
	pad := func(f string) string { return f + strings.Repeat("0", max(0, 6-len(f))) }
	return pad(af) > pad(bf)
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
		sc.calls.Add(1)
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
