package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/authn"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/caller"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

const (
	everyFileID   = "F0EVERY001"
	everyGroupID  = "S0EVERY001"
	everyCanvasID = "F0EVERYCNV1"
)

// everyToolCall is one valid call of every tool against everyToolFixture,
// made in catalog order (a call may rely on an earlier one: join before
// leave, edit before delete). A new tool fails TestEveryToolInEveryMode
// until it has a row here.
var everyToolCall = map[string]map[string]any{
	"channels_list":                         {"channel_types": "public_channel,private_channel"},
	"channels_me":                           {},
	"conversations_join":                    {"channel_id": randomID},
	"conversations_leave":                   {"channel_id": randomID},
	"conversations_history":                 {"channel_id": generalID},
	"conversations_replies":                 {"channel_id": generalID, "thread_ts": ts(60)},
	"conversations_add_message":             {"channel_id": generalID, "text": "every tool says hi"},
	"conversations_edit_message":            {"channel_id": generalID, "ts": ts(180), "text": "edited"},
	"conversations_delete_message":          {"channel_id": generalID, "ts": ts(180)},
	"conversations_mark":                    {"channel_id": generalID, "ts": ts(60)},
	"conversations_schedule_message":        {"channel_id": generalID, "post_at": "3h", "text": "later"},
	"conversations_scheduled_messages_list": {},
	// The emulator numbers scheduled messages from Q00000001: the call above.
	"conversations_delete_scheduled_message": {"channel_id": generalID, "scheduled_message_id": "Q00000001"},
	"conversations_members":                  {"channel_id": generalID},
	"conversations_open":                     {"users": "@alice,bob@test.co"},
	"conversations_create":                   {"name": "every-tool"},
	"conversations_invite":                   {"channel_id": "#every-tool", "users": aliceID},
	"conversations_unreads":                  {},
	"conversations_search_messages":          {"search_query": "deploy", "context": 1},
	"users_search":                           {"query": "alice"},
	"users_profile":                          {"user": "@alice"},
	"users_set_status":                       {"status_text": "Heads down", "status_emoji": "tada", "expiration": "1h"},
	"reactions_add":                          {"channel_id": generalID, "timestamp": ts(0), "emoji": "tada"},
	"reactions_get":                          {"channel_id": generalID, "timestamp": ts(0)},
	"reactions_remove":                       {"channel_id": generalID, "timestamp": ts(0), "emoji": "tada"},
	"emoji_list":                             {"query": "tada"},
	"attachment_get_data":                    {"file_id": everyFileID},
	"files_list":                             {"channel_id": generalID},
	"files_search":                           {"query": "notes"},
	"files_upload":                           {"channel_id": generalID, "filename": "every.txt", "content": "every tool"},
	"usergroups_list":                        {},
	"usergroups_me":                          {"action": "list"},
	"usergroups_create":                      {"name": "Night Shift", "handle": "night-shift"},
	"usergroups_update":                      {"usergroup_id": everyGroupID, "description": "pages at night"},
	"usergroups_users_update":                {"usergroup_id": everyGroupID, "users": meID + "," + aliceID},
	"canvases_create":                        {"title": "Every tool", "markdown": "# Hello\n\nfrom every tool"},
	"canvases_read":                          {"canvas_id": everyCanvasID},
	"canvases_update":                        {"canvas_id": everyCanvasID, "operation": "insert_after", "section_contains": "Notes", "markdown": "- second"},
}

func everyToolFixture() *slackemu.Workspace {
	ws := fixture()
	ws.AddFile(slackemu.File{ID: everyFileID, Name: "notes.txt", Title: "Notes", Mimetype: "text/plain", Filetype: "text",
		User: aliceID, Content: []byte("meeting notes"), Channels: []string{generalID}})
	ws.AddUserGroup(slackemu.UserGroup{ID: everyGroupID, Handle: "oncall", Name: "On call", Users: []string{meID, aliceID}})
	ws.AddCanvas(slackemu.Canvas{ID: everyCanvasID, Title: "Notes", Owner: meID, Channel: generalID, Markdown: "# Notes\n\n- first"})
	return ws
}

// Every tool works in single-user mode (the env token, over stdio) and in
// multi-user mode (a Slack token per request as Bearer, validated and
// routed per caller, over Streamable HTTP), with every gate open.
func TestEveryToolInEveryMode(t *testing.T) {
	t.Parallel()
	modes := map[string]func(t *testing.T) *client.Client{
		"single-user stdio": func(t *testing.T) *client.Client {
			// The emulator's clock, so a scheduled time is ahead for both.
			return newEnv(t, envOptions{transport: mcptransport.Stdio, ws: everyToolFixture(), gates: allGates(), now: time.Now}).client
		},
		"multi-user http": func(t *testing.T) *client.Client { return newMultiUserClient(t, everyToolFixture(), allGates()) },
	}
	for name, connect := range modes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := connect(t)
			for _, tl := range tools.Catalog() {
				args, ok := everyToolCall[tl.Name]
				require.True(t, ok, "add a valid sample call of %s to everyToolCall", tl.Name)
				req := mcp.CallToolRequest{}
				req.Params.Name, req.Params.Arguments = tl.Name, args
				res, err := c.CallTool(context.Background(), req)
				require.NoError(t, err, tl.Name)
				require.False(t, res.IsError, "%s: %s", tl.Name, text(res))
			}
		})
	}
}

// newMultiUserClient serves ws the way OAuth mode does (a per-request
// Slack client from the Bearer token, validated with auth.test) and
// connects a client with the fixture's user token.
func newMultiUserClient(t *testing.T, ws *slackemu.Workspace, gates map[tools.Gate]bool) *client.Client {
	t.Helper()
	emu := slackemu.NewServer(ws, slackemu.Options{})
	t.Cleanup(emu.Close)
	factory, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, Logger: zerolog.Nop()})
	require.NoError(t, err)
	validator := caller.NewValidator(caller.ValidatorOptions{Factory: factory,
		Resolver: caller.New(caller.Options{AcceptSlackTokens: true}), Logger: zerolog.Nop()})
	multi := provider.NewMulti(provider.MultiOptions{Factory: factory, Validator: validator, Logger: zerolog.Nop()})
	t.Cleanup(multi.Close)
	sel, err := server.Select(tools.Catalog(), nil, gates)
	require.NoError(t, err)
	policy := tools.Policy{UploadMaxBytes: 1 << 20}
	for _, g := range tools.ChannelGates {
		*policy.Channels(g) = tools.AllChannels()
	}
	srv, err := server.New(server.Options{Provider: multi, Policy: policy, Selection: sel, Logger: zerolog.Nop()})
	require.NoError(t, err)
	h, closeSessions := mcptransport.Handler(srv, mcptransport.Options{Transport: mcptransport.HTTP, Logger: zerolog.Nop(),
		Authenticate: func(next http.Handler) http.Handler {
			return authn.Middleware(validator, authn.Options{Logger: zerolog.Nop()}, next)
		}})
	ts := httptest.NewServer(h)
	t.Cleanup(func() { closeSessions(context.Background()); ts.Close() })
	c, err := client.NewStreamableHttpClient(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + userToken}))
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	return c
}
