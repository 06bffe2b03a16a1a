package slackapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMethodOf(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/api/conversations.history":      "conversations.history",
		"/ws/acme/api/users.list":         "users.list",
		"/api/":                           "",
		"/api/a/b":                        "",
		"/files-pri/T1-F1/download/x.png": "",
		"":                                "",
		"/api/api/auth.test":              "auth.test",
		"/api/chat.postMessage":           "chat.postMessage",
	} {
		assert.Equal(t, want, methodOf(path), path)
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"30", 30 * time.Second},
		{" 2 ", 2 * time.Second},
		{"0", minRetryAfter},
		{"-5", minRetryAfter},
		{"", defaultRetryAfter},
		{"soon", defaultRetryAfter},
		{"999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), minRetryAfter},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		assert.Equal(t, tc.want, retryAfter(h, now), "%q", tc.header)
	}
}

func history(ctx context.Context, c *Client) error {
	_, err := c.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Limit: 15})
	return err
}

func TestRetryOn429(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		opts       func(*Options)
		fail       []string
		wantCalls  int
		wantSleeps []time.Duration
		wantErr    time.Duration // RetryAfter of the expected *RateLimitError; 0 = success
	}{
		{name: "one 429 then success", fail: []string{"2"}, wantCalls: 2, wantSleeps: []time.Duration{2 * time.Second}},
		{name: "three 429s then success", fail: []string{"1", "1", "3"}, wantCalls: 4, wantSleeps: []time.Duration{time.Second, time.Second, 3 * time.Second}},
		{name: "retries exhausted", fail: []string{"1", "1", "1", "4"}, wantCalls: 4, wantSleeps: []time.Duration{time.Second, time.Second, time.Second}, wantErr: 4 * time.Second},
		{name: "Retry-After beyond budget", fail: []string{"60"}, wantCalls: 1, wantErr: time.Minute},
		{name: "budget used up", fail: []string{"20", "20"}, wantCalls: 2, wantSleeps: []time.Duration{20 * time.Second}, wantErr: 20 * time.Second},
		{name: "bigger budget", opts: func(o *Options) { o.RetryBudget = 2 * time.Minute }, fail: []string{"60"}, wantCalls: 2, wantSleeps: []time.Duration{time.Minute}},
		{name: "no retries", opts: func(o *Options) { o.MaxRetries = -1 }, fail: []string{"1"}, wantCalls: 1, wantErr: time.Second},
		{name: "one retry", opts: func(o *Options) { o.MaxRetries = 1 }, fail: []string{"1", "2"}, wantCalls: 2, wantSleeps: []time.Duration{time.Second}, wantErr: 2 * time.Second},
		{name: "missing Retry-After", fail: []string{""}, wantCalls: 2, wantSleeps: []time.Duration{defaultRetryAfter}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := newFakeSlack(t)
			fs.failNext("conversations.history", tc.fail...)
			f, clock, _ := newTestFactory(t, fs.URL(), tc.opts)
			c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})

			err := history(context.Background(), c)
			calls := fs.callsOf("conversations.history")
			assert.Len(t, calls, tc.wantCalls)
			assert.Equal(t, tc.wantSleeps, clock.Sleeps())
			for _, call := range calls {
				assert.Equal(t, testUserToken, call.Form.Get("token"), "body replayed on every attempt")
				assert.Equal(t, "C1", call.Form.Get("channel"))
				assert.Equal(t, "15", call.Form.Get("limit"))
			}
			if tc.wantErr == 0 {
				require.NoError(t, err)
				return
			}
			var rl *RateLimitError
			require.ErrorAs(t, err, &rl)
			assert.Equal(t, "conversations.history", rl.Method)
			assert.Equal(t, tc.wantErr, rl.RetryAfter)
			msg, user := Explain(err)
			assert.True(t, user)
			assert.Contains(t, msg, "retry in")
			assert.Equal(t, "ratelimited", SlackErrorCode(err))
		})
	}
}

func TestBlockedKeyDelaysNextCalls(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("conversations.history", "10")
	f, clock, _ := newTestFactory(t, fs.URL(), func(o *Options) { o.MaxRetries = -1 })
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	sameTeam := f.NewClient(Credentials{Token: testBotToken}, Identity{TeamID: "T1"})
	otherTeam := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T2"})
	ctx := context.Background()

	var rl *RateLimitError
	require.ErrorAs(t, history(ctx, c), &rl)
	assert.Equal(t, 10*time.Second, rl.RetryAfter)

	// Another method and another workspace are not held back.
	_, _ = c.GetUserInfoContext(ctx, "U1") // only the (absent) wait matters
	require.NoError(t, history(ctx, otherTeam))
	assert.Empty(t, clock.Sleeps())
	assert.Len(t, fs.callsOf("users.info"), 1)

	// The same workspace and method waits out Retry-After, whichever client.
	clock.Advance(4 * time.Second)
	require.NoError(t, history(ctx, sameTeam))
	assert.Equal(t, []time.Duration{6 * time.Second}, clock.Sleeps())
	require.NoError(t, history(ctx, c))
	assert.Equal(t, []time.Duration{6 * time.Second}, clock.Sleeps(), "no wait once it has passed")
}

