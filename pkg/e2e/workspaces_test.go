package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/provider"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/server"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

const otherTeamID = "T0OTHER001"

// twoSpaces is a provider whose caller reaches two workspaces, each a
// single-user session of its own emulator (OAuth mode does the same with
// one validation per workspace; see cmd's TestSeveralWorkspacesThroughOneConnection).
type twoSpaces struct {
	a, b *provider.Single
}

type spaceKey struct{}

func (p *twoSpaces) Session(ctx context.Context) (*tools.Session, error) {
	if id, _ := ctx.Value(spaceKey{}).(string); id == "other" {
		return p.b.Session(ctx)
	}
	return p.a.Session(ctx)
}

func (p *twoSpaces) Workspaces(context.Context) ([]tools.WorkspaceRef, error) {
	return []tools.WorkspaceRef{{TeamID: teamID, Name: "Test Co"}, {ID: "other", TeamID: otherTeamID, Name: "Other Co"}}, nil
}

func (p *twoSpaces) In(ctx context.Context, ref tools.WorkspaceRef) context.Context {
	return context.WithValue(ctx, spaceKey{}, ref.ID)
}

// otherWorkspace is a second workspace with its own #general and #ops.
func otherWorkspace() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(slackemu.Team{ID: otherTeamID, Name: "Other Co", Domain: "otherco"})
	ws.AddUser(slackemu.User{ID: meID, Name: "me", RealName: "Me Myself"})
	ws.AddChannel(slackemu.Channel{ID: "C0OTHERGEN", Name: "general", Members: []string{meID}})
	ws.AddChannel(slackemu.Channel{ID: "C0OTHEROPS", Name: "ops", Members: []string{meID}})
	ws.AddToken(userToken, slackemu.Token{UserID: meID, Kind: slackemu.UserToken, Scopes: slackemu.AllUserScopes()})
	return ws
}

// twoSpacesClient serves both workspaces through one MCP connection; each
// gets n messages with "zebra", their times interleaved (the fixture's
// even seconds, the other's odd).
func twoSpacesClient(t testing.TB, n int, hooks ...func(*server.Options)) *client.Client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	wsA, wsB := fixture(), otherWorkspace()
	for i := range 3 {
		wsA.AddFile(slackemu.File{ID: fmt.Sprintf("F0A%07d", i), Name: fmt.Sprintf("zebra-a%d.txt", i), Filetype: "text", User: meID,
			Channels: []string{generalID}, Created: int64(fixtureNow + 2*i), Content: []byte("a")})
		wsB.AddFile(slackemu.File{ID: fmt.Sprintf("F0B%07d", i), Name: fmt.Sprintf("zebra-b%d.txt", i), Filetype: "text", User: meID,
			Channels: []string{"C0OTHEROPS"}, Created: int64(fixtureNow + 2*i + 1), Content: []byte("b")})
	}
	for i := range n {
		wsA.AddMessage(generalID, slackemu.Message{TS: ts(1000 + 2*i), User: meID, Text: fmt.Sprintf("zebra a%d", i)})
		wsB.AddMessage("C0OTHEROPS", slackemu.Message{TS: ts(1001 + 2*i), User: meID, Text: fmt.Sprintf("zebra b%d", i)})
	}
	single := func(ws *slackemu.Workspace) *provider.Single {
		emu := slackemu.NewServer(ws, slackemu.Options{})
		t.Cleanup(emu.Close)
		f, err := slackapi.NewFactory(slackapi.Options{BaseURL: emu.URL, MaxRetries: 2, RetryBudget: 2 * time.Second, Logger: zerolog.Nop()})
		require.NoError(t, err)
		p, err := provider.NewSingle(ctx, provider.SingleOptions{Factory: f, Credentials: slackapi.Credentials{Token: userToken}, Logger: zerolog.Nop()})
		require.NoError(t, err)
		return p
	}
	o := server.Options{Provider: &twoSpaces{a: single(wsA), b: single(wsB)}, Logger: zerolog.Nop(), WorkspaceArg: true}
	for _, h := range hooks {
		h(&o)
	}
	s, err := server.New(o)
	require.NoError(t, err)
	c, _ := connect(t, ctx, s, mcptransport.HTTP, "", clientSide{})
	return c
}

