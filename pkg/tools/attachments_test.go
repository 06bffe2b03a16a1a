package tools

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// testPNG is a 1x1 transparent PNG.
var testPNG, _ = base64.StdEncoding.DecodeString(
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")

func attachmentsWorkspace() *slackemu.Workspace {
	ws := slackemu.NewWorkspace(testTeam)
	ws.AddUser(slackemu.User{ID: testMeID, Name: "alice"})
	ws.AddChannel(slackemu.Channel{ID: "C0GENERAL1", Name: "general", Members: []string{testMeID}})
	add := func(f slackemu.File) {
		f.User = testMeID
		f.Channels = []string{"C0GENERAL1"}
		ws.AddFile(f)
	}
	add(slackemu.File{ID: "F0TEXT1", Name: "notes.txt", Title: "Notes", Mimetype: "text/plain", Filetype: "text", Content: []byte("hello\nworld\n")})
	add(slackemu.File{ID: "F0JSON1", Name: "data.json", Mimetype: "application/json", Filetype: "json", Content: []byte(`{"a":1}`)})
	add(slackemu.File{ID: "F0UNKNOWN1", Name: "README", Mimetype: "application/octet-stream", Content: []byte("plain words\n")})
	add(slackemu.File{ID: "F0PNG1", Name: "dot.png", Mimetype: "image/png", Filetype: "png", Content: testPNG})
	add(slackemu.File{ID: "F0PDF1", Name: "doc.pdf", Mimetype: "application/pdf", Filetype: "pdf", Content: []byte("%PDF-1.4\n\x00\xff\xfe binary")})
	add(slackemu.File{ID: "F0NUL1", Name: "utf16.txt", Mimetype: "text/plain", Content: []byte("h\x00i\x00")})
	add(slackemu.File{ID: "F0BIG1", Name: "big.zip", Mimetype: "application/zip", Content: []byte("small really"), ReportedSize: 6 << 20})
	add(slackemu.File{ID: "F0LIAR1", Name: "liar.txt", Mimetype: "text/plain", Content: bytes.Repeat([]byte("a"), 5<<20+1), ReportedSize: 100})
	add(slackemu.File{ID: "F0EXACT1", Name: "exact.txt", Mimetype: "text/plain", Content: bytes.Repeat([]byte("b"), 5<<20)})
	ws.AddFile(slackemu.File{ID: "F0HIDDEN1", Name: "secret.txt", Mimetype: "text/plain", User: "U0OTHER1", Content: []byte("no")})
	return ws
}

func attachmentOf(t *testing.T, res *mcp.CallToolResult) Attachment {
	t.Helper()
	a, ok := res.StructuredContent.(Attachment)
	require.True(t, ok, "structuredContent is %T", res.StructuredContent)
	return a
}

func TestAttachmentContentKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id       string
		encoding string
		check    func(t *testing.T, res *mcp.CallToolResult)
	}{
		{id: "F0TEXT1", encoding: "text", check: func(t *testing.T, res *mcp.CallToolResult) {
			require.Len(t, res.Content, 2)
			require.Contains(t, res.Content[0].(mcp.TextContent).Text, `"notes.txt"`)
			require.Contains(t, res.Content[0].(mcp.TextContent).Text, "text/plain")
			require.Equal(t, "hello\nworld\n", res.Content[1].(mcp.TextContent).Text)
			a := attachmentOf(t, res)
			require.Equal(t, Attachment{ID: "F0TEXT1", Name: "notes.txt", Title: "Notes", Mimetype: "text/plain", Filetype: "text", Size: 12, Encoding: "text"}, a)
		}},
		{id: "F0JSON1", encoding: "text", check: func(t *testing.T, res *mcp.CallToolResult) {
			require.Equal(t, `{"a":1}`, res.Content[1].(mcp.TextContent).Text)
		}},
		{id: "F0UNKNOWN1", encoding: "text", check: func(t *testing.T, res *mcp.CallToolResult) {
			require.Equal(t, "plain words\n", res.Content[1].(mcp.TextContent).Text)
		}},
		{id: "F0PNG1", encoding: "image", check: func(t *testing.T, res *mcp.CallToolResult) {
			require.Len(t, res.Content, 2)
			require.Contains(t, res.Content[0].(mcp.TextContent).Text, "dot.png")
			img, ok := res.Content[1].(mcp.ImageContent)
			require.True(t, ok, "content[1] is %T", res.Content[1])
			require.Equal(t, "image/png", img.MIMEType)
			require.Equal(t, base64.StdEncoding.EncodeToString(testPNG), img.Data)
		}},
		{id: "F0PDF1", encoding: "base64", check: func(t *testing.T, res *mcp.CallToolResult) {
			er, ok := res.Content[1].(mcp.EmbeddedResource)
			require.True(t, ok, "content[1] is %T", res.Content[1])
			blob, ok := er.Resource.(mcp.BlobResourceContents)
			require.True(t, ok)
			require.Equal(t, "application/pdf", blob.MIMEType)
			raw, err := base64.StdEncoding.DecodeString(blob.Blob)
			require.NoError(t, err)
			require.Equal(t, []byte("%PDF-1.4\n\x00\xff\xfe binary"), raw)
		}},
		{id: "F0NUL1", encoding: "base64"},
		{id: "F0EXACT1", encoding: "text", check: func(t *testing.T, res *mcp.CallToolResult) {
			require.Equal(t, 5<<20, attachmentOf(t, res).Size, "exactly 5 MB is allowed")
		}},
	}
	env := newTestEnv(t, attachmentsWorkspace(), testMeID)
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			res, err := env.call(t, attachmentGetData(), Args{"file_id": tc.id})
			require.NoError(t, err)
			require.False(t, res.IsError)
			require.Equal(t, tc.encoding, attachmentOf(t, res).Encoding)
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

func TestAttachmentSizeCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		id           string
		wantDownload int
	}{
		{name: "reported size over 5 MB is refused before downloading", id: "F0BIG1", wantDownload: 0},
		{name: "actual bytes over 5 MB are refused although files.info said 100 bytes", id: "F0LIAR1", wantDownload: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, attachmentsWorkspace(), testMeID)
			_, err := env.call(t, attachmentGetData(), Args{"file_id": tc.id})
			requireInputError(t, err, "5 MB")
			require.Equal(t, 1, env.Srv.Calls("files.info"))
			require.Equal(t, tc.wantDownload, env.Srv.Calls("files.download"))
		})
	}
}

func TestAttachmentRedirectElsewhereGetsNoToken(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []http.Header
	)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("from a CDN"))
	}))
	t.Cleanup(other.Close)
	ws := attachmentsWorkspace()
	ws.AddFile(slackemu.File{ID: "F0REDIR1", Name: "moved.txt", Mimetype: "text/plain", User: testMeID,
		Channels: []string{"C0GENERAL1"}, Content: []byte("x"), RedirectTo: other.URL + "/moved.txt"})
	env := newTestEnv(t, ws, testMeID)

	res, err := env.call(t, attachmentGetData(), Args{"file_id": "F0REDIR1"})
	require.NoError(t, err)
	require.Equal(t, "from a CDN", res.Content[1].(mcp.TextContent).Text)
	require.Equal(t, 1, env.Srv.Calls("files.download"), "the Slack host was asked first")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 1)
	require.Empty(t, seen[0].Get("Authorization"), "the token must not follow a redirect off Slack")
	require.Empty(t, seen[0].Get("Cookie"))
}

func TestAttachmentBadInput(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, attachmentsWorkspace(), testMeID)
	for _, tc := range []struct {
		name string
		args Args
		want string
	}{
		{"missing", Args{}, "file_id is required"},
		{"empty", Args{"file_id": "  "}, "file_id is required"},
		{"null", Args{"file_id": nil}, "file_id is required"},
		{"lowercase", Args{"file_id": "f0text1"}, "not a Slack file ID"},
		{"channel ID", Args{"file_id": "C0GENERAL1"}, "not a Slack file ID"},
		{"no digit", Args{"file_id": "FABCDEF"}, "not a Slack file ID"},
		{"bare F", Args{"file_id": "F"}, "not a Slack file ID"},
		{"space inside", Args{"file_id": "F0 TEXT1"}, "not a Slack file ID"},
		{"URL", Args{"file_id": "https://files.slack.com/files-pri/T1-F0TEXT1/notes.txt"}, "not a Slack file ID"},
		{"too long", Args{"file_id": "F" + string(bytes.Repeat([]byte("1"), 40))}, "not a Slack file ID"},
		{"object", Args{"file_id": map[string]any{"id": "F0TEXT1"}}, "file_id is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.call(t, attachmentGetData(), tc.args)
			requireInputError(t, err, tc.want)
		})
	}
	require.Zero(t, env.Srv.Calls("files.info"), "bad input costs no Slack call")
}

func TestAttachmentSlackErrorsPassThrough(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, attachmentsWorkspace(), testMeID)
	for _, id := range []string{"F0MISSING1", "F0HIDDEN1"} {
		_, err := env.call(t, attachmentGetData(), Args{"file_id": id})
		require.Error(t, err)
		var ie *InputError
		require.False(t, errors.As(err, &ie))
		require.Equal(t, "file_not_found", slackapi.SlackErrorCode(err))
	}
	require.Zero(t, env.Srv.Calls("files.download"))
}

func TestAttachmentLooksText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mt   string
		data string
		want bool
	}{
		{"text/csv", "a,b\n", true},
		{"application/xml", "<a/>", true},
		{"application/x-yaml", "a: 1", true},
		{"application/vnd.api+json", "{}", true},
		{"image/svg+xml", "<svg/>", true},
		{"", "hello", true},
		{"text/plain", "\xff\xfe", false},
		{"application/pdf", "%PDF-1.4", false},
		{"application/zip", "PK", false},
		{"video/mp4", "ftyp", false},
	} {
		require.Equal(t, tc.want, looksText(tc.mt, []byte(tc.data)), "%s %q", tc.mt, tc.data)
	}
}
