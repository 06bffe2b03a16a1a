package slackemu

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

// Fixture IDs. alice holds the main user token.
const (
	tTeam    = "T0FIXTURE"
	uAlice   = "U0ALICE"
	uBob     = "U0BOB"
	uCarol   = "U0CAROL"
	uBot     = "U0BOT"
	bBot     = "B0BOT"
	cGeneral = "C0GENERAL"
	cPrivate = "C0PRIVATE" // alice + bob
	cHidden  = "C0HIDDEN"  // bob + carol, private
	cOld     = "C0OLD"     // archived, alice member
	cLonely  = "C0LONELY"  // public, alice not a member
	dAliceB  = "D0ALICEBOB"
	dBobC    = "D0BOBCAROL"
	gTrio    = "G0TRIO"

	tokAlice   = "xoxp-alice"
	tokReader  = "xoxp-reader" // alice with users:read only
	tokBot     = "xoxb-bot"
	tokSession = "xoxc-alice"
	cookieD    = "xoxd-secret%2Bvalue"
)

// fixture builds a small workspace; base is the ts (seconds) of the first
// message.
func fixture() *Workspace {
	w := NewWorkspace(Team{ID: tTeam, Name: "Fixture", Domain: "fixture"})
	w.AddUser(User{ID: uAlice, Name: "alice", RealName: "Alice Ames", DisplayName: "Ali", Email: "alice@example.com", TZ: "UTC"})
	w.AddUser(User{ID: uBob, Name: "bob", RealName: "Bob Boyd", Email: "bob@example.com"})
	w.AddUser(User{ID: uCarol, Name: "carol", RealName: "Carol Cruz", Email: "carol@example.com", Deleted: true})
	w.AddUser(User{ID: uBot, Name: "robot", RealName: "Robot", IsBot: true, BotID: bBot})
	w.AddChannel(Channel{ID: cGeneral, Name: "general", Topic: "hi", Members: []string{uBob, uAlice, uBot}, Created: 1600000000, Creator: uAlice})
	w.AddChannel(Channel{ID: cPrivate, Name: "private", IsPrivate: true, Members: []string{uAlice, uBob}})
	w.AddChannel(Channel{ID: cHidden, Name: "hidden", IsPrivate: true, Members: []string{uBob, uCarol}})
	w.AddChannel(Channel{ID: cOld, Name: "old", IsArchived: true, Members: []string{uAlice}})
	w.AddChannel(Channel{ID: cLonely, Name: "lonely", Members: []string{uBob}})
	w.AddChannel(Channel{ID: dAliceB, IsIM: true, User: uBob, Members: []string{uAlice, uBob}})
	w.AddChannel(Channel{ID: dBobC, IsIM: true, User: uCarol, Members: []string{uBob, uCarol}})
	w.AddChannel(Channel{ID: gTrio, IsMPIM: true, Members: []string{uAlice, uBob, uCarol}})
	w.AddToken(tokAlice, Token{UserID: uAlice, Kind: UserToken, Scopes: AllUserScopes()})
	w.AddToken(tokReader, Token{UserID: uAlice, Kind: UserToken, Scopes: []string{"users:read"}})
	w.AddToken(tokBot, Token{UserID: uBot, Kind: BotToken, Scopes: BotScopes()})
	w.AddToken(tokSession, Token{UserID: uAlice, Kind: SessionToken, Cookie: cookieD})
	return w
}

func start(t *testing.T, w *Workspace, opts Options) *Server {
	t.Helper()
	srv := NewServer(w, opts)
	t.Cleanup(srv.Close)
	return srv
}

func client(srv *Server, token string) *slack.Client {
	return slack.New(token, slack.OptionAPIURL(srv.URL+"/api/"))
}

func slackErr(t *testing.T, err error) slack.SlackErrorResponse {
	t.Helper()
	var se slack.SlackErrorResponse
	require.ErrorAs(t, err, &se)
	return se
}

func requireSlackErr(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	// slack-go wraps the steps of its upload flow ("CompleteUploadExternal: …").
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == code {
		return
	}
	require.Equal(t, code, err.Error())
}

// rawCall posts a form to a method and decodes the JSON answer.
func rawCall(t *testing.T, srv *Server, method string, hdr http.Header, form url.Values) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/"+method, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m), string(body))
	return resp, m
}

func TestAuth(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	tests := []struct {
		name   string
		hdr    http.Header
		form   url.Values
		status int
		want   string // error code, "" for ok
	}{
		{"no token", nil, nil, 200, "not_authed"},
		{"unknown token", bearer("xoxp-nope"), nil, 200, "invalid_auth"},
		{"bearer", bearer(tokAlice), nil, 200, ""},
		{"form token", nil, url.Values{"token": {tokAlice}}, 200, ""},
		{"session without cookie", bearer(tokSession), nil, 200, "invalid_auth"},
		{"session wrong cookie", http.Header{"Authorization": {"Bearer " + tokSession}, "Cookie": {"d=nope"}}, nil, 200, "invalid_auth"},
		{"session with cookie", http.Header{"Authorization": {"Bearer " + tokSession}, "Cookie": {"d=" + cookieD}}, nil, 200, ""},
		{"session with decoded cookie", http.Header{"Authorization": {"Bearer " + tokSession}, "Cookie": {"d=xoxd-secret+value"}}, nil, 200, ""},
		{"session token as form param", http.Header{"Cookie": {"d=" + cookieD}}, url.Values{"token": {tokSession}}, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := rawCall(t, srv, "auth.test", tc.hdr, tc.form)
			require.Equal(t, tc.status, resp.StatusCode)
			if tc.want == "" {
				require.Equal(t, true, body["ok"])
				require.Equal(t, uAlice, body["user_id"])
				return
			}
			require.Equal(t, false, body["ok"])
			require.Equal(t, tc.want, body["error"])
		})
	}
}

