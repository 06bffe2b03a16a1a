package slackemu

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Reading a call's parameters (query, form or JSON body), limits,
// scopes and cursors, as slack.com reads them.

// readParams merges the query string with a form or JSON body. JSON values
// that are not strings keep their JSON text (so blocks arrive as JSON).
// As on Slack, a token inside a JSON body is ignored: send it as a Bearer.
func readParams(r *http.Request) (url.Values, error) {
	p := url.Values{}
	for k, v := range r.URL.Query() {
		p[k] = v
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(raw) > maxBodyBytes {
		return nil, fail("request_timeout")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fail("invalid_json")
		}
		for k, v := range m {
			if k == "token" {
				continue
			}
			var s string
			if json.Unmarshal(v, &s) == nil {
				p.Set(k, s)
				continue
			}
			if string(v) == "null" {
				continue
			}
			p.Set(k, string(v))
		}
	case "application/x-www-form-urlencoded", "":
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, fail("invalid_form_data")
		}
		for k, v := range form {
			p[k] = append(p[k], v...)
		}
	default:
		return nil, fail("invalid_post_type")
	}
	return p, nil
}

// boolParam reads Slack's booleans: true/1 (anything else is false).
func (c *call) boolParam(name string) bool {
	v := strings.ToLower(strings.TrimSpace(c.p.Get(name)))
	return v == "true" || v == "1"
}

// limit reads the limit parameter: empty or 0 gives def, a value above max
// is clamped to max, garbage or a negative number is invalid_limit.
func (c *call) limit(def, maxLimit int) (int, error) {
	v := strings.TrimSpace(c.p.Get("limit"))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fail("invalid_limit")
	}
	if n == 0 {
		return def, nil
	}
	return min(n, maxLimit), nil
}

// hasScope reports whether the token grants scope. Session tokens without
// explicit scopes can do anything, like the browser session they copy.
func (c *call) hasScope(scope string) bool {
	if c.token.Kind == SessionToken && len(c.token.Scopes) == 0 {
		return true
	}
	return slices.Contains(c.token.Scopes, scope)
}

func (c *call) requireScope(scope string) error {
	if c.hasScope(scope) {
		return nil
	}
	return &apiError{code: "missing_scope", extra: obj{
		"needed":   scope,
		"provided": strings.Join(c.token.Scopes, ","),
	}}
}

func (c *call) isBot() bool { return c.token.Kind == BotToken }

func encodeCursor(kind, value string) string {
	return base64.StdEncoding.EncodeToString([]byte(kind + ":" + value))
}

// decodeCursor returns the value of a cursor of the given kind; anything
// else is invalid_cursor.
func decodeCursor(cursor, kind string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(cursor)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(cursor); err != nil {
			return "", fail("invalid_cursor")
		}
	}
	k, v, ok := strings.Cut(string(raw), ":")
	if !ok || k != kind || v == "" {
		return "", fail("invalid_cursor")
	}
	return v, nil
}

// paginate returns one page of items. The cursor names the first item of
// the page by key, as Slack's "user:U061NFTT2" cursors do.
func paginate[T any](items []T, key func(T) string, kind, cursor string, limit int) ([]T, string, error) {
	start := 0
	if cursor != "" {
		v, err := decodeCursor(cursor, kind)
		if err != nil {
			return nil, "", err
		}
		start = slices.IndexFunc(items, func(it T) bool { return key(it) == v })
		if start < 0 {
			return nil, "", fail("invalid_cursor")
		}
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = encodeCursor(kind, key(items[end]))
	}
	return items[start:end], next, nil
}

func meta(next string) obj { return obj{"next_cursor": next} }
