package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/params"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
)

// attachmentMaxBytes is the most attachment_get_data downloads (5 MB):
// checked against the size files.info reports, and enforced on the bytes
// actually read.
const attachmentMaxBytes = 5 << 20

// Attachment is the file metadata attachment_get_data returns as
// structuredContent; the file itself is in the content list.
type Attachment struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Title    string `json:"title,omitempty"`
	Mimetype string `json:"mimetype,omitempty"`
	Filetype string `json:"filetype,omitempty"`
	Size     int    `json:"size" jsonschema:"bytes downloaded"`
	Encoding string `json:"encoding" jsonschema:"text (UTF-8 text content), image (MCP image content) or base64 (embedded blob resource)"`
}

func attachmentGetData() Tool {
	return Tool{
		Name:     "attachment_get_data",
		Title:    "Download a file",
		Toolset:  "files",
		ReadOnly: true, Idempotent: true,
		Scopes: []string{"files:read"},
		Gate:   GateAttachment,
		Description: "Download a file shared in Slack by its ID (the AttachmentIDs column of conversations_history). " +
			"Text files (plain text, CSV, JSON, XML, YAML, code) come back as text, images as image content, other files " +
			"as a base64 blob. Files over 5 MB are refused. Off unless the operator enables it (SLACK_MCP_ATTACHMENT_TOOL).",
		Params:  input[attachmentInput](),
		Handler: typed(handleAttachmentGetData),
	}
}

// attachmentInput is the input of attachment_get_data.
type attachmentInput struct {
	FileID params.TextArgument `json:"file_id" jsonschema:"File ID, e.g. F0123ABCD456."`
}

// parseFileID validates a Slack file ID: F followed by uppercase letters
// and digits, with at least one digit.
func parseFileID(raw string) (string, error) {
	id := strings.TrimSpace(raw)
	if id == "" {
		return "", Inputf("file_id is required: a Slack file ID such as F0123ABCD456, from the AttachmentIDs column of conversations_history")
	}
	if !params.IsFileID(id) {
		return "", Inputf("file_id %q is not a Slack file ID; expected F followed by capital letters and digits, e.g. F0123ABCD456", clip(id, 40))
	}
	return id, nil
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func handleAttachmentGetData(ctx context.Context, d *Deps, in *attachmentInput) (*mcp.CallToolResult, error) {
	id, err := parseFileID(string(in.FileID))
	if err != nil {
		return nil, err
	}
	s, err := d.Slack(ctx)
	if err != nil {
		return nil, err
	}
	f, _, _, err := s.Client.GetFileInfoContext(ctx, id, 0, 0)
	if err != nil {
		return nil, err
	}
	if f.Size > attachmentMaxBytes {
		return nil, Inputf("file %s (%s) is %s; attachment_get_data downloads at most 5 MB", id, f.Name, humanSize(int64(f.Size)))
	}
	url := f.URLPrivateDownload
	if url == "" {
		url = f.URLPrivate
	}
	if url == "" {
		return nil, Inputf("file %s (%s) has no downloadable content (it may be deleted, external or hidden by the workspace's plan)", id, f.Name)
	}
	data, contentType, err := s.Client.Download(ctx, url, attachmentMaxBytes)
	if errors.Is(err, slackapi.ErrTooLarge) {
		return nil, Inputf("file %s (%s) is larger than 5 MB; attachment_get_data downloads at most 5 MB", id, f.Name)
	}
	if err != nil {
		return nil, err
	}
	mimetype := f.Mimetype
	if mimetype == "" {
		mimetype = contentType
	}
	mimetype = baseMediaType(mimetype)
	meta := Attachment{ID: f.ID, Name: f.Name, Title: f.Title, Mimetype: mimetype, Filetype: f.Filetype, Size: len(data)}
	if meta.ID == "" {
		meta.ID = id
	}
	line := fmt.Sprintf("file %s %q (%s, %s)", meta.ID, meta.Name, orUnknown(mimetype), humanSize(int64(len(data))))
	var content []mcp.Content
	switch {
	case isRasterImage(mimetype):
		meta.Encoding = "image"
		content = []mcp.Content{
			mcp.NewTextContent(line),
			mcp.NewImageContent(base64.StdEncoding.EncodeToString(data), mimetype),
		}
	case looksText(mimetype, data):
		meta.Encoding = "text"
		content = []mcp.Content{mcp.NewTextContent(line), mcp.NewTextContent(string(data))}
	default:
		meta.Encoding = "base64"
		blobType := mimetype
		if blobType == "" {
			blobType = "application/octet-stream"
		}
		content = []mcp.Content{
			mcp.NewTextContent(line + "; binary content attached base64-encoded"),
			mcp.NewEmbeddedResource(mcp.BlobResourceContents{
				URI:      "slack://file/" + meta.ID,
				MIMEType: blobType,
				Blob:     base64.StdEncoding.EncodeToString(data),
			}),
		}
	}
	return &mcp.CallToolResult{Content: content, StructuredContent: meta}, nil
}

func baseMediaType(v string) string {
	if v == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	}
	return mt
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown type"
	}
	return s
}

// isRasterImage reports image types MCP clients can show; SVG is XML text
// and is returned as text.
func isRasterImage(mt string) bool {
	return strings.HasPrefix(mt, "image/") && !strings.HasPrefix(mt, "image/svg")
}

// textTypes are non-text/* media types whose content is text.
var textTypes = map[string]bool{
	"application/json": true, "application/xml": true, "application/javascript": true,
	"application/x-javascript": true, "application/ecmascript": true, "application/typescript": true,
	"application/csv": true, "application/x-csv": true, "application/yaml": true, "application/x-yaml": true,
	"application/toml": true, "application/x-toml": true, "application/sql": true, "application/x-sh": true,
	"application/x-shellscript": true, "application/x-httpd-php": true, "application/x-python": true,
	"application/graphql": true, "application/ld+json": true, "application/x-ndjson": true,
	"application/x-www-form-urlencoded": true,
}

// looksText decides whether a file is returned as text: it must be valid
// UTF-8 without NUL bytes, and either have a text-like media type or one
// that says nothing (unknown, octet-stream) about a binary format.
func looksText(mt string, data []byte) bool {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), textTypes[mt],
		strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"), strings.HasSuffix(mt, "+yaml"),
		strings.HasPrefix(mt, "image/svg"):
		return true
	case mt == "", mt == "application/octet-stream", mt == "binary/octet-stream":
		return true
	case strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "image/"),
		strings.HasPrefix(mt, "font/"):
		return false
	}
	// Other application/* types (pdf, zip, office documents) are binary
	// formats even when a small sample happens to be valid UTF-8.
	return !strings.HasPrefix(mt, "application/")
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