func TestAuthTestThroughSlackGo(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{WorkspaceURL: "https://fixture.slack.com/"})
	res, err := client(srv, tokAlice).AuthTest()
	require.NoError(t, err)
	require.Equal(t, "https://fixture.slack.com/", res.URL)
	require.Equal(t, "Fixture", res.Team)
	require.Equal(t, "alice", res.User)
	require.Equal(t, tTeam, res.TeamID)
	require.Equal(t, uAlice, res.UserID)
	require.Empty(t, res.BotID)

	bot, err := client(srv, tokBot).AuthTest()
	require.NoError(t, err)
	require.Equal(t, bBot, bot.BotID)
	require.Equal(t, uBot, bot.UserID)

	srv2 := start(t, fixture(), Options{})
	res, err = client(srv2, tokAlice).AuthTest()
	require.NoError(t, err)
	require.Equal(t, srv2.URL+"/", res.URL)
}

func TestAuthRevoke(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	c := client(srv, tokAlice)
	_, err := c.SendAuthRevoke(tokAlice)
	require.NoError(t, err)
	_, err = c.AuthTest()
	requireSlackErr(t, err, "token_revoked")
}

func TestDeletedUserToken(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddToken("xoxp-carol", Token{UserID: uCarol, Scopes: AllUserScopes()})
	srv := start(t, w, Options{})
	_, err := client(srv, "xoxp-carol").AuthTest()
	requireSlackErr(t, err, "account_inactive")
}

func TestUnknownMethod(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	resp, body := rawCall(t, srv, "nope.nothing", http.Header{"Authorization": {"Bearer " + tokAlice}}, nil)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, map[string]any{"ok": false, "error": "unknown_method"}, body)
	require.Equal(t, 1, srv.Calls("nope.nothing"))
}

func TestScopesAndHeaders(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	resp, body := rawCall(t, srv, "conversations.history", http.Header{"Authorization": {"Bearer " + tokReader}}, url.Values{"channel": {cGeneral}})
	require.Equal(t, "missing_scope", body["error"])
	require.Equal(t, "channels:history", body["needed"])
	require.Equal(t, "users:read", body["provided"])
	require.Equal(t, "users:read", resp.Header.Get("X-OAuth-Scopes"))
	require.Equal(t, "channels:history,groups:history,im:history,mpim:history", resp.Header.Get("X-Accepted-OAuth-Scopes"))

	// The scope needed depends on the conversation type.
	_, body = rawCall(t, srv, "conversations.history", http.Header{"Authorization": {"Bearer " + tokReader}}, url.Values{"channel": {dAliceB}})
	require.Equal(t, "im:history", body["needed"])

	// slack-go surfaces needed/provided.
	_, err := client(srv, tokReader).SearchMessages("hello", slack.NewSearchParameters())
	se := slackErr(t, err)
	require.Equal(t, "missing_scope", se.Err)
	require.Equal(t, "search:read", se.Needed)
	require.Equal(t, "users:read", se.Provided)
}

