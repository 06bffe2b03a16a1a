package slackemu

import (
	"sort"
	"strings"
	"time"
)

// files.list and search.files, as docs.slack.dev describes them (checked
// 2026-12):
//   - files.list (files:read) filters by channel, user, ts_from/ts_to
//     (Unix seconds, inclusive) and types (all, spaces, snippets, images,
//     gdocs, zips, pdfs, comma-separated), newest first, paged by count
//     (default 100) and page, with paging {count, total, page, pages};
//   - search.files (search:read, user tokens) takes the search.messages
//     query language and answers files {total, matches, paging,
//     pagination}.
//
// Undocumented, assumed: both list only files the caller may see (their
// own, or shared where they can read), as the Slack client does; an
// unknown type is unknown_type; search terms match a file's name, title
// and, for text files, its content.

var fileTypeFilters = map[string]func(f *File) bool{
	"all":      func(*File) bool { return true },
	"spaces":   func(f *File) bool { return f.Filetype == "space" || f.Filetype == "post" || f.Filetype == "canvas" },
	"snippets": func(f *File) bool { return f.Filetype == "text" || f.Filetype == "snippet" },
	"images":   func(f *File) bool { return strings.HasPrefix(f.Mimetype, "image/") },
	"gdocs":    func(f *File) bool { return strings.HasPrefix(f.Filetype, "gdoc") },
	"zips":     func(f *File) bool { return f.Filetype == "zip" },
	"pdfs":     func(f *File) bool { return f.Filetype == "pdf" },
}

func filesList(c *call) (obj, error) {
	if err := c.requireScope("files:read"); err != nil {
		return nil, err
	}
	var keep []func(*File) bool
	for _, t := range strings.Split(c.p.Get("types"), ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		f, ok := fileTypeFilters[t]
		if !ok {
			return nil, fail("unknown_type")
		}
		keep = append(keep, f)
	}
	channel, user := c.p.Get("channel"), c.p.Get("user")
	if channel != "" {
		if ch := c.w.channelByID(channel); ch == nil || !c.canSee(ch) {
			return nil, fail("channel_not_found")
		}
	}
	if user != "" && c.w.userByID(user) == nil {
		return nil, fail("user_not_found")
	}
	from := atoiDefault(c.p.Get("ts_from"), 0)
	to := atoiDefault(c.p.Get("ts_to"), 0)
	var out []*File
	for i := range c.w.files {
		f := &c.w.files[i]
		switch {
		case !c.w.fileVisible(f, c.token.UserID),
			channel != "" && !containsStr(f.Channels, channel),
			user != "" && f.User != user,
			from > 0 && f.Created < int64(from),
			to > 0 && f.Created > int64(to):
			continue
		}
		if len(keep) > 0 && !anyOf(keep, f) {
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created > out[j].Created })
	count := atoiDefault(c.p.Get("count"), 100)
	if count < 1 {
		count = 100
	}
	page := max(atoiDefault(c.p.Get("page"), 1), 1)
	files, paging, _ := c.filePage(out, count, page)
	return obj{"files": files, "paging": paging}, nil
}

func anyOf(keep []func(*File) bool, f *File) bool {
	for _, k := range keep {
		if k(f) {
			return true
		}
	}
	return false
}

// filePage renders one page of files with Slack's paging and pagination
// objects.
func (c *call) filePage(all []*File, count, page int) ([]obj, obj, obj) {
	total := len(all)
	pages := (total + count - 1) / count
	first := (page-1)*count + 1
	last := min(page*count, total)
	files := []obj{}
	for i := first - 1; i < last; i++ {
		files = append(files, c.renderFile(all[i]))
	}
	paging := obj{"count": count, "total": total, "page": page, "pages": pages}
	pagination := obj{"total_count": total, "page": page, "per_page": count, "page_count": pages, "first": first, "last": last}
	return files, paging, pagination
}

func searchFiles(c *call) (obj, error) {
	if c.isBot() {
		return nil, fail("not_allowed_token_type")
	}
	if err := c.requireScope("search:read"); err != nil {
		return nil, err
	}
	q := c.p.Get("query")
	if strings.TrimSpace(q) == "" {
		return nil, fail("no_query")
	}
	sq := c.parseQuery(q, time.Now().In(c.searchZone()))
	var hits []*File
	for i := range c.w.files {
		f := &c.w.files[i]
		if c.w.fileVisible(f, c.token.UserID) && c.fileMatches(sq, f) {
			hits = append(hits, f)
		}
	}
	asc := strings.EqualFold(c.p.Get("sort_dir"), "asc")
	sort.SliceStable(hits, func(i, j int) bool { return (hits[i].Created > hits[j].Created) != asc })
	count := min(max(atoiDefault(c.p.Get("count"), 20), 1), 100)
	page := min(max(atoiDefault(c.p.Get("page"), 1), 1), 100)
	files, paging, pagination := c.filePage(hits, count, page)
	return obj{"query": q, "files": obj{"total": len(hits), "matches": files, "paging": paging, "pagination": pagination}}, nil
}

// fileMatches applies a parsed query to a file.
func (c *call) fileMatches(sq *searchQuery, f *File) bool {
	text := strings.ToLower(f.Name + " " + f.Title)
	if strings.HasPrefix(f.Mimetype, "text/") {
		text += " " + strings.ToLower(string(f.Content))
	}
	for _, w := range sq.words {
		if !strings.Contains(text, strings.TrimSuffix(w, "*")) {
			return false
		}
	}
	for _, p := range sq.phrases {
		if !strings.Contains(text, p) {
			return false
		}
	}
	for _, x := range sq.excluded {
		if strings.Contains(text, x) {
			return false
		}
	}
	if sq.hasFrom && !sq.from[f.User] {
		return false
	}
	if sq.hasIn && !anyKey(sq.in, f.Channels) {
		return false
	}
	created := f.Created * int64(time.Second/time.Microsecond)
	return created >= sq.after && created < sq.before
}

func anyKey(set map[string]bool, ids []string) bool {
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}
