package slackemu

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a Server.
type Options struct {
	// RateLimits enforces per-tier limits with 429 + Retry-After.
	RateLimits bool
	// Window is the rate-limit window; default one minute.
	Window time.Duration
	// TierLimits is calls per window per tier; default 1:1, 2:20, 3:50, 4:100.
	TierLimits map[int]int
	// WorkspaceURL is what auth.test returns as url and the base of
	// permalinks; default "http://<host the request was sent to>/".
	WorkspaceURL string
	// Now is the clock used for rate-limit windows, OAuth code and
	// consent expiry and token expiry; default time.Now.
	Now func() time.Time
	// RepliesLimitCountsParent makes conversations.replies count the thread
	// parent (which starts every page) within limit, as Slack is reported
	// to do; its documentation does not say. Default: the parent is extra.
	RepliesLimitCountsParent bool
	// NonMarketplace applies Slack's 2025 limits for commercially
	// distributed non-Marketplace apps (nonmarketplace.go).
	NonMarketplace bool
}

// maxBodyBytes bounds every request body.
const maxBodyBytes = 8 << 20

// Server serves a Workspace over HTTP the way slack.com serves the Web API.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234"; point slack-go at
	// URL + "/api/".
	URL string

	ws      *Workspace
	opts    Options
	methods map[string]methodSpec
	hs      *http.Server
	ln      net.Listener
	handler http.Handler

	mu      sync.Mutex
	calls   map[string]int
	fail429 map[string]failRate
	failErr map[string]failCode
	windows map[string]*window
	closed  bool
	consent Consent
	pending map[string]*authRequest // consent page request ID -> request
}

type failRate struct {
	n     int
	retry time.Duration
}

type failCode struct {
	n    int
	code string
}

type window struct {
	start time.Time
	n     int
}

// Tiers of Slack's Web API rate limits. tierSpecial methods have their own
// rules (chat.postMessage: per channel) or effectively none (auth.test).
const (
	tierSpecial = 0
	tier1       = 1
	tier2       = 2
	tier3       = 3
	tier4       = 4
)

// postsPerChannel models chat.postMessage's "about one per second per
// channel" as a count per window.
const postsPerChannel = 60

// NewServer serves w on a fresh 127.0.0.1 port until Close.
func NewServer(w *Workspace, opts Options) *Server {
	s, err := ServeAt(w, opts, "127.0.0.1:0")
	if err != nil {
		panic(err.Error())
	}
	return s
}

func newServer(w *Workspace, opts Options) *Server {
	if opts.Window <= 0 {
		opts.Window = time.Minute
	}
	limits := map[int]int{tier1: 1, tier2: 20, tier3: 50, tier4: 100}
	for k, v := range opts.TierLimits {
		limits[k] = v
	}
	opts.TierLimits = limits
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		ws:      w,
		opts:    opts,
		calls:   map[string]int{},
		fail429: map[string]failRate{},
		failErr: map[string]failCode{},
		windows: map[string]*window{},
		pending: map[string]*authRequest{},
	}
	s.methods = s.methodTable()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/files-pri/", s.serveFile)
	mux.HandleFunc(authorizePath, s.serveAuthorize(flowV2))
	mux.HandleFunc(userAuthorizePath, s.serveAuthorize(flowV2User))
	mux.HandleFunc(decidePath, s.serveDecide)
	mux.HandleFunc("/", s.serveLogin)
	s.handler = mux
	return s
}

// Close stops the server started by NewServer.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed || s.hs == nil {
		s.closed = true
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.hs.Shutdown(ctx); err != nil {
		_ = s.hs.Close()
	}
}

// Handler returns the HTTP handler, to mount the emulator on another
// server (URLs it returns follow the request's Host).
func (s *Server) Handler() http.Handler { return s.handler }

// Workspace returns the served workspace.
func (s *Server) Workspace() *Workspace { return s.ws }

// Calls returns how many requests reached the method ("files.download"
// counts file downloads).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// CallCounts returns a copy of every method's call count.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.calls)
}

// FailNext makes the next n calls of method answer HTTP 429 with
// Retry-After (seconds, rounded up), whether or not RateLimits is on.
func (s *Server) FailNext(method string, n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail429[method] = failRate{n: n, retry: retryAfter}
}

// FailNextWith makes the next n calls of method answer ok:false with the
// Slack error code.
func (s *Server) FailNextWith(method, slackError string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failErr[method] = failCode{n: n, code: slackError}
}

// obj is a JSON object under construction.
type obj = map[string]any

// apiError is a Slack error envelope: {"ok":false,"error":code, ...extra}.
type apiError struct {
	code  string
	extra obj
}

func (e *apiError) Error() string { return e.code }

func fail(code string) error { return &apiError{code: code} }

type methodSpec struct {
	tier   int
	scopes []string // accepted scopes, for X-Accepted-OAuth-Scopes
	write  bool     // needs the workspace write lock
	noAuth bool     // takes no token (the OAuth exchange methods)
	fn     func(*call) (obj, error)
}

// call is one API request being served.
type call struct {
	s        *Server
	w        *Workspace
	r        *http.Request
	method   string
	p        url.Values
	tokenStr string
	token    Token
	user     *User
	base     string // scheme://host of the request
}

func (s *Server) count(method string) {
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
}

// injected returns a failure queued by FailNext or FailNextWith.
func (s *Server) injected(method string) (retry time.Duration, code string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, found := s.fail429[method]; found && f.n > 0 {
		f.n--
		s.fail429[method] = f
		return f.retry, "", true
	}
	if f, found := s.failErr[method]; found && f.n > 0 {
		f.n--
		s.failErr[method] = f
		return 0, f.code, true
	}
	return 0, "", false
}

