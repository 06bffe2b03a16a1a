package slackemu

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Slack's external upload flow, as docs.slack.dev describes it (checked
// 2026-12): files.getUploadURLExternal (files:write; filename and length
// required, invalid_arguments otherwise) returns an upload_url and a
// file_id; the bytes are POSTed there (raw or as a multipart "file"
// field); files.completeUploadExternal (files:write; files=[{id,title}],
// optional channel_id, initial_comment, thread_ts) finishes it, once, and
// shares the file as a message in the channel (private when no channel).
//
// Undocumented, assumed: completing a file never uploaded, or completing
// twice, is file_not_found; a length over Slack's 1 GB file limit is
// file_too_large; browser-session tokens (xoxc) get not_allowed_token_type
// from getUploadURLExternal (the incumbent's users report the flow fails
// for them, and Slack documents it for bot and user tokens only).

const (
	maxUploadBytes = 1 << 30
	uploadPath     = "/upload/v1/"
)

// pendingUpload is a file between getUploadURLExternal and
// completeUploadExternal.
type pendingUpload struct {
	user, name string
	length     int
	data       []byte
	uploaded   bool
}

func filesGetUploadURLExternal(c *call) (obj, error) {
	if c.token.Kind == SessionToken {
		return nil, fail("not_allowed_token_type")
	}
	if err := c.requireScope("files:write"); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(c.p.Get("filename"))
	length, err := strconv.Atoi(c.p.Get("length"))
	if name == "" || err != nil || length <= 0 {
		return nil, fail("invalid_arguments")
	}
	if length > maxUploadBytes {
		return nil, fail("file_too_large")
	}
	id := c.w.nextID("F")
	if c.w.uploads == nil {
		c.w.uploads = map[string]*pendingUpload{}
	}
	c.w.uploads[id] = &pendingUpload{user: c.token.UserID, name: name, length: length}
	return obj{"upload_url": c.base + uploadPath + id, "file_id": id}, nil
}

// serveUpload takes the bytes of a pending upload, as files.slack.com's
// upload URL does (the URL itself authorizes; a token may come along).
func (s *Server) serveUpload(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, uploadPath)
	data, err := readUpload(r)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	s.ws.mu.Lock()
	defer s.ws.mu.Unlock()
	u := s.ws.uploads[id]
	if u == nil {
		http.NotFound(rw, r)
		return
	}
	u.data, u.uploaded = data, true
	rw.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(rw, "OK - "+strconv.Itoa(len(data)))
}

// readUpload reads a raw body or the "file" part of a multipart form.
func readUpload(r *http.Request) ([]byte, error) {
	body := io.LimitReader(r.Body, maxUploadBytes+1)
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return io.ReadAll(body)
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, err
		}
		if part.FormName() == "file" {
			return io.ReadAll(part)
		}
	}
}

func filesCompleteUploadExternal(c *call) (obj, error) {
	if err := c.requireScope("files:write"); err != nil {
		return nil, err
	}
	var files []struct{ ID, Title string }
	if json.Unmarshal([]byte(c.p.Get("files")), &files) != nil || len(files) == 0 {
		return nil, fail("invalid_arguments")
	}
	var ch *channel
	if id := c.p.Get("channel_id"); id != "" {
		if ch = c.w.channelByID(id); ch == nil || !c.canSee(ch) {
			return nil, fail("channel_not_found")
		}
		if ch.IsArchived {
			return nil, fail("is_archived")
		}
		if !c.isMember(ch) {
			return nil, fail("not_in_channel")
		}
	}
	var parent *message
	if tts := c.p.Get("thread_ts"); tts != "" {
		ts, ok := parseTS(tts)
		if ch == nil || !ok || ch.byTS[ts] == nil {
			return nil, fail("invalid_thread_ts")
		}
		if parent = ch.byTS[ts]; parent.parent != 0 {
			parent = ch.byTS[parent.parent]
		}
	}
	for _, f := range files {
		if u := c.w.uploads[f.ID]; u == nil || !u.uploaded || u.user != c.token.UserID {
			return nil, fail("file_not_found")
		}
	}
	out := make([]obj, 0, len(files))
	var ids []string
	for _, f := range files {
		u := c.w.uploads[f.ID]
		delete(c.w.uploads, f.ID)
		title := f.Title
		if title == "" {
			title = u.name
		}
		file := File{ID: f.ID, Name: u.name, Title: title, User: u.user, Content: u.data,
			Mimetype: mimeOf(u.name), Filetype: strings.TrimPrefix(path.Ext(u.name), "."), Created: c.s.opts.Now().Unix()}
		if ch != nil {
			file.Channels = []string{ch.ID}
		}
		c.w.fileIdx[file.ID] = len(c.w.files)
		c.w.files = append(c.w.files, file)
		ids = append(ids, file.ID)
		out = append(out, obj{"id": file.ID, "title": title})
	}
	if ch != nil {
		msg := c.w.newMessageLocked(Message{User: c.token.UserID, Text: escapeText(c.p.Get("initial_comment")), Files: ids})
		if parent != nil {
			c.w.insertReply(ch, parent, msg)
		} else {
			c.w.insertTop(ch, msg)
		}
	}
	return obj{"files": out}, nil
}

func mimeOf(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}
