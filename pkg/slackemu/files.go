package slackemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// fileVisible reports whether userID may read f: they uploaded it or it
// is shared in a conversation they can see.
func (w *Workspace) fileVisible(f *File, userID string) bool {
	if f.User == userID {
		return true
	}
	for _, id := range f.Channels {
		ch := w.channelByID(id)
		if ch != nil && (kindOf(&ch.Channel) == typePublic || hasMember(ch.Members, userID)) {
			return true
		}
	}
	return false
}

func fileSize(f *File) int64 {
	if f.ReportedSize > 0 {
		return f.ReportedSize
	}
	return int64(len(f.Content))
}

// renderFile renders a file object; its URLs point at this server, where
// files.slack.com would serve them.
func (c *call) renderFile(f *File) obj {
	var chans, groups, ims []string
	public := false
	for _, id := range f.Channels {
		ch := c.w.channelByID(id)
		if ch == nil {
			continue
		}
		switch kindOf(&ch.Channel) {
		case typePublic:
			chans, public = append(chans, id), true
		case typePrivate, typeMPIM:
			groups = append(groups, id)
		case typeIM:
			ims = append(ims, id)
		}
	}
	name := url.PathEscape(f.Name)
	prefix := c.base + "/files-pri/" + c.w.team.ID + "-" + f.ID + "/"
	return obj{
		"id":                   f.ID,
		"created":              f.Created,
		"timestamp":            f.Created,
		"name":                 f.Name,
		"title":                f.Title,
		"mimetype":             f.Mimetype,
		"filetype":             f.Filetype,
		"pretty_type":          strings.ToUpper(f.Filetype),
		"user":                 f.User,
		"user_team":            c.w.team.ID,
		"editable":             false,
		"size":                 fileSize(f),
		"mode":                 "hosted",
		"is_external":          false,
		"external_type":        "",
		"is_public":            public,
		"public_url_shared":    false,
		"display_as_bot":       false,
		"url_private":          prefix + name,
		"url_private_download": prefix + "download/" + name,
		"permalink":            c.workspaceURL() + "files/" + f.User + "/" + f.ID + "/" + name,
		"channels":             nonNil(chans),
		"groups":               nonNil(groups),
		"ims":                  nonNil(ims),
		"has_rich_preview":     false,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func filesInfo(c *call) (obj, error) {
	if err := c.requireScope("files:read"); err != nil {
		return nil, err
	}
	i, ok := c.w.fileIdx[c.p.Get("file")]
	if !ok || !c.w.fileVisible(&c.w.files[i], c.token.UserID) {
		return nil, fail("file_not_found")
	}
	return obj{
		"file":              c.renderFile(&c.w.files[i]),
		"comments":          []any{},
		"response_metadata": meta(""),
	}, nil
}

// serveFile serves /files-pri/<team>-<file>/[download/]<name> like
// files.slack.com: a valid Bearer token that can read the file gets the
// bytes; anything else is redirected to the sign-in page with redir set to
// the file path. A file with RedirectTo answers 302 there instead.
func (s *Server) serveFile(rw http.ResponseWriter, r *http.Request) {
	const method = "files.download"
	s.count(method)
	if retry, code, hit := s.injected(method); hit {
		if code == "" {
			writeRateLimited(rw, retry)
			return
		}
		http.Error(rw, code, http.StatusInternalServerError)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/files-pri/")
	seg, tail, _ := strings.Cut(rest, "/")
	tail = strings.TrimPrefix(tail, "download/")
	team := s.ws.Team()
	fileID, ok := strings.CutPrefix(seg, team.ID+"-")
	if !ok || tail == "" {
		http.NotFound(rw, r)
		return
	}
	tok, authed := s.bearerToken(r)
	s.ws.mu.RLock()
	var f File
	i, found := s.ws.fileIdx[fileID]
	if found {
		f = s.ws.files[i]
	}
	visible := found && authed && s.ws.fileVisible(&f, tok.UserID)
	s.ws.mu.RUnlock()
	if !found || f.Name != tail {
		http.NotFound(rw, r)
		return
	}
	if !visible {
		http.Redirect(rw, r, baseURL(r)+"/?redir="+url.QueryEscape(r.URL.Path), http.StatusFound)
		return
	}
	if f.RedirectTo != "" {
		http.Redirect(rw, r, f.RedirectTo, http.StatusFound)
		return
	}
	ct := f.Mimetype
	if ct == "" {
		ct = "application/octet-stream"
	}
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
	if strings.HasPrefix(strings.TrimPrefix(r.URL.Path, "/files-pri/"+seg+"/"), "download/") {
		rw.Header().Set("Content-Disposition", "attachment; filename=\""+strings.ReplaceAll(f.Name, `"`, "")+"\"")
	}
	rw.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = rw.Write(f.Content)
	}
}
