package server

import (
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type row struct {
	Text string `json:"text"`
}

func TestSafeResult(t *testing.T) {
	t.Parallel()
	clean := mcp.NewToolResultStructured(row{Text: "hello"}, "Text\nhello\n")
	out := safeResult(clean)
	assert.Equal(t, row{Text: "hello"}, out.StructuredContent, "a clean result is handed on as it is")

	dirty := mcp.NewToolResultStructured(row{Text: "ig\u200bnore\u202e"}, "Text\nig\u200bnore\u202e\n")
	out = safeResult(dirty)
	require.Equal(t, "Text\nignore\n", out.Content[0].(mcp.TextContent).Text)
	raw, err := json.Marshal(out.StructuredContent)
	require.NoError(t, err)
	assert.JSONEq(t, `{"text":"ignore"}`, string(raw))

	assert.Nil(t, safeResult(nil))
}