func TestParamsFromJSONBody(t *testing.T) {
	t.Parallel()
	w := fixture()
	srv := start(t, w, Options{})
	body := `{"channel":"` + cGeneral + `","text":"from json","unfurl_links":false,"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]}`
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/chat.postMessage", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+tokAlice)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.Equal(t, true, out["ok"], out)
	msgs := w.Messages(cGeneral)
	require.Len(t, msgs, 1)
	require.Equal(t, "from json", msgs[0].Text)
	require.Equal(t, "false", msgs[0].Params["unfurl_links"])
	require.JSONEq(t, `[{"type":"section","text":{"type":"mrkdwn","text":"hi"}}]`, string(msgs[0].Blocks))

	// A token inside a JSON body is not accepted, as on Slack.
	req, err = http.NewRequest(http.MethodPost, srv.URL+"/api/auth.test", strings.NewReader(`{"token":"`+tokAlice+`"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp2.Body.Close()
	out = nil
	require.NoError(t, json.NewDecoder(resp2.Body).Decode(&out))
	require.Equal(t, "not_authed", out["error"])

	// Query string parameters work for GET.
	resp3, err := http.Get(srv.URL + "/api/users.info?token=" + tokAlice + "&user=" + uBob)
	require.NoError(t, err)
	defer resp3.Body.Close()
	out = nil
	require.NoError(t, json.NewDecoder(resp3.Body).Decode(&out))
	require.Equal(t, true, out["ok"])
}

func TestCursorFormat(t *testing.T) {
	t.Parallel()
	v, err := decodeCursor("dXNlcjpVMDYxTkZUVDI=", "user") // Slack's documented example
	require.NoError(t, err)
	require.Equal(t, "U061NFTT2", v)
	require.Equal(t, "dXNlcjpVMDYxTkZUVDI=", encodeCursor("user", "U061NFTT2"))
	for _, bad := range []string{"%%%", "dGVhbTpDMTIz" /* team:C123 */, "bm9jb2xvbg==" /* nocolon */, "dXNlcjo=" /* user: */} {
		_, err := decodeCursor(bad, "user")
		require.Error(t, err, bad)
	}
}

func TestParseTS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1700000000.000100", 1700000000000100, true},
		{"1700000000", 1700000000000000, true},
		{"1700000000.1", 1700000000100000, true},
		{"", 0, false},
		{"abc", 0, false},
		{"1.2.3", 0, false},
		{"-1.000000", 0, false},
		{"1700000000.1234567", 0, false},
		{"1700000000.", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseTS(tc.in)
		require.Equal(t, tc.ok, ok, tc.in)
		if ok {
			require.Equal(t, tc.want, got, tc.in)
			require.Equal(t, tc.in[:10], formatTS(got)[:10])
		}
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := start(t, fixture(), Options{RateLimits: true, Window: 10 * time.Second, TierLimits: map[int]int{2: 2}, Now: clock})
	c := client(srv, tokAlice)

	for range 2 {
		_, _, err := c.GetConversations(&slack.GetConversationsParameters{})
		require.NoError(t, err)
	}
	advance(2500 * time.Millisecond)
	_, _, err := c.GetConversations(&slack.GetConversationsParameters{})
	var rl *slack.RateLimitedError
	require.ErrorAs(t, err, &rl)
	require.Equal(t, 8*time.Second, rl.RetryAfter) // 7.5s rounded up

	// Other methods have their own counters.
	_, err = c.GetUserInfo(uBob)
	require.NoError(t, err)

	advance(8 * time.Second)
	_, _, err = c.GetConversations(&slack.GetConversationsParameters{})
	require.NoError(t, err)
	require.Equal(t, 4, srv.Calls("conversations.list"))

	// The raw answer is a 429 with Slack's body.
	advance(0)
	_, _, _ = c.GetConversations(&slack.GetConversationsParameters{})
	resp, body := rawCall(t, srv, "conversations.list", http.Header{"Authorization": {"Bearer " + tokAlice}}, nil)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
	require.Equal(t, "ratelimited", body["error"])
}

func TestPostMessageRateLimitPerChannel(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{RateLimits: true, Window: time.Hour})
	c := client(srv, tokAlice)
	for range postsPerChannel {
		_, _, err := c.PostMessage(cGeneral, slack.MsgOptionText("x", false))
		require.NoError(t, err)
	}
	_, _, err := c.PostMessage(cGeneral, slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	require.ErrorAs(t, err, &rl)
	_, _, err = c.PostMessage(cPrivate, slack.MsgOptionText("x", false))
	require.NoError(t, err)
}

func TestInjectedFailures(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	c := client(srv, tokAlice)

	srv.FailNext("users.info", 2, 1500*time.Millisecond)
	for range 2 {
		_, err := c.GetUserInfo(uBob)
		var rl *slack.RateLimitedError
		require.ErrorAs(t, err, &rl)
		require.Equal(t, 2*time.Second, rl.RetryAfter)
	}
	_, err := c.GetUserInfo(uBob)
	require.NoError(t, err)

	srv.FailNextWith("auth.test", "fatal_error", 1)
	_, err = c.AuthTest()
	requireSlackErr(t, err, "fatal_error")
	_, err = c.AuthTest()
	require.NoError(t, err)
	require.Equal(t, 3, srv.Calls("users.info"))
	require.Equal(t, 2, srv.Calls("auth.test"))
}

func TestCallCountersConcurrent(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := client(srv, tokAlice).GetUserInfo(uBob)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, _, err := client(srv, tokAlice).PostMessage(cGeneral, slack.MsgOptionText("msg", false), slack.MsgOptionTS(""))
			if i%2 == 0 {
				_, _, err = client(srv, tokAlice).PostMessage(cPrivate, slack.MsgOptionText("msg", false))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	counts := srv.CallCounts()
	require.Equal(t, 20, counts["users.info"])
	require.Equal(t, 30, counts["chat.postMessage"])
	require.Len(t, srv.Workspace().Messages(cGeneral), 20)
	srv.ResetCalls()
	require.Empty(t, srv.CallCounts())
	require.Zero(t, srv.Calls("users.info"))
}

func TestHandlerOnAnotherServer(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	other := httptest.NewServer(srv.Handler())
	t.Cleanup(other.Close)
	c := slack.New(tokAlice, slack.OptionAPIURL(other.URL+"/api/"))
	res, err := c.AuthTest()
	require.NoError(t, err)
	require.Equal(t, other.URL+"/", res.URL)
}
