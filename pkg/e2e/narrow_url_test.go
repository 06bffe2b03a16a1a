package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
)

// clientAt connects a Streamable HTTP client to one path of the server.
func clientAt(t *testing.T, base, path string) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(base + path)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	return c
}

func listedNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	sort.Strings(names)
	return names
}

// The URL narrows the tools: /mcp/readonly lists and runs only tools that
// read, /mcp/x/<toolsets> only those toolsets; a tool of another toolset
// is refused with where to find it; unknown paths and toolsets are 404
// with a JSON body. /mcp keeps everything.
func TestURLNarrowsTools(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: allGates()})
	catalog := map[string]tools.Tool{}
	for _, tl := range tools.Catalog() {
		catalog[tl.Name] = tl
	}

	full := listedNames(t, clientAt(t, e.url, "/mcp"))
	assert.Contains(t, full, "conversations_add_message")

	ro := clientAt(t, e.url, "/mcp/readonly")
	roNames := listedNames(t, ro)
	require.NotEmpty(t, roNames)
	for _, n := range roNames {
		assert.True(t, catalog[n].ReadOnly, "%s is listed at /mcp/readonly", n)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "conversations_add_message"
	req.Params.Arguments = map[string]any{"channel_id": "#general", "text": "hi"}
	// A tool the URL does not list is unknown there, as MCP has it.
	_, err := ro.CallTool(context.Background(), req)
	require.ErrorContains(t, err, "tool 'conversations_add_message' not found")
	req.Params.Name, req.Params.Arguments = "channels_list", map[string]any{"channel_types": "public_channel"}
	res, err := ro.CallTool(context.Background(), req)
	require.NoError(t, err)
	require.False(t, res.IsError, text(res))

	assert.Equal(t, []string{"conversations_search_messages"}, listedNames(t, clientAt(t, e.url, "/mcp/x/search")))
	for _, n := range listedNames(t, clientAt(t, e.url, "/mcp/x/reactions,usergroups/readonly")) {
		tl := catalog[n]
		assert.True(t, tl.ReadOnly && (tl.Toolset == "reactions" || tl.Toolset == "usergroups"), n)
	}

	for path, want := range map[string]string{
		"/mcp/x/pigeons":  "unknown toolset(s): pigeons",
		"/mcp/writeonly":  "the MCP endpoints are",
		"/mcp/x/":         "the MCP endpoints are",
		"/mcp/x/search/y": "the MCP endpoints are",
	} {
		resp, err := http.Post(e.url+path, "application/json", nil)
		require.NoError(t, err)
		var body map[string]string
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
		assert.Equal(t, "NOT_FOUND", body["code"], path)
		assert.Contains(t, body["error"], want, path)
	}
}
