package tools

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"
)

// emptyWindowNote explains an empty time window, so the first call on a
// quiet channel is not a bare CSV header: it names the date of the newest
// message and a window that reaches it, at the cost of one history call
// (limit=1). hidden is how many activity notices the window held (and
// were left out); then they are the answer and no call is made. window is
// the window as the caller wrote it, such as "1d".
func emptyWindowNote(ctx context.Context, s *Session, channelID, window string, hidden int, now time.Time) string {
	if hidden > 0 {
		return fmt.Sprintf("the last %s holds only join/leave/topic notices (%d); include_activity_messages=true shows them", window, hidden)
	}
	resp, err := s.Client.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channelID, Limit: 1})
	if err != nil {
		return fmt.Sprintf("no messages in the last %s", window)
	}
	if len(resp.Messages) == 0 {
		return fmt.Sprintf("no messages in the last %s; this conversation has no messages you can see", window)
	}
	newest, err := time.Parse(time.RFC3339, tsTime(resp.Messages[0].Timestamp))
	if err != nil {
		return fmt.Sprintf("no messages in the last %s", window)
	}
	days := int(now.Sub(newest)/(24*time.Hour)) + 1
	return fmt.Sprintf("no messages in the last %s; the newest is from %s, use limit=%dd to reach it", window, newest.UTC().Format(time.DateOnly), days)
}
