package slackapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
)

func slackErr(code string) error {
	return fmt.Errorf("calling Slack: %w", slack.SlackErrorResponse{Err: code})
}

func TestExplain(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		err      error
		contains []string
		user     bool
	}{
		{"channel_not_found", slackErr("channel_not_found"), []string{"not visible to this token", "channels_list"}, true},
		{"not_in_channel", slackErr("not_in_channel"), []string{"not a member", "invite"}, true},
		{"missing_scope with needed", fmt.Errorf("x: %w", slack.SlackErrorResponse{Err: "missing_scope", Needed: "channels:history", Provided: "users:read"}), []string{"channels:history"}, true},
		{"missing_scope pointer", &slack.SlackErrorResponse{Err: "missing_scope", Needed: "search:read"}, []string{"search:read"}, true},
		{"missing_scope unknown", slackErr("missing_scope"), []string{"did not say which"}, true},
		{"invalid_auth", slackErr("invalid_auth"), []string{"re-authenticate", "invalid_auth"}, true},
		{"token_revoked", slackErr("token_revoked"), []string{"re-authenticate"}, true},
		{"account_inactive", slackErr("account_inactive"), []string{"re-authenticate"}, true},
		{"not_authed", slackErr("not_authed"), []string{"re-authenticate"}, true},
		{"not_allowed_token_type", slackErr("not_allowed_token_type"), []string{"bot tokens cannot search", "user token"}, true},
		{"ratelimited code", slackErr("ratelimited"), []string{"rate limiting", "retry"}, true},
		{"our rate limit", fmt.Errorf("w: %w", &RateLimitError{Method: "conversations.history", RetryAfter: 29500 * time.Millisecond}), []string{"conversations.history", "retry in 30 seconds"}, true},
		{"slack-go rate limit", &slack.RateLimitedError{RetryAfter: 7 * time.Second}, []string{"retry in 7 seconds"}, true},
		{"HTTP 429 without Retry-After", slack.StatusCodeError{Code: 429, Status: "429 Too Many Requests"}, []string{"rate limiting", "about a minute"}, true},
		{"is_archived", slackErr("is_archived"), []string{"archived"}, true},
		{"msg_too_long", slackErr("msg_too_long"), []string{"too long"}, true},
		{"no_text", slackErr("no_text"), []string{"empty"}, true},
		{"already_reacted", slackErr("already_reacted"), []string{"already"}, true},
		{"no_reaction", slackErr("no_reaction"), []string{"not on the message"}, true},
		{"invalid_name", slackErr("invalid_name"), []string{"name"}, true},
		{"message_not_found", slackErr("message_not_found"), []string{"timestamp"}, true},
		{"thread_not_found", slackErr("thread_not_found"), []string{"thread"}, true},
		{"file_not_found", slackErr("file_not_found"), []string{"file"}, true},
		{"user_not_found", slackErr("user_not_found"), []string{"users_search"}, true},
		{"users_not_found", slackErr("users_not_found"), []string{"users_search"}, true},
		{"invalid_cursor", slackErr("invalid_cursor"), []string{"without a cursor"}, true},
		{"invalid_ts_latest", slackErr("invalid_ts_latest"), []string{"latest"}, true},
		{"invalid_ts_oldest", slackErr("invalid_ts_oldest"), []string{"oldest"}, true},
		{"restricted_action", slackErr("restricted_action"), []string{"admin"}, true},
		{"team_access_not_granted", slackErr("team_access_not_granted"), []string{"workspace"}, true},
		{"ekm_access_denied", slackErr("ekm_access_denied"), []string{"Enterprise Key Management"}, true},
		{"enterprise_is_restricted", slackErr("enterprise_is_restricted"), []string{"restricts"}, true},
		{"plan_upgrade_required", slackErr("plan_upgrade_required"), []string{"Slack plan", "Nothing to retry"}, true},
		{"paid_teams_only", slackErr("paid_teams_only"), []string{"paid workspaces"}, true},
		{"permission_denied", slackErr("permission_denied"), []string{"denied permission", "admin"}, true},
		{"rate_limited (posting)", slackErr("rate_limited"), []string{"too many messages", "not posted"}, true},
		{"rate limited post", &RateLimitError{Method: "chat.postMessage", RetryAfter: 3 * time.Second}, []string{"NOT posted", "retry in 3 seconds"}, true},
		{"rate limited reaction", &RateLimitError{Method: "reactions.add", RetryAfter: time.Second}, []string{"nothing was changed"}, true},
		{"org token without workspace", fmt.Errorf("w: %w", &TeamChoiceError{Teams: []Team{{ID: "T1", Name: "One"}, {ID: "T2"}}}), []string{"One (T1), T2", "SLACK_MCP_TEAM_ID"}, true},
		{"fatal_error", slackErr("fatal_error"), []string{"temporary", "retry"}, true},
		{"internal_error", slackErr("internal_error"), []string{"temporary", "retry"}, true},
		{"unknown code", slackErr("weird_new_code"), []string{"Slack returned weird_new_code."}, true},
		{"5xx", slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, []string{"temporarily unavailable", "503"}, true},
		{"404", fmt.Errorf("slackapi: download: %w", slack.StatusCodeError{Code: 404}), []string{"404"}, true},
		{"too large", ErrTooLarge, []string{"larger"}, true},
		{"login page", ErrLoginPage, []string{"sign-in page", "files:read"}, true},
		{"not slack host", fmt.Errorf("%w (evil.example)", errNotSlackHost), []string{"not a Slack file URL"}, true},
		{"network", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, []string{"failed"}, false},
		{"context canceled", fmt.Errorf("x: %w", context.Canceled), []string{"cancelled"}, false},
		{"deadline", context.DeadlineExceeded, []string{"timed out"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg, user := Explain(tc.err)
			assert.Equal(t, tc.user, user)
			for _, c := range tc.contains {
				assert.Contains(t, msg, c)
			}
		})
	}
}

