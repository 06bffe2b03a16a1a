package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/confirm"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// person answers elicitation requests the way a person would, and keeps
// what they were shown.
type person struct {
	action mcp.ElicitationResponseAction
	mu     sync.Mutex
	shown  []string
}

func (p *person) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.shown = append(p.shown, r.Params.Message)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: p.action}}, nil
}

func (p *person) questions() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.shown...)
}

// A write asks the person first when the client can be asked: accepting
// posts, declining or dismissing changes nothing and is not an error, and a
// client without elicitation (or SLACK_MCP_CONFIRM_WRITES=off) is not asked.
// Both protocol eras: 2026-07-28 clients retry with the answer (multi
// round-trip), earlier ones are asked with elicitation/create.
func TestWritesAskThePerson(t *testing.T) {
	t.Parallel()
	const legacy = "2025-11-25"
	tests := []struct {
		name      string
		transport string
		protocol  string
		answer    mcp.ElicitationResponseAction // "": the client cannot be asked
		mode      confirm.Mode
		posted    bool
		asked     bool
	}{
		{"accept over HTTP", mcptransport.HTTP, "", mcp.ElicitationResponseActionAccept, confirm.Elicit, true, true},
		{"decline over HTTP", mcptransport.HTTP, "", mcp.ElicitationResponseActionDecline, confirm.Elicit, false, true},
		{"cancel over stdio", mcptransport.Stdio, "", mcp.ElicitationResponseActionCancel, confirm.Elicit, false, true},
		{"accept over stdio", mcptransport.Stdio, "", mcp.ElicitationResponseActionAccept, confirm.Elicit, true, true},
		{"legacy accept over HTTP", mcptransport.HTTP, legacy, mcp.ElicitationResponseActionAccept, confirm.Elicit, true, true},
		{"legacy decline over HTTP", mcptransport.HTTP, legacy, mcp.ElicitationResponseActionDecline, confirm.Elicit, false, true},
		{"legacy accept over stdio", mcptransport.Stdio, legacy, mcp.ElicitationResponseActionAccept, confirm.Elicit, true, true},
		// mcp-go's SSE transport cannot ask: SSE clients keep the old behaviour.
		{"legacy SSE cannot be asked", mcptransport.SSE, legacy, mcp.ElicitationResponseActionDecline, confirm.Elicit, true, false},
		{"no elicitation capability", mcptransport.HTTP, "", "", confirm.Elicit, true, false},
		{"legacy without capability", mcptransport.Stdio, legacy, "", confirm.Elicit, true, false},
		{"asking off", mcptransport.HTTP, "", mcp.ElicitationResponseActionDecline, confirm.Off, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ws := fixture()
			p := &person{action: tc.answer}
			var elicit client.ElicitationHandler
			if tc.answer != "" {
				elicit = p
			}
			e := newEnv(t, envOptions{transport: tc.transport, ws: ws, gates: allGates(), protocol: tc.protocol,
				elicit: elicit, confirm: confirm.New(tc.mode, []byte("test key"))})
			before := len(ws.Messages(generalID))

			res := e.call(t, "conversations_add_message", map[string]any{"channel_id": "#general", "text": "ship it on Friday"})
			require.False(t, res.IsError, text(res))
			if tc.posted {
				assert.Len(t, ws.Messages(generalID), before+1)
				assert.NotContains(t, text(res), "declined")
			} else {
				assert.Len(t, ws.Messages(generalID), before, "a declined write changes nothing")
				assert.Contains(t, text(res), "declined")
			}
			shown := p.questions()
			if !tc.asked {
				assert.Empty(t, shown)
				return
			}
			require.Len(t, shown, 1)
			for _, want := range []string{"Post a message", "#general (" + generalID + ")", "as @", "ship it on Friday"} {
				assert.Contains(t, shown[0], want)
			}
		})
	}
}

// Each write tool says what it will do; a declined edit or delete leaves
// the message as it was.
func TestDeclinedEditAndDeleteChangeNothing(t *testing.T) {
	t.Parallel()
	ws := fixture()
	mine := ws.AddMessage(generalID, slackemu.Message{TS: ts(700), User: meID, Text: "keep me"})
	p := &person{action: mcp.ElicitationResponseActionDecline}
	e := newEnv(t, envOptions{ws: ws, gates: allGates(), elicit: p, confirm: confirm.New(confirm.Elicit, nil)})
	for _, c := range []struct {
		tool string
		args map[string]any
		says string
	}{
		{"conversations_edit_message", map[string]any{"channel_id": generalID, "ts": mine, "text": "changed"}, "Edit your message " + mine},
		{"conversations_delete_message", map[string]any{"channel_id": generalID, "ts": mine}, "cannot be undone"},
		{"usergroups_create", map[string]any{"name": "Night Shift", "handle": "night-shift"}, "Create the user group @night-shift"},
	} {
		res := e.call(t, c.tool, c.args)
		require.False(t, res.IsError, text(res))
		assert.Contains(t, text(res), "declined", c.tool)
		shown := p.questions()
		assert.Contains(t, shown[len(shown)-1], c.says, c.tool)
	}
	hist := e.call(t, "conversations_history", map[string]any{"channel_id": generalID, "limit": "50"})
	assert.Contains(t, text(hist), "keep me")
	assert.False(t, strings.Contains(text(hist), "changed"))
}