func TestBlockedKeyBeyondBudgetFailsWithoutCalling(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("conversations.history", "100")
	f, clock, _ := newTestFactory(t, fs.URL(), nil)
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})

	var rl *RateLimitError
	require.ErrorAs(t, history(context.Background(), c), &rl)
	clock.Advance(10 * time.Second)
	require.ErrorAs(t, history(context.Background(), c), &rl)
	assert.Equal(t, 90*time.Second, rl.RetryAfter)
	assert.Len(t, fs.callsOf("conversations.history"), 1, "Slack is not called again while the key is blocked")
	assert.Empty(t, clock.Sleeps())
}

func TestPacing(t *testing.T) {
	t.Parallel()
	tier1 := func(budget time.Duration) func(*Options) {
		return func(o *Options) {
			o.Pacing = PaceAlways
			o.RetryBudget = budget
			o.Limits = map[string]Limit{"conversations.history": Tier1.Limit()}
		}
	}
	t.Run("waits within budget", func(t *testing.T) {
		t.Parallel()
		fs := newFakeSlack(t)
		f, clock, _ := newTestFactory(t, fs.URL(), tier1(2*time.Minute))
		a := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
		b := f.NewClient(Credentials{Token: testBotToken}, Identity{TeamID: "T1"})
		other := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T2"})
		ctx := context.Background()
		require.NoError(t, history(ctx, a))
		require.NoError(t, history(ctx, other))
		assert.Empty(t, clock.Sleeps())
		require.NoError(t, history(ctx, b), "clients of one workspace share its bucket")
		assert.Equal(t, []time.Duration{time.Minute}, clock.Sleeps())
		assert.Len(t, fs.callsOf("conversations.history"), 3)
	})
	t.Run("refuses beyond budget", func(t *testing.T) {
		t.Parallel()
		fs := newFakeSlack(t)
		f, clock, _ := newTestFactory(t, fs.URL(), tier1(30*time.Second))
		c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
		ctx := context.Background()
		require.NoError(t, history(ctx, c))
		var rl *RateLimitError
		require.ErrorAs(t, history(ctx, c), &rl)
		assert.Equal(t, time.Minute, rl.RetryAfter)
		assert.Empty(t, clock.Sleeps())
		assert.Len(t, fs.callsOf("conversations.history"), 1)
		// The refused reservation was given back: a minute later one call passes at once.
		clock.Advance(time.Minute)
		require.NoError(t, history(ctx, c))
		assert.Empty(t, clock.Sleeps())
	})
	t.Run("off by default", func(t *testing.T) {
		t.Parallel()
		fs := newFakeSlack(t)
		f, clock, _ := newTestFactory(t, fs.URL(), func(o *Options) {
			o.Limits = map[string]Limit{"conversations.history": Tier1.Limit()}
		})
		c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
		for range 3 {
			require.NoError(t, history(context.Background(), c))
		}
		assert.Empty(t, clock.Sleeps())
	})
}

func TestPacingPerChannel(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	f, clock, logs := newTestFactory(t, fs.URL(), func(o *Options) { o.Pacing = PaceAlways })
	c := f.NewClient(Credentials{Token: testBotToken}, Identity{TeamID: "T1"})
	ctx := context.Background()
	const text = "quarterly numbers are secret"
	post := func(ch string) {
		t.Helper()
		_, _, err := c.PostMessageContext(ctx, ch, slack.MsgOptionText(text, false))
		require.NoError(t, err)
	}
	for range 3 {
		post("C1")
	}
	assert.Empty(t, clock.Sleeps(), "burst of 3 per channel")
	post("C2")
	assert.Empty(t, clock.Sleeps(), "another channel has its own bucket")
	post("C1")
	assert.Equal(t, []time.Duration{time.Second}, clock.Sleeps(), "then about one per second per channel")
	assert.Len(t, fs.callsOf("chat.postMessage"), 5)
	assert.NotContains(t, logs.String(), text, "message text is never logged")
}

func TestChannelArg(t *testing.T) {
	t.Parallel()
	body := func(s string) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
	}
	for _, tc := range []struct {
		name, url, ct, body, want string
	}{
		{"form", "http://x/api/chat.postMessage", "application/x-www-form-urlencoded", "channel=C1&text=hi", "C1"},
		{"json", "http://x/api/chat.postMessage", "application/json; charset=utf-8", `{"channel":"C2","text":"hi"}`, "C2"},
		{"query", "http://x/api/chat.postMessage?channel=C3", "", "", "C3"},
		{"bad json", "http://x/api/chat.postMessage", "application/json", `{`, ""},
		{"other type", "http://x/api/chat.postMessage", "text/plain", "channel=C1", ""},
		{"no body", "http://x/api/chat.postMessage", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodPost, tc.url, nil)
			require.NoError(t, err)
			req.Header.Set("Content-Type", tc.ct)
			var gb func() (io.ReadCloser, error)
			if tc.body != "" {
				gb = body(tc.body)
			}
			assert.Equal(t, tc.want, channelArg(req, gb))
		})
	}
}

