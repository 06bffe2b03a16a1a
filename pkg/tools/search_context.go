package tools

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// searchSort maps the sort argument to search.messages' sort.
func searchSort(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "time", "timestamp", "newest":
		return "timestamp", nil
	case "relevance", "score":
		return "score", nil
	}
	return "", Inputf("sort must be time (newest first) or relevance (best match first), not %q", v)
}

// onlyMine keeps the matches in conversations the caller is a member of,
// as their channels directory knows them (DMs and group DMs always).
func onlyMine(s *Session, rows []Message) []Message {
	kept := rows[:0:0]
	for _, r := range rows {
		if strings.HasPrefix(r.Channel, "D") {
			kept = append(kept, r)
			continue
		}
		if c, ok := s.Channels.Cached(r.Channel); ok && c.IsMember {
			kept = append(kept, r)
		}
	}
	return kept
}

// contextCallBudget caps the Slack calls one search spends on context:
// history is Tier 3, shared by everyone of the workspace.
const contextCallBudget = 10

// afterWindow bounds the "after" read of a match: one page of at most
// contextAfterPage messages from the match to this much later.
const (
	afterWindow      = 6 * 3600
	contextAfterPage = 100
)

// withContext adds up to n messages before and after each match, from its
// conversation (or its thread, for a reply), until the call budget is
// spent; note says what was left out.
func withContext(ctx context.Context, d *Deps, s *Session, hits []Message, n int) ([]Message, string) {
	out := make([]Message, 0, len(hits)*(2*n+1))
	calls, skipped, partial := 0, 0, 0
	for _, h := range hits {
		if calls >= contextCallBudget || ctx.Err() != nil {
			out = append(out, h)
			skipped++
			continue
		}
		before, after, used, complete := contextOf(ctx, d, s, h, n)
		calls += used
		if !complete {
			partial++
		}
		out = append(out, before...)
		out = append(out, h)
		out = append(out, after...)
	}
	var notes []string
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("context shown for the first %d matches only (%d Slack calls each search may spend on it); %d had none", len(hits)-skipped, contextCallBudget, skipped))
	}
	if partial > 0 {
		notes = append(notes, fmt.Sprintf("the context of %d matches is incomplete (Slack refused, or the conversation is too busy to find the next messages in one call)", partial))
	}
	return out, strings.Join(notes, "; ")
}

// contextOf reads the messages around one match and says how many Slack
// calls that took and whether it found both sides.
func contextOf(ctx context.Context, d *Deps, s *Session, h Message, n int) (before, after []Message, calls int, complete bool) {
	mark := func(msgs []slack.Message) []Message {
		slices.SortFunc(msgs, func(a, b slack.Message) int { return strings.Compare(tsKey(a.Timestamp), tsKey(b.Timestamp)) })
		rows := renderMessages(ctx, s, h.Channel, msgs, false)
		for i := range rows {
			rows[i].ContextOf = h.MsgID
		}
		return rows
	}
	if h.ThreadTs != "" && h.ThreadTs != h.MsgID {
		// A reply: its neighbours are in the thread, one call.
		msgs, _, _, err := s.Client.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: h.Channel, Timestamp: h.ThreadTs, Limit: d.Policy.historyPage(200)})
		if err != nil {
			return nil, nil, 1, false
		}
		var b, a []slack.Message
		for _, m := range msgs {
			switch k := tsKey(m.Timestamp); {
			case k < tsKey(h.MsgID):
				b = append(b, m)
			case k > tsKey(h.MsgID):
				a = append(a, m)
			}
		}
		slices.SortFunc(b, func(x, y slack.Message) int { return strings.Compare(tsKey(x.Timestamp), tsKey(y.Timestamp)) })
		slices.SortFunc(a, func(x, y slack.Message) int { return strings.Compare(tsKey(x.Timestamp), tsKey(y.Timestamp)) })
		if len(b) > n {
			b = b[len(b)-n:]
		}
		if len(a) > n {
			a = a[:n]
		}
		return mark(b), mark(a), 1, true
	}
	complete = true
	// Before: history is newest first from latest, so the n right before.
	prev, err := s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: h.Channel, Latest: h.MsgID, Inclusive: false, Limit: d.Policy.historyPage(n)})
	calls++
	if err != nil {
		return nil, nil, calls, false
	}
	before = mark(prev.Messages)
	// After: Slack documents newest-first order but not which end a read
	// bounded only below starts from, so read a bounded window whole and
	// keep its oldest n; a window with more than one page is left out
	// rather than risk showing messages that are not the next ones.
	next, err := s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: h.Channel, Oldest: h.MsgID, Latest: addSeconds(h.MsgID, afterWindow), Inclusive: false,
		Limit: d.Policy.historyPage(contextAfterPage)})
	calls++
	if err != nil || next.HasMore {
		return before, nil, calls, false
	}
	msgs := next.Messages
	slices.SortFunc(msgs, func(a, b slack.Message) int { return strings.Compare(tsKey(a.Timestamp), tsKey(b.Timestamp)) })
	if len(msgs) > n {
		msgs = msgs[:n]
	}
	return before, mark(msgs), calls, complete
}

// tsKey makes Slack timestamps compare as strings ("9.1" < "10.0").
func tsKey(ts string) string {
	sec, frac, _ := strings.Cut(ts, ".")
	return fmt.Sprintf("%012s.%-6s", sec, frac)
}

// addSeconds returns ts moved by sec seconds, as a Slack timestamp.
func addSeconds(ts string, sec int64) string {
	whole, frac, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return ""
	}
	if frac == "" {
		frac = "000000"
	}
	return strconv.FormatInt(n+sec, 10) + "." + frac
}