func (s *Server) serveAPI(rw http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	s.count(method)
	spec, ok := s.methods[method]
	if !ok {
		writeJSON(rw, http.StatusNotFound, obj{"ok": false, "error": "unknown_method"})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeJSON(rw, http.StatusMethodNotAllowed, obj{"ok": false, "error": "method_not_allowed"})
		return
	}
	if retry, code, hit := s.injected(method); hit {
		if code == "" {
			writeRateLimited(rw, retry)
			return
		}
		writeJSON(rw, http.StatusOK, obj{"ok": false, "error": code})
		return
	}
	c := &call{s: s, w: s.ws, r: r, method: method, base: baseURL(r)}
	var err error
	if c.p, err = readParams(r); err != nil {
		writeError(rw, err)
		return
	}
	if !spec.noAuth {
		if err := c.authenticate(); err != nil {
			writeError(rw, err)
			return
		}
		rw.Header().Set("X-OAuth-Scopes", strings.Join(c.token.Scopes, ","))
		rw.Header().Set("X-Accepted-OAuth-Scopes", strings.Join(spec.scopes, ","))
	}
	if retry, limited := s.rateLimit(method, spec, c); limited {
		writeRateLimited(rw, retry)
		return
	}
	body, err := c.run(spec)
	if err != nil {
		writeError(rw, err)
		return
	}
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(body)
}

// run executes the handler under the workspace lock and encodes its result
// before unlocking, so no shared slice escapes the lock.
func (c *call) run(spec methodSpec) ([]byte, error) {
	if spec.write {
		c.w.mu.Lock()
		defer c.w.mu.Unlock()
	} else {
		c.w.mu.RLock()
		defer c.w.mu.RUnlock()
	}
	if c.user == nil && c.token.UserID != "" {
		c.user = c.w.userByID(c.token.UserID)
	}
	res, err := spec.fn(c)
	if err != nil {
		return nil, err
	}
	if res == nil {
		res = obj{}
	}
	res["ok"] = true
	return json.Marshal(res)
}

func (c *call) authenticate() error {
	tok := ""
	if h := c.r.Header.Get("Authorization"); h != "" {
		scheme, rest, _ := strings.Cut(h, " ")
		if strings.EqualFold(scheme, "Bearer") {
			tok = strings.TrimSpace(rest)
		}
	}
	if tok == "" {
		tok = c.p.Get("token")
	}
	if tok == "" {
		return fail("not_authed")
	}
	c.w.mu.RLock()
	t, ok := c.w.tokens[tok]
	_, revoked := c.w.revoked[tok]
	var deleted bool
	if ok {
		if u := c.w.userByID(t.UserID); u != nil {
			deleted = u.Deleted
		}
	}
	c.w.mu.RUnlock()
	if !ok {
		if revoked {
			return fail("token_revoked")
		}
		return fail("invalid_auth")
	}
	if t.Kind == SessionToken && !cookieMatches(c.r, t.Cookie) {
		return fail("invalid_auth")
	}
	if expired(t, c.s.opts.Now()) {
		return fail("token_expired")
	}
	if deleted {
		return fail("account_inactive")
	}
	c.tokenStr, c.token = tok, t
	return nil
}

// bearerToken reports whether the request carries a valid token (Bearer header,
// plus the d cookie for session tokens).
func (s *Server) bearerToken(r *http.Request) (Token, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return Token{}, false
	}
	s.ws.mu.RLock()
	t, ok := s.ws.tokens[strings.TrimSpace(tok)]
	s.ws.mu.RUnlock()
	if !ok || (t.Kind == SessionToken && !cookieMatches(r, t.Cookie)) || expired(t, s.opts.Now()) {
		return Token{}, false
	}
	return t, true
}

// expired reports whether t has an expiry and now has reached it.
func expired(t Token, now time.Time) bool {
	return !t.Expires.IsZero() && !now.Before(t.Expires)
}

func cookieMatches(r *http.Request, want string) bool {
	if want == "" {
		return true
	}
	ck, err := r.Cookie("d")
	if err != nil {
		return false
	}
	return unescapeCookie(ck.Value) == unescapeCookie(want)
}

// unescapeCookie decodes the percent-encoding xoxd cookies usually carry.
func unescapeCookie(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func (s *Server) rateLimit(method string, spec methodSpec, c *call) (time.Duration, bool) {
	if !s.opts.RateLimits {
		return 0, false
	}
	limit := 0
	key := s.ws.Team().ID + "|" + method
	switch {
	case method == "chat.postMessage":
		limit = postsPerChannel
		key += "|" + c.p.Get("channel")
	case spec.tier == tierSpecial:
		return 0, false
	default:
		limit = s.opts.TierLimits[spec.tier]
	}
	if limit <= 0 {
		return 0, false
	}
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	win := s.windows[key]
	if win == nil || now.Sub(win.start) >= s.opts.Window {
		win = &window{start: now}
		s.windows[key] = win
	}
	if win.n >= limit {
		return win.start.Add(s.opts.Window).Sub(now), true
	}
	win.n++
	return 0, false
}

func writeRateLimited(rw http.ResponseWriter, retry time.Duration) {
	secs := int64(math.Ceil(retry.Seconds()))
	if secs < 1 {
		secs = 1
	}
	rw.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	writeJSON(rw, http.StatusTooManyRequests, obj{"ok": false, "error": "ratelimited"})
}

func writeError(rw http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{code: "internal_error"}
	}
	writeJSON(rw, http.StatusOK, errorBody(ae))
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"ok":false,"error":"internal_error"}`)
	}
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write(b)
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (c *call) workspaceURL() string {
	if c.s.opts.WorkspaceURL != "" {
		return withSlash(c.s.opts.WorkspaceURL)
	}
	return c.base + "/"
}

func withSlash(u string) string {
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

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