func TestExplainNil(t *testing.T) {
	t.Parallel()
	msg, user := Explain(nil)
	assert.Empty(t, msg)
	assert.False(t, user)
}

// Every sentence Explain can produce is scanned for tokens, including ones
// built from values Slack or a caller put in the error.
func TestExplainNeverContainsTokens(t *testing.T) {
	t.Parallel()
	tokens := []string{testUserToken, testBotToken, testSessionToken, testCookieRaw, testCookieEnc, "xoxe.xoxp-1-rotating", "xoxe-1-refresh"}
	var errs []error
	for code := range errorTable() {
		errs = append(errs, slackErr(code))
	}
	for _, tok := range tokens {
		errs = append(errs,
			slackErr("odd_"+tok),
			slack.SlackErrorResponse{Err: "missing_scope", Needed: "chat:write " + tok},
			&RateLimitError{Method: "x." + tok, RetryAfter: time.Second},
			fmt.Errorf("dial https://slack.com/api/x?token=%s: %w", tok, errors.New("refused")),
			slack.StatusCodeError{Code: 418, Status: tok},
		)
	}
	for _, err := range errs {
		msg, _ := Explain(err)
		assert.NotEmpty(t, msg)
		for _, tok := range tokens {
			assert.NotContains(t, msg, tok)
		}
		assert.NotContains(t, msg, "xox", "a token-shaped string survived: %q", msg)
	}
}

func TestEveryTableMessageIsActionable(t *testing.T) {
	t.Parallel()
	for code, msg := range errorTable() {
		if code == "missing_scope" {
			continue
		}
		assert.NotEmpty(t, msg, code)
		assert.True(t, strings.HasSuffix(msg, "."), "%s: %q should be a sentence", code, msg)
	}
}

func TestIsAuthFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{slackErr("invalid_auth"), true},
		{slackErr("token_revoked"), true},
		{slackErr("token_expired"), true},
		{slackErr("account_inactive"), true},
		{slackErr("not_authed"), true},
		{&slack.SlackErrorResponse{Err: "invalid_auth"}, true},
		{&authTestError{fp: "abc", err: slack.SlackErrorResponse{Err: "token_revoked"}}, true},
		{slackErr("channel_not_found"), false},
		{&RateLimitError{Method: "m"}, false},
		{errors.New("invalid_auth"), false},
		{nil, false},
	} {
		assert.Equal(t, tc.want, IsAuthFailure(tc.err), "%v", tc.err)
	}
}

func TestSlackErrorCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want string
	}{
		{slackErr("channel_not_found"), "channel_not_found"},
		{&slack.SlackErrorResponse{Err: "missing_scope"}, "missing_scope"},
		{&RateLimitError{Method: "m", RetryAfter: time.Second}, "ratelimited"},
		{&slack.RateLimitedError{RetryAfter: time.Second}, "ratelimited"},
		{slack.StatusCodeError{Code: 429}, "ratelimited"},
		{slack.StatusCodeError{Code: 500}, ""},
		{errors.New("boom"), ""},
		{nil, ""},
	} {
		assert.Equal(t, tc.want, SlackErrorCode(tc.err), "%v", tc.err)
	}
}

func TestRateLimitErrorMessage(t *testing.T) {
	t.Parallel()
	e := &RateLimitError{Method: "conversations.history", RetryAfter: 1500 * time.Millisecond}
	assert.Equal(t, "slack rate limit on conversations.history: retry after 2s", e.Error())
	assert.Equal(t, "slack rate limit on m: retry after 1s", (&RateLimitError{Method: "m"}).Error())
}
