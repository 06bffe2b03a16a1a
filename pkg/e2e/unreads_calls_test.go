package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// unreadsLargeWorkspace generates a workspace where the caller is a member
// of 200 conversations (160 public and 20 private channels, 10 group DMs,
// 10 DMs), each with 5 messages from others; every 10th is unread, the rest
// are read up to their newest message.
func unreadsLargeWorkspace() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(slackemu.Team{ID: teamID, Name: "Test Co", Domain: "testco"})
	ws.AddUser(slackemu.User{ID: meID, Name: "me", RealName: "Me Myself"})
	var peers []string
	for i := range 10 {
		id := fmt.Sprintf("U0PEER%04d", i)
		peers = append(peers, id)
		ws.AddUser(slackemu.User{ID: id, Name: fmt.Sprintf("peer%d", i), RealName: fmt.Sprintf("Peer %d", i)})
	}
	for i := range 200 {
		c := slackemu.Channel{Members: []string{meID, peers[i%10], peers[(i+1)%10]}}
		switch {
		case i < 160:
			c.ID, c.Name = fmt.Sprintf("C0CHAN%04d", i), fmt.Sprintf("chan-%d", i)
		case i < 180:
			c.ID, c.Name, c.IsPrivate = fmt.Sprintf("G0PRIV%04d", i), fmt.Sprintf("priv-%d", i), true
		case i < 190:
			c.ID, c.IsMPIM = fmt.Sprintf("G0MPIM%04d", i), true
		default:
			c.ID, c.IsIM, c.User = fmt.Sprintf("D0DM%06d", i), true, peers[i%10]
			c.Members = []string{meID, peers[i%10]}
		}
		ws.AddChannel(c)
		last := ""
		for j := range 5 {
			last = ws.AddMessage(c.ID, slackemu.Message{TS: ts(i*10 + j), User: peers[i%10], Text: "update " + fmt.Sprint(j)})
		}
		if i%10 != 0 {
			ws.SetLastRead(c.ID, meID, last)
		}
	}
	ws.AddToken(userToken, slackemu.Token{UserID: meID, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	return ws
}

// TestUnreadsSlackCallsOnLargeWorkspace reports the Slack calls one
// conversations_unreads call spends on 200 member conversations (issue 8's
// closing note), and that the spend stays within the scan budget.
//
// Before issue 8 the tool spent 221 calls here (1 users.conversations, 200
// conversations.info, 20 conversations.history) and found the 20 unread
// conversations only because the emulator then counted unread messages of
// channels, which Slack does for DMs alone: on Slack it found 1 (the DM).
// Now: at most 1 + 100, and what it finds is what Slack would show.
func TestUnreadsSlackCallsOnLargeWorkspace(t *testing.T) {
	t.Parallel()
	for _, args := range []map[string]any{
		{},
		{"include_messages": false},
		{"mentions_only": true},
	} {
		t.Run(fmt.Sprint(args), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{ws: unreadsLargeWorkspace()})
			e.waitWarm(t)
			e.emu.ResetCalls()
			res := e.call(t, "conversations_unreads", args)
			if res.IsError {
				t.Fatalf("error: %s", text(res))
			}
			counts := e.emu.CallCounts()
			total := 0
			var parts []string
			for m, n := range counts {
				if m == "users.list" || m == "conversations.list" {
					continue // the directories' background sweeps
				}
				total += n
				parts = append(parts, fmt.Sprintf("%s=%d", m, n))
			}
			sort.Strings(parts)
			t.Logf("Slack calls for one conversations_unreads %v on 200 conversations: %d (%s)", args, total, strings.Join(parts, " "))
			u := unreadsResult(t, res)
			t.Logf("found %d, %s", len(u.Channels), u.Note)
			require.LessOrEqual(t, counts["conversations.info"]+counts["conversations.history"], 100, "the scan budget")
			require.Equal(t, total, u.SlackCalls, "the result counts what Slack saw")
			require.True(t, u.BudgetCut)
			require.Equal(t, 200, u.Total)
		})
	}
}
