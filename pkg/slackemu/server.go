package slackemu

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net"
	"net/http"
	"net/url"
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
	mux.HandleFunc(uploadPath, s.serveUpload)
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
