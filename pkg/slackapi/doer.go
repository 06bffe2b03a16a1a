package slackapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tracing"
)

// defaultRetryAfter is the wait after a 429 that carries no usable
// Retry-After header; minRetryAfter is the least wait after any 429.
const (
	defaultRetryAfter = 5 * time.Second
	minRetryAfter     = time.Second
)

// doer is the http.Client-compatible Doer handed to slack-go: it paces,
// retries 429s within the budget, adds the session cookie and logs at debug.
type doer struct {
	f      *Factory
	scope  string
	fp     string
	cookie string   // URL-encoded xoxd value for session tokens, else ""
	api    *url.URL // the client's validated API URL
	client *Client  // nil for auth.test's doer; sets team_id (teams.go)
}

func (f *Factory) newDoer(c Credentials, id Identity, api *url.URL) *doer {
	d := &doer{f: f, fp: c.Fingerprint(), api: api}
	switch {
	case id.TeamID != "":
		d.scope = "team:" + id.TeamID
	case id.EnterpriseID != "":
		d.scope = "ent:" + id.EnterpriseID
	default:
		d.scope = "token:" + d.fp
	}
	if KindOf(c.Token) == SessionToken {
		d.cookie = cookieValue(c.Cookie)
	}
	return d
}

// methodOf derives the Web API method from a request path
// ("/api/conversations.history" -> "conversations.history").
func methodOf(path string) string {
	i := strings.LastIndex(path, "/api/")
	if i < 0 {
		return ""
	}
	m := path[i+len("/api/"):]
	if m == "" || strings.Contains(m, "/") {
		return ""
	}
	return m
}

// Do sends req, pacing it per (workspace, method) and retrying 429s. When
// the retries or the budget are exhausted it returns *RateLimitError, which
// slack-go passes through to the caller.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	method := methodOf(req.URL.Path)
	if method == "" {
		return d.send(req)
	}
	ctx := req.Context()
	if teamScoped[method] && d.client != nil {
		team, err := d.client.teamFor(ctx)
		if err != nil {
			return nil, err
		}
		if team != "" {
			if req, err = withTeamID(req, team); err != nil {
				return nil, err
			}
		}
	}

	if sharedRead(method) {
		return d.doShared(req, method)
	}
	return d.do(req, method)
}

// do sends req, pacing it per (workspace, method) and retrying 429s, in a
// span of its own (waits included).
func (d *doer) do(req *http.Request, method string) (resp *http.Response, err error) {
	ctx, span := tracing.Tracer().Start(req.Context(), "slack "+method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("slack.method", method)))
	defer func() {
		if resp != nil {
			span.SetAttributes(attribute.Int("http.response.status_code", resp.StatusCode))
		}
		if err != nil {
			span.SetStatus(codes.Error, SlackErrorCode(err))
		}
		span.End()
	}()
	req = req.WithContext(ctx)
	body, getBody, err := replayable(req)
	if err != nil {
		return nil, err
	}
	lim := limitFor(d.f.limits, method)
	key := PauseKey{Scope: d.scope, Method: method}
	if lim.PerChannel {
		key.Channel = channelArg(req, getBody)
	}
	b := d.f.buckets.get(key, lim, d.f.modeFor(method))

	var waited time.Duration
	for attempt := 0; ; attempt++ {
		if err := d.waitTurn(req, b, method, &waited); err != nil {
			if attempt == 0 && body != nil {
				_ = body.Close() // never handed to the transport, which would close it
			}
			return nil, err
		}
		r := req.Clone(ctx)
		switch {
		case attempt == 0 && body != nil:
			r.Body = body
		case getBody != nil:
			if r.Body, err = getBody(); err != nil {
				return nil, err
			}
		}
		sent := d.f.now()
		resp, err := d.send(r)
		if err != nil {
			d.f.observer.SlackCall(method, 0, d.f.now().Sub(sent))
			return nil, err
		}
		d.f.observer.SlackCall(method, resp.StatusCode, d.f.now().Sub(sent))
		if resp.StatusCode != http.StatusTooManyRequests {
			d.f.log.Debug().Ctx(req.Context()).Str("method", method).Int("status", resp.StatusCode).Int("attempt", attempt).
				Dur("waited_ms", waited).Str("token", d.fp).Str("scope", d.scope).Msg("slack call")
			return resp, nil
		}

		now := d.f.now()
		ra := retryAfter(resp.Header, now)
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		d.f.pushedBack(key, b, now, now.Add(ra))
		d.f.log.Debug().Ctx(req.Context()).Str("method", method).Int("status", resp.StatusCode).Int("attempt", attempt).
			Dur("retry_after_ms", ra).Dur("waited_ms", waited).Str("token", d.fp).Str("scope", d.scope).Msg("slack rate limited")
		if attempt >= d.f.maxRetries || waited+ra > d.f.retryBudget {
			return nil, &RateLimitError{Method: method, RetryAfter: ra}
		}
		// The next waitTurn sleeps until the key is unblocked.
	}
}