func TestBodyWithoutGetBodyIsReplayed(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("users.list", "1")
	f, _, _ := newTestFactory(t, fs.URL(), nil)
	d := f.newDoer(Credentials{Token: testBotToken}, Identity{TeamID: "T1"}, f.apiURLFor(""))
	req, err := http.NewRequest(http.MethodPost, fs.URL()+"/api/users.list", io.NopCloser(strings.NewReader("token=t&limit=5")))
	require.NoError(t, err)
	req.GetBody = nil
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := d.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	calls := fs.callsOf("users.list")
	require.Len(t, calls, 2)
	for _, c := range calls {
		assert.Equal(t, "5", c.Form.Get("limit"))
	}
}

func TestNonAPIPathPassesThrough(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.handle("", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTooManyRequests) })
	f, clock, _ := newTestFactory(t, fs.URL(), func(o *Options) { o.Pacing = PaceAlways })
	d := f.newDoer(Credentials{Token: testBotToken}, Identity{TeamID: "T1"}, f.apiURLFor(""))
	req, err := http.NewRequest(http.MethodGet, fs.URL()+"/upload/v1/abc", nil)
	require.NoError(t, err)
	resp, err := d.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Len(t, fs.callsOf(""), 1)
	assert.Empty(t, clock.Sleeps())
}

func TestContextCancelledWhileWaiting(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("conversations.history", "5", "5")
	f, _, _ := newTestFactory(t, fs.URL(), func(o *Options) {
		o.Sleep = func(context.Context, time.Duration) error { return context.Canceled }
	})
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	err := history(context.Background(), c)
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, fs.callsOf("conversations.history"), 1)
	_, user := Explain(err)
	assert.False(t, user)
}

func TestRealSleepHonoursContext(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("conversations.history", "20")
	f, err := NewFactory(Options{BaseURL: fs.URL()}) // default Sleep and clock
	require.NoError(t, err)
	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = history(ctx, c)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled), "%v", err)
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestLogsCarryFingerprintNotToken(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("conversations.history", "1")
	f, _, logs := newTestFactory(t, fs.URL(), func(o *Options) { o.Pacing = PaceAlways })
	creds := Credentials{Token: testSessionToken, Cookie: testCookieRaw}
	c, err := f.Connect(context.Background(), creds)
	require.NoError(t, err)
	require.NoError(t, history(context.Background(), c))
	out := logs.String()
	assert.Contains(t, out, creds.Fingerprint())
	assert.Contains(t, out, `"method":"conversations.history"`)
	assert.Contains(t, out, `"status":429`)
	assert.Contains(t, out, "slack rate limited")
	for _, secret := range []string{testSessionToken, testCookieRaw, testCookieEnc, "xoxc", "xoxd"} {
		assert.NotContains(t, out, secret)
	}
}

func TestConcurrentCallsShareBuckets(t *testing.T) {
	t.Parallel()
	fs := newFakeSlack(t)
	fs.failNext("conversations.history", "1", "1", "1")
	f, _, _ := newTestFactory(t, fs.URL(), func(o *Options) { o.Pacing = PaceAlways; o.RetryBudget = time.Hour })
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			// A token each, so no two calls are the same read (shared.go).
			c := f.NewClient(Credentials{Token: fmt.Sprintf("%s-%d", testUserToken, i)}, Identity{TeamID: []string{"T1", "T2"}[i%2]})
			assert.NoError(t, history(context.Background(), c))
		})
	}
	wg.Wait()
	assert.Len(t, fs.callsOf("conversations.history"), 23)
}

func TestBucketSweep(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	bs := newBuckets(clock.Now)
	for i := range maxBuckets {
		bs.get(PauseKey{Scope: "team:T", Method: string(rune('a'+i%26)) + strings.Repeat("x", i/26)}, Tier3.Limit(), PaceAlways)
	}
	busy := bs.get(PauseKey{Scope: "team:T", Method: "a"}, Tier3.Limit(), PaceAlways)
	busy.pushedBack(clock.Now(), clock.Now().Add(time.Minute), time.Minute)
	bs.get(PauseKey{Scope: "team:U", Method: "new"}, Tier3.Limit(), PaceAlways)
	bs.mu.Lock()
	n := len(bs.m)
	bs.mu.Unlock()
	assert.Equal(t, 2, n, "idle buckets are swept, blocked ones kept")
}

func TestTransportErrorsDropTheQuery(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // connection refused
	f, _, _ := newTestFactory(t, base, nil)
	d := f.newDoer(Credentials{Token: testUserToken}, Identity{TeamID: "T1"}, f.apiURLFor(""))
	req, err := http.NewRequest(http.MethodGet, base+"/api/chat.getPermalink?token="+testUserToken+"&channel=C1", nil)
	require.NoError(t, err)
	_, err = d.Do(req)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testUserToken)
	assert.Contains(t, err.Error(), "/api/chat.getPermalink")

	c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1"})
	_, _, err = c.Download(context.Background(), base+"/files-pri/T1-F1/x?t="+testUserToken, 10)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testUserToken)
}
