package e2e

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

var scheduledID = regexp.MustCompile(`Q[A-Z0-9]{8,}`)

// Scheduling, listing and cancelling messages: where the operator allows,
// inside Slack's window, with a specific error for each bad input and an
// explanation when Slack refuses.
func TestScheduleMessages(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			onlyGeneral, err := tools.ParseChannelPolicy("SLACK_MCP_SCHEDULE_TOOL", generalID+","+randomID)
			require.NoError(t, err)
			e := newEnv(t, envOptions{transport: kind, gates: allGates(), policy: &tools.Policy{Schedule: onlyGeneral},
				now: time.Now}) // the emulator's clock: scheduling compares with it

			res := e.call(t, "conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "in 2 hours", "text": "**standup** moved"})
			require.False(t, res.IsError, text(res))
			id := scheduledID.FindString(text(res))
			require.NotEmpty(t, id, text(res))
			raw, err := json.Marshal(res.StructuredContent)
			require.NoError(t, err)
			assert.Contains(t, string(raw), `"scheduled_message_id":"`+id+`"`)

			list := e.call(t, "conversations_scheduled_messages_list", map[string]any{})
			require.False(t, list.IsError, text(list))
			assert.Contains(t, text(list), "ScheduledMessageID,Channel,ChannelName,PostAt,Text")
			assert.Contains(t, text(list), id+","+generalID+",#general,")
			assert.Contains(t, text(list), "**standup** moved")
			other := e.call(t, "conversations_scheduled_messages_list", map[string]any{"channel_id": "#leads"})
			require.False(t, other.IsError, text(other))
			assert.NotContains(t, text(other), id)

			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "tomorrow", "text": "x"}, `post_at: time "tomorrow" is not understood`},
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "1m", "text": "x"}, "at least 2 minutes ahead"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "2020-01-01T09:00:00Z", "text": "x"}, "is in the past"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "121d", "text": "x"}, "at most 120 days ahead"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "2h"}, "text is required"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "", "text": "x"}, "a time is required"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#general", "post_at": "2h", "text": "x", "content_type": "text/html"}, "content_type must be"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#leads", "post_at": "2h", "text": "x"}, "not allowed by this server's SLACK_MCP_SCHEDULE_TOOL"},
				{"conversations_schedule_message", map[string]any{"channel_id": "#random", "post_at": "2h", "text": "x"}, "not a member of the channel"},
				{"conversations_delete_scheduled_message", map[string]any{"channel_id": "#general", "scheduled_message_id": "123"}, "is not a scheduled message ID"},
				{"conversations_delete_scheduled_message", map[string]any{"channel_id": "#general"}, "scheduled_message_id is required"},
				{"conversations_delete_scheduled_message", map[string]any{"channel_id": "#leads", "scheduled_message_id": id}, "not allowed by this server's SLACK_MCP_SCHEDULE_TOOL"},
				{"conversations_delete_scheduled_message", map[string]any{"channel_id": "#general", "scheduled_message_id": "Q0000FFFF9"}, "No pending scheduled message has that ID"},
				{"conversations_scheduled_messages_list", map[string]any{"cursor": "bogus"}, "cursor"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}

			del := e.call(t, "conversations_delete_scheduled_message", map[string]any{"channel_id": generalID, "scheduled_message_id": id})
			require.False(t, del.IsError, text(del))
			assert.Contains(t, text(del), "cancelled scheduled message "+id)
			list = e.call(t, "conversations_scheduled_messages_list", map[string]any{})
			assert.NotContains(t, text(list), id)
			again := e.call(t, "conversations_delete_scheduled_message", map[string]any{"channel_id": generalID, "scheduled_message_id": id})
			require.True(t, again.IsError)
		})
	}
}
