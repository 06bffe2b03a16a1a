package slackemu

import (
	"fmt"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// Options.NonMarketplace: history and replies give at most 15 messages a
// page (by default too) and allow one call a minute.
func TestNonMarketplaceMode(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint(on), func(t *testing.T) {
			t.Parallel()
			w := fixture()
			parent := w.AddMessage(cGeneral, Message{TS: "1700000000.000100", User: uAlice, Text: "parent"})
			for i := range 30 {
				w.AddMessage(cGeneral, Message{TS: fmt.Sprintf("17000001%02d.000100", i), User: uBob, Text: "m"})
				w.AddReply(cGeneral, parent, Message{TS: fmt.Sprintf("17000002%02d.000100", i), User: uBob, Text: "r"})
			}
			srv := start(t, w, Options{RateLimits: true, NonMarketplace: on})
			api := client(srv, tokAlice)
			for _, limit := range []int{0, 100} {
				h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: cGeneral, Limit: limit})
				if on && limit == 100 {
					var rl *slack.RateLimitedError
					require.ErrorAs(t, err, &rl, "Tier 1: the second call within the minute")
					continue
				}
				require.NoError(t, err)
				want := 31
				if on {
					want = 15
				}
				require.Len(t, h.Messages, want, "limit %d", limit)
				require.Equal(t, on, h.HasMore)
			}
			msgs, _, _, err := api.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: parent, Limit: 100})
			require.NoError(t, err)
			if on {
				require.LessOrEqual(t, len(msgs), 16, "15 replies, plus the parent unless it counts")
			} else {
				require.Len(t, msgs, 31)
			}
		})
	}
}
