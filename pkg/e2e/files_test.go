package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tools"
	mcptransport "github.com/slack-mcp-server/slack-mcp-server/pkg/transport"
)

// files_upload shares text, base64 or a file of the upload directory where
// the operator allows, within the size cap, through Slack's external
// flow; files_list and files_search find it; every bad input is refused
// before Slack is called.
func TestFilesUploadListSearch(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{mcptransport.Stdio, mcptransport.HTTP} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dir, outside := t.TempDir(), t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report.csv"), []byte("a,b\n1,2\n"), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "big.bin"), make([]byte, 2048), 0o600))
			require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o600))
			require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "escape.txt")))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o700))
			onlyGeneral, err := tools.ParseChannelPolicy("SLACK_MCP_FILE_UPLOAD_TOOL", generalID)
			require.NoError(t, err)
			policy := &tools.Policy{FileUpload: onlyGeneral, UploadDir: dir, UploadMaxBytes: 1024}
			e := newEnv(t, envOptions{transport: kind, gates: allGates(), policy: policy})

			up := e.call(t, "files_upload", map[string]any{"channel_id": "#general", "filename": "launch-notes.md",
				"title": "Launch notes", "content": "# Launch\nship it", "initial_comment": "notes from today"})
			require.False(t, up.IsError, text(up))
			assert.Contains(t, text(up), "uploaded launch-notes.md (16 bytes) as F")
			fileID := strings.Fields(strings.SplitAfter(text(up), " as ")[1])[0]
			read := e.call(t, "attachment_get_data", map[string]any{"file_id": fileID})
			require.False(t, read.IsError, text(read))
			assert.Contains(t, text(read), "ship it")
			hist := e.call(t, "conversations_history", map[string]any{"channel_id": "#general", "limit": "5"})
			assert.Contains(t, text(hist), "notes from today")

			b64 := e.call(t, "files_upload", map[string]any{"channel_id": generalID, "filename": "hi.txt",
				"content_base64": base64.StdEncoding.EncodeToString([]byte("hello there"))})
			require.False(t, b64.IsError, text(b64))
			fromDir := e.call(t, "files_upload", map[string]any{"channel_id": generalID, "path": "report.csv"})
			require.False(t, fromDir.IsError, text(fromDir))
			assert.Contains(t, text(fromDir), "uploaded report.csv (8 bytes)")

			list := e.call(t, "files_list", map[string]any{"channel_id": "#general"})
			require.False(t, list.IsError, text(list))
			assert.Contains(t, text(list), "FileID,Name,Title,Filetype,Size,User,UserName,Created,Channels,Permalink")
			for _, name := range []string{"launch-notes.md", "hi.txt", "report.csv"} {
				assert.Contains(t, text(list), name)
			}
			assert.Contains(t, text(list), "#general")
			page := e.call(t, "files_list", map[string]any{"channel_id": "#general", "limit": 1})
			require.False(t, page.IsError, text(page))
			assert.Contains(t, text(page), "next_cursor")
			found := e.call(t, "files_search", map[string]any{"query": "launch"})
			require.False(t, found.IsError, text(found))
			assert.Contains(t, text(found), "launch-notes.md")
			assert.NotContains(t, text(found), "report.csv")

			for _, bad := range []struct {
				tool string
				args map[string]any
				want string
			}{
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "a.txt"}, "exactly one of content"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "a.txt", "content": "x", "path": "report.csv"}, "got 2"},
				{"files_upload", map[string]any{"channel_id": "#general", "content": "x"}, "filename is required"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "../a.txt", "content": "x"}, "plain name, not a path"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "a.txt", "content": strings.Repeat("x", 1025)}, "up to 1.0 KiB"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "a.bin", "content_base64": base64.StdEncoding.EncodeToString(make([]byte, 2000))}, "up to 1.0 KiB"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "a.bin", "content_base64": "not base64!"}, "not valid base64"},
				{"files_upload", map[string]any{"channel_id": "#general", "path": "big.bin"}, "the file is 2.0 KiB"},
				{"files_upload", map[string]any{"channel_id": "#general", "path": "escape.txt"}, "outside the upload directory"},
				{"files_upload", map[string]any{"channel_id": "#general", "path": filepath.Join(outside, "secret.txt")}, "outside the upload directory"},
				{"files_upload", map[string]any{"channel_id": "#general", "path": "../../etc/passwd"}, "upload directory"},
				{"files_upload", map[string]any{"channel_id": "#general", "path": "nope.txt"}, "does not exist"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "d", "path": "sub"}, "not a regular file"},
				{"files_upload", map[string]any{"channel_id": "#leads", "filename": "a.txt", "content": "x"}, "not allowed by this server's SLACK_MCP_FILE_UPLOAD_TOOL"},
				{"files_list", map[string]any{"types": "movies"}, `"movies" is not one of`},
				{"files_list", map[string]any{"from": "someday"}, "from: date"},
				{"files_list", map[string]any{"to": "someday"}, "to: date"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": strings.Repeat("n", 256), "content": "x"}, "at most 255"},
				{"files_upload", map[string]any{"channel_id": "#general", "filename": "a\tb.txt", "content": "x"}, "control characters"},
				{"files_list", map[string]any{"from": "2025-02-01", "to": "2025-01-01"}, "is before from"},
				{"files_list", map[string]any{"user": "@nobody"}, "no user named @nobody"},
				{"files_search", map[string]any{"query": " "}, "query is required"},
			} {
				res := e.call(t, bad.tool, bad.args)
				require.True(t, res.IsError, "%s %v: %s", bad.tool, bad.args, text(res))
				assert.Contains(t, text(res), bad.want, "%s %v", bad.tool, bad.args)
			}
		})
	}
}

func TestFilesUploadWithoutDirOrWithSessionToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{gates: allGates()})
	res := e.call(t, "files_upload", map[string]any{"channel_id": "#general", "path": "/etc/hostname"})
	require.True(t, res.IsError, text(res))
	assert.Contains(t, text(res), "has not set SLACK_MCP_UPLOAD_DIR")

	ws := fixture()
	ws.AddToken("xoxc-session-token-1", slackemu.Token{UserID: meID, Kind: slackemu.SessionToken, Cookie: "xoxd-cookie"})
	s := newEnv(t, envOptions{ws: ws, token: "xoxc-session-token-1", cookie: "xoxd-cookie", gates: allGates()})
	res = s.call(t, "files_upload", map[string]any{"channel_id": "#general", "filename": "a.txt", "content": "x"})
	require.True(t, res.IsError, text(res))
	assert.Contains(t, text(res), "browser session token (xoxc-)")
}