// waitTurn waits until the key is no longer blocked by an earlier 429 and,
// with pacing, until the token bucket allows the call. Waits that would take
// the call past its retry budget are refused with *RateLimitError.
func (d *doer) waitTurn(req *http.Request, b *bucket, method string, waited *time.Duration) error {
	ctx := req.Context()
	now := d.f.now()
	if w := b.blockedFor(now); w > 0 {
		if *waited+w > d.f.retryBudget {
			return &RateLimitError{Method: method, RetryAfter: w}
		}
		d.f.log.Debug().Ctx(req.Context()).Str("method", method).Dur("wait_ms", w).Str("token", d.fp).Str("scope", d.scope).Msg("slack waiting for Retry-After")
		if err := d.f.sleep(ctx, w); err != nil {
			return err
		}
		*waited += w
		d.f.observer.SlackWait(method, w)
		now = d.f.now()
	}
	if !b.pacingAt(now) {
		return nil
	}
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return &RateLimitError{Method: method, RetryAfter: time.Minute}
	}
	delay := r.DelayFrom(now)
	if delay <= 0 {
		return nil
	}
	if *waited+delay > d.f.retryBudget {
		r.CancelAt(now)
		return &RateLimitError{Method: method, RetryAfter: delay}
	}
	d.f.log.Debug().Ctx(req.Context()).Str("method", method).Dur("wait_ms", delay).Str("token", d.fp).Str("scope", d.scope).Msg("slack pacing")
	if err := d.f.sleep(ctx, delay); err != nil {
		r.CancelAt(d.f.now())
		return err
	}
	*waited += delay
	d.f.observer.SlackWait(method, delay)
	return nil
}

// send decorates the request (User-Agent, session cookie for hosts that may
// receive it) and sends it on the shared client.
func (d *doer) send(r *http.Request) (*http.Response, error) {
	if d.f.userAgent != "" {
		r.Header.Set("User-Agent", d.f.userAgent)
	}
	if d.cookie != "" && d.f.mayReceiveToken(r.URL, d.api) {
		addSessionCookie(r.Header, d.cookie)
	}
	resp, err := d.f.http.Do(r)
	return resp, scrubURLError(err)
}

// scrubURLError drops the query string from the URL a transport error
// quotes, so no argument (a token, a search query) reaches error messages
// or logs.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && (u.RawQuery != "" || u.User != nil) {
			u.RawQuery, u.User = "", nil
			ue.URL = u.String()
		}
	}
	return err
}

func addSessionCookie(h http.Header, value string) {
	c := "d=" + value
	if old := h.Get("Cookie"); old != "" {
		c = old + "; " + c
	}
	h.Set("Cookie", c)
}

// replayable returns the body to send first and a function producing fresh
// copies for retries, buffering the body when the request has no GetBody.
func replayable(req *http.Request) (first io.ReadCloser, again func() (io.ReadCloser, error), err error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil, nil
	}
	if req.GetBody != nil {
		return req.Body, req.GetBody, nil
	}
	buf, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	again = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	first, _ = again()
	return first, again, nil
}

// channelArg reads the "channel" argument of a request (query, form or
// JSON body) for per-channel pacing.
func channelArg(req *http.Request, getBody func() (io.ReadCloser, error)) string {
	if c := req.URL.Query().Get("channel"); c != "" {
		return c
	}
	if getBody == nil {
		return ""
	}
	rc, err := getBody()
	if err != nil {
		return ""
	}
	defer func() { _ = rc.Close() }()
	raw, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return ""
	}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(raw))
		if err != nil {
			return ""
		}
		return v.Get("channel")
	case "application/json":
		var v struct {
			Channel string `json:"channel"`
		}
		if json.Unmarshal(raw, &v) != nil {
			return ""
		}
		return v.Channel
	}
	return ""
}

// retryAfter reads Retry-After (seconds, or an HTTP date).
func retryAfter(h http.Header, now time.Time) time.Duration {
	s := strings.TrimSpace(h.Get("Retry-After"))
	if s == "" {
		return defaultRetryAfter
	}
	var d time.Duration
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 24*3600 {
			n = 24 * 3600
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(s); err == nil {
		d = t.Sub(now)
	} else {
		return defaultRetryAfter
	}
	return max(d, minRetryAfter)
}
