package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/slack-go/slack"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// fallbackUploadMax caps an upload when no Policy.UploadMaxBytes was set
// (the configuration's default, for Deps built without it).
const fallbackUploadMax = 25 << 20

// UploadedFile is the result of files_upload.
type UploadedFile struct {
	FileID  string `json:"file_id"`
	Name    string `json:"name"`
	Title   string `json:"title,omitempty"`
	Size    int    `json:"size" jsonschema:"bytes"`
	Channel string `json:"channel"`
}

type uploadInput struct {
	Channel        params.ChannelArgument `json:"channel_id" jsonschema:"Where to share it: channel ID, #channel-name or @user."`
	Filename       params.TextArgument    `json:"filename,omitempty" jsonschema:"File name with extension (notes.md); defaults to the name of path."`
	Title          params.TextArgument    `json:"title,omitempty" jsonschema:"Title shown in Slack; defaults to the file name."`
	Content        params.TextArgument    `json:"content,omitempty" jsonschema:"The file's text. Give exactly one of content, content_base64 and path."`
	ContentBase64  params.TextArgument    `json:"content_base64,omitempty" jsonschema:"The file's bytes, base64-encoded."`
	Path           params.TextArgument    `json:"path,omitempty" jsonschema:"A file inside the server's upload directory (SLACK_MCP_UPLOAD_DIR), absolute or relative to it."`
	InitialComment params.TextArgument    `json:"initial_comment,omitempty" jsonschema:"Message posted with the file."`
	ThreadTS       params.TSArgument      `json:"thread_ts,omitempty" jsonschema:"Share it as a reply in this thread (the parent's ts)."`
}

func filesUpload() Tool {
	return Tool{
		Name:    "files_upload",
		Title:   "Upload a file",
		Toolset: "files",
		Scopes:  []string{"files:write"},
		Gate:    GateFileUpload,
		Description: "Upload a file to a channel, DM or thread as you, from text, base64 or a file in the server's upload directory. " +
			"Off unless the operator enables it (SLACK_MCP_FILE_UPLOAD_TOOL), possibly only for some channels; size capped.",
		Params:  input[uploadInput](),
		Output:  mcp.WithOutputSchema[UploadedFile](),
		Handler: typed(handleUpload),
	}
}

func handleUpload(ctx context.Context, d *Deps, in *uploadInput) (*mcp.CallToolResult, error) {
	max := d.Policy.UploadMaxBytes
	if max <= 0 {
		max = fallbackUploadMax
	}
	name := strings.TrimSpace(string(in.Filename))
	if name == "" && in.Path != "" {
		name = filepath.Base(string(in.Path))
	}
	if err := checkFilename(name); err != nil {
		return nil, err
	}
	data, err := uploadContent(d, in, max)
	if err != nil {
		return nil, err
	}
	s, channelID, err := sessionWithChannel(ctx, d, in.Channel)
	if err != nil {
		return nil, err
	}
	if s.Client.Identity.Kind == slackapi.SessionToken {
		return nil, Inputf("files_upload cannot work with a browser session token (xoxc-): Slack's upload flow (files.getUploadURLExternal) does not accept it; use a user (xoxp-) or bot (xoxb-) token")
	}
	if err := allowed(ctx, d, s, GateFileUpload, channelID, "uploading to"); err != nil {
		return nil, err
	}
	title := strings.TrimSpace(string(in.Title))
	if title == "" {
		title = name
	}
	if err := confirmWrite(ctx, d, s, fmt.Sprintf("Upload %s (%s)", name, humanSize(int64(len(data)))), channelID, string(in.InitialComment)); err != nil {
		return nil, err
	}
	f, err := s.Client.UploadFileContext(ctx, slack.UploadFileParameters{
		Filename: name, Title: title, FileSize: len(data), Reader: bytes.NewReader(data),
		Channel: channelID, InitialComment: string(in.InitialComment), ThreadTimestamp: string(in.ThreadTS),
	})
	if err != nil {
		return nil, err
	}
	out := UploadedFile{FileID: f.ID, Name: name, Title: title, Size: len(data), Channel: channelID}
	return mcp.NewToolResultStructured(out, fmt.Sprintf("uploaded %s (%s) as %s to %s", name, humanSize(int64(len(data))), f.ID, channelID)), nil
}

// checkFilename refuses names Slack would show oddly or that smuggle a path.
func checkFilename(name string) error {
	switch {
	case name == "":
		return Inputf("filename is required (for example notes.md) unless path names the file")
	case utf8.RuneCountInString(name) > 255:
		return Inputf("filename is %d characters; at most 255", utf8.RuneCountInString(name))
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return Inputf("filename %q must be a plain name, not a path", clip(name, 80))
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return Inputf("filename holds control characters")
	}
	return nil
}

// uploadContent returns the bytes of exactly one of the three sources,
// refusing more than max bytes before reading or decoding them all.
func uploadContent(d *Deps, in *uploadInput, max int64) ([]byte, error) {
	given := 0
	for _, v := range []params.TextArgument{in.Content, in.ContentBase64, in.Path} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return nil, Inputf("give exactly one of content (text), content_base64 or path; got %d", given)
	}
	tooBig := func(n int64) error {
		return Inputf("the file is %s; this server accepts uploads up to %s (SLACK_MCP_UPLOAD_MAX_BYTES)", humanSize(n), humanSize(max))
	}
	var data []byte
	switch {
	case in.Content != "":
		if n := int64(len(in.Content)); n > max {
			return nil, tooBig(n)
		}
		data = []byte(in.Content)
	case in.ContentBase64 != "":
		raw := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, string(in.ContentBase64))
		if n := int64(base64.RawStdEncoding.DecodedLen(len(strings.TrimRight(raw, "=")))); n > max {
			return nil, tooBig(n)
		}
		var err error
		if data, err = decodeBase64(raw); err != nil {
			return nil, Inputf("content_base64 is not valid base64: %v", err)
		}
	default:
		var err error
		if data, err = readUploadPath(d.Policy.UploadDir, string(in.Path), max, tooBig); err != nil {
			return nil, err
		}
	}
	if len(data) == 0 {
		return nil, Inputf("the file is empty; Slack does not take empty uploads")
	}
	return data, nil
}

// decodeBase64 accepts standard and URL-safe base64, padded or not.
func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// readUploadPath reads a regular file that resolves (symlinks followed)
// to a place inside dir.
func readUploadPath(dir, p string, max int64, tooBig func(int64) error) ([]byte, error) {
	if dir == "" {
		return nil, Inputf("path is not available: the operator has not set SLACK_MCP_UPLOAD_DIR; send the file as content or content_base64")
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("upload directory %s: %w", dir, err)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	real, err := filepath.EvalSymlinks(filepath.Clean(p))
	if err != nil {
		return nil, Inputf("path %q does not exist inside the upload directory", clip(p, 200))
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return nil, Inputf("path %q is outside the upload directory (SLACK_MCP_UPLOAD_DIR); only files inside it can be uploaded", clip(p, 200))
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, Inputf("path %q cannot be read", clip(p, 200))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, Inputf("path %q is not a regular file", clip(p, 200))
	}
	if st.Size() > max {
		return nil, tooBig(st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", real, err)
	}
	if int64(len(data)) > max {
		return nil, tooBig(int64(len(data)))
	}
	return data, nil
}