// callRaw runs a tool and returns its result, errors included.
func callRaw(c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return c.CallTool(context.Background(), req)
}

// callJSON runs a listing tool and returns its structured page and text.
func callJSON[T any](t *testing.T, c *client.Client, name string, args map[string]any) (tools.Page[T], string) {
	t.Helper()
	r, err := callRaw(c, name, args)
	require.NoError(t, err)
	require.False(t, r.IsError, text(r))
	var page tools.Page[T]
	raw, err := json.Marshal(r.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &page))
	return page, text(r)
}

// channels_list and search without workspace cover both workspaces and
// mark each row; with workspace, one and no column; paging a merged
// search shows every match once, newest first across workspaces.
func TestListingsCoverEveryWorkspace(t *testing.T) {
	t.Parallel()
	const n = 25
	c := twoSpacesClient(t, n)

	page, csv := callJSON[tools.Channel](t, c, "channels_list", map[string]any{"channel_types": "public_channel"})
	assert.Contains(t, csv, ",Workspace\n", "the column appears when several workspaces are in play")
	byTeam := map[string][]string{}
	for _, ch := range page.Items {
		byTeam[ch.Workspace] = append(byTeam[ch.Workspace], ch.Name+" "+ch.ID)
	}
	assert.ElementsMatch(t, []string{"#general C0GENERAL1", "#random C0RANDOM01"}, byTeam[teamID])
	assert.ElementsMatch(t, []string{"#general C0OTHERGEN", "#ops C0OTHEROPS"}, byTeam[otherTeamID])

	one, csv := callJSON[tools.Channel](t, c, "channels_list", map[string]any{"channel_types": "public_channel", "workspace": "Other Co"})
	assert.NotContains(t, csv, "Workspace")
	require.Len(t, one.Items, 2)
	assert.Empty(t, one.Items[0].Workspace)

	// Page a merged search by 20: every match once, newest first.
	for _, sort := range []string{"time", "relevance"} {
		var seen []tools.Message
		cursor := ""
		for range 10 {
			args := map[string]any{"search_query": "zebra", "limit": "20", "sort": sort}
			if cursor != "" {
				args["cursor"] = cursor
			}
			got, _ := callJSON[tools.Message](t, c, "conversations_search_messages", args)
			seen = append(seen, got.Items...)
			if cursor = got.NextCursor; cursor == "" {
				break
			}
		}
		require.Len(t, seen, 2*n, sort)
		ids := map[string]bool{}
		for i, m := range seen {
			key := m.Workspace + "/" + m.MsgID
			assert.False(t, ids[key], "%s shown twice (%s)", key, sort)
			ids[key] = true
			assert.Contains(t, []string{teamID, otherTeamID}, m.Workspace)
			if sort == "time" && i > 0 {
				prev, _ := strconv.ParseFloat(seen[i-1].MsgID, 64)
				cur, _ := strconv.ParseFloat(m.MsgID, 64)
				assert.Greater(t, prev, cur, "newest first across workspaces and pages")
			}
		}
	}

	// Named: one workspace, no Workspace column.
	got, csv := callJSON[tools.Message](t, c, "conversations_search_messages", map[string]any{"search_query": "zebra", "limit": "20", "workspace": otherTeamID})
	assert.NotContains(t, csv, "Workspace")
	for _, m := range got.Items {
		assert.Equal(t, "C0OTHEROPS", m.Channel)
	}

	// Files too: both workspaces, newest first.
	files, _ := callJSON[tools.FileRow](t, c, "files_search", map[string]any{"query": "zebra"})
	var names []string
	for _, f := range files.Items {
		names = append(names, f.Name+"@"+f.Workspace)
	}
	assert.Equal(t, []string{"zebra-b2.txt@" + otherTeamID, "zebra-a2.txt@" + teamID, "zebra-b1.txt@" + otherTeamID,
		"zebra-a1.txt@" + teamID, "zebra-b0.txt@" + otherTeamID, "zebra-a0.txt@" + teamID}, names)

	// The directory resources name their workspace in the URI.
	for team, want := range map[string]string{otherTeamID: "C0OTHEROPS", teamID: generalID} {
		req := mcp.ReadResourceRequest{}
		req.Params.URI = "slack://" + team + "/channels"
		rr, err := c.ReadResource(context.Background(), req)
		require.NoError(t, err, team)
		body := rr.Contents[0].(mcp.TextResourceContents).Text
		assert.Contains(t, body, want, team)
	}
	req := mcp.ReadResourceRequest{}
	req.Params.URI = "slack://T0NOWHERE/channels"
	_, err := c.ReadResource(context.Background(), req)
	require.Error(t, err)

	// Bad input: a cursor of another listing, a workspace nobody has.
	r, err := callRaw(c, "conversations_search_messages", map[string]any{"search_query": "zebra", "cursor": "garbage"})
	require.NoError(t, err)
	assert.True(t, r.IsError)
	r, err = callRaw(c, "channels_list", map[string]any{"channel_types": "public_channel", "workspace": "Nowhere"})
	require.NoError(t, err)
	require.True(t, r.IsError)
	assert.Contains(t, text(r), `workspace "Nowhere" is not one this connection reaches; use one of: Test Co (T0TEST0001); Other Co (T0OTHER001)`)
}

// A write in the named workspace is counted, audited and confirmed as
// that workspace's, and lands there.
func TestWritesActInTheNamedWorkspace(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var audited []server.AuditRecord
	var counted []string
	c := twoSpacesClient(t, 0, func(o *server.Options) {
		o.Policy = tools.Policy{}
		*o.Policy.Channels(tools.GateAddMessage) = tools.AllChannels()
		sel, err := server.Select(tools.Catalog(), nil, map[tools.Gate]bool{tools.GateAddMessage: true})
		require.NoError(t, err)
		o.Selection = sel
		o.Audit = func(_ context.Context, r server.AuditRecord) { mu.Lock(); audited = append(audited, r); mu.Unlock() }
		o.CountCall = func(team string) { mu.Lock(); counted = append(counted, team); mu.Unlock() }
	})
	r, err := callRaw(c, "conversations_add_message", map[string]any{"channel_id": "#ops", "payload": "hello ops", "workspace": "otherco.slack.com"})
	require.NoError(t, err)
	require.True(t, r.IsError, "the domain is matched from auth.test's URL, which the emulator does not give as a Slack host")
	r, err = callRaw(c, "conversations_add_message", map[string]any{"channel_id": "#ops", "payload": "hello ops", "workspace": "Other Co"})
	require.NoError(t, err)
	require.False(t, r.IsError, text(r))
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, audited)
	last := audited[len(audited)-1]
	assert.Equal(t, otherTeamID, last.TeamID)
	assert.Equal(t, "C0OTHEROPS", last.Channel)
	assert.Equal(t, otherTeamID, counted[len(counted)-1])
}

// BenchmarkListingsAcrossWorkspaces: what covering two workspaces costs
// against naming one, through the MCP client over HTTP (the emulator
// answers on loopback, so this is our own overhead plus one Slack page a
// workspace).
func BenchmarkListingsAcrossWorkspaces(b *testing.B) {
	for _, tc := range []struct {
		name string
		tool string
		args map[string]any
	}{
		{"channels_list/both", "channels_list", map[string]any{"channel_types": "public_channel"}},
		{"channels_list/one", "channels_list", map[string]any{"channel_types": "public_channel", "workspace": otherTeamID}},
		{"search/both", "conversations_search_messages", map[string]any{"search_query": "zebra", "limit": "20"}},
		{"search/one", "conversations_search_messages", map[string]any{"search_query": "zebra", "limit": "20", "workspace": otherTeamID}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c := twoSpacesClient(b, 50)
			for b.Loop() {
				r, err := callRaw(c, tc.tool, tc.args)
				if err != nil || r.IsError {
					b.Fatal(err, text(r))
				}
			}
		})
	}
}
