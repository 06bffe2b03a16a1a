package slackapi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// ErrTooLarge is returned by Download when the file exceeds maxBytes.
var ErrTooLarge = errors.New("slackapi: file is larger than the download limit")

// ErrLoginPage is returned by Download when Slack answers a file URL with
// an HTML sign-in page, which it does when the token may not read the file.
var ErrLoginPage = errors.New("slackapi: Slack answered with an HTML sign-in page instead of the file")

// RateLimitError is returned when Slack keeps answering 429 beyond
// Options.MaxRetries or Options.RetryBudget, or when honouring pacing or an
// earlier Retry-After would exceed the budget.
type RateLimitError struct {
	Method     string
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("slack rate limit on %s: retry after %s", e.Method, roundUpSecond(e.RetryAfter))
}

func roundUpSecond(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Second
	}
	return time.Duration(math.Ceil(d.Seconds())) * time.Second
}

// slackError finds Slack's error envelope in err, as slack-go returns it (a
// value) or as a pointer.
func slackError(err error) (slack.SlackErrorResponse, bool) {
	var v slack.SlackErrorResponse
	if errors.As(err, &v) {
		return v, true
	}
	var p *slack.SlackErrorResponse
	if errors.As(err, &p) && p != nil {
		return *p, true
	}
	return slack.SlackErrorResponse{}, false
}

// SlackErrorCode returns Slack's error code in err ("channel_not_found"),
// "ratelimited" for rate-limit errors, or "" when err carries none.
func SlackErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if se, ok := slackError(err); ok {
		return se.Err
	}
	if _, ok := rateLimited(err); ok {
		return "ratelimited"
	}
	return ""
}

// rateLimited reports a rate-limit error of ours or slack-go's and its wait
// (negative when unknown).
func rateLimited(err error) (time.Duration, bool) {
	var ours *RateLimitError
	if errors.As(err, &ours) {
		return ours.RetryAfter, true
	}
	var theirs *slack.RateLimitedError
	if errors.As(err, &theirs) {
		return theirs.RetryAfter, true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return -1, true
	}
	return 0, false
}

// IsAuthFailure reports whether err means the credentials no longer work
// (invalid_auth, token_revoked, token_expired, account_inactive,
// not_authed): callers evict cached credentials.
func IsAuthFailure(err error) bool {
	switch SlackErrorCode(err) {
	case "invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed":
		return true
	}
	return false
}

const reauth = "The Slack credentials are no longer valid (%s): re-authenticate (sign in to Slack again or install the app again) and retry."

// errorTable is the one table of Slack error code -> actionable sentence.
// "%s" in a sentence is filled with the code itself.
var errorTable = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"channel_not_found":                     "The channel was not found or is not visible to this token (private channels and DMs are visible only to members). Use channels_list to find the right channel ID.",
		"not_in_channel":                        "This token is not a member of the channel. Join it in Slack (public channels) or have someone invite the user or app, then retry.",
		"missing_scope":                         "", // built by missingScope: names the scope Slack said is needed
		"not_allowed_token_type":                "This method does not accept this kind of token (for example, bot tokens cannot search messages). Use a user token (xoxp-) for it.",
		"invalid_auth":                          reauth,
		"token_revoked":                         reauth,
		"token_expired":                         reauth,
		"account_inactive":                      reauth,
		"not_authed":                            reauth,
		"ratelimited":                           "Slack is rate limiting this call; wait about a minute and retry.",
		"is_archived":                           "The channel is archived: it cannot be posted to or changed. Pick another channel or unarchive it in Slack.",
		"msg_too_long":                          "The message is too long for Slack. Shorten it (or split it into several messages) and retry.",
		"no_text":                               "The message is empty. Provide text to post.",
		"already_reacted":                       "That reaction is already on the message; nothing to do.",
		"no_reaction":                           "That reaction is not on the message (from this user); nothing to remove.",
		"invalid_name":                          "The name is not valid for Slack (emoji names are lowercase without colons; channel names are lowercase, without spaces or periods, at most 80 characters). Fix it and retry.",
		"message_not_found":                     "No message with that timestamp in that channel. Check the channel ID and the ts (for example from conversations_history).",
		"cant_update_message":                   "Slack does not let this token edit that message: a person's token edits only their own messages, a bot token only messages its bot posted.",
		"edit_window_closed":                    "The message is too old to edit: the workspace's settings allow editing only for a while after posting.",
		"cant_delete_message":                   "Slack does not let this token delete that message: a person's token deletes only messages they may delete in Slack, a bot token only messages its bot posted.",
		"compliance_exports_prevent_deletion":   "The workspace keeps compliance exports, so Slack refuses to delete messages.",
		"name_taken":                            "A channel with that name already exists (possibly archived, or private and invisible to you). Pick another name.",
		"invalid_name_specials":                 "Channel names may hold only lowercase letters, digits, hyphens and underscores.",
		"invalid_name_maxlength":                "Channel names may be at most 80 characters.",
		"invalid_name_required":                 "A channel name is required.",
		"invalid_name_punctuation":              "A channel name cannot be only punctuation.",
		"already_in_channel":                    "Everyone named is already in the channel.",
		"cant_invite_self":                      "You cannot invite yourself; you are already in the channel or should join it with conversations_join.",
		"cant_invite":                           "Slack does not let that person be added to this conversation (DMs and group DMs take no invitations; guests and external people may be restricted).",
		"too_many_users":                        "Too many people for one call: a group DM holds at most 8 besides you.",
		"no_user":                               "No person was named.",
		"users_list_not_supplied":               "No person was named to open a conversation with.",
		"not_admin":                             "Only workspace admins can change another person's profile.",
		"profile_set_failed":                    "Slack did not accept the profile change (a status text is at most 100 characters, an emoji is written :name:).",
		"invalid_profile":                       "Slack could not read the profile change.",
		"file_too_large":                        "The file is larger than Slack accepts.",
		"unknown_type":                          "Slack does not know that file type filter (use images, pdfs, snippets, spaces, gdocs, zips or all).",
		"too_long":                              "The text is longer than Slack allows here (a channel topic or purpose: 250 characters).",
		"time_in_past":                          "The scheduled time is in the past. Pick a time in the future (at least a few minutes ahead).",
		"time_too_far":                          "The scheduled time is too far ahead: Slack schedules messages at most 120 days ahead.",
		"invalid_time":                          "Slack did not understand the scheduled time.",
		"restricted_too_many":                   "Slack allows at most 30 messages scheduled for the same channel within any 5 minutes. Spread them out.",
		"invalid_scheduled_message_id":          "No pending scheduled message has that ID in that channel: it was already sent or cancelled, is due within a minute, or was scheduled by someone else or in another channel.",
		"thread_not_found":                      "No thread with that timestamp in that channel. Use the ts of the thread's parent message.",
		"file_not_found":                        "The file was not found or is not visible to this token.",
		"user_not_found":                        "The user was not found. Use users_search to find the right user ID.",
		"users_not_found":                       "One or more users were not found. Use users_search to find the right user IDs.",
		"invalid_cursor":                        "The pagination cursor is invalid or expired. Repeat the call without a cursor.",
		"invalid_ts_latest":                     "The 'latest' timestamp is not a valid Slack timestamp (like 1712345678.123456).",
		"invalid_ts_oldest":                     "The 'oldest' timestamp is not a valid Slack timestamp (like 1712345678.123456).",
		"restricted_action":                     "A workspace admin setting forbids this action for this user or app (for example, posting in this channel is limited to some members or to admins). Nothing was done; pick another channel or ask a workspace admin.",
		"team_access_not_granted":               "This token has not been granted access to that workspace (Enterprise Grid). An org admin must add the app to the workspace, or choose a workspace the app was added to (SLACK_MCP_TEAM_ID).",
		"ekm_access_denied":                     "The organization's admins have revoked access to this content with Enterprise Key Management: it cannot be read or changed until they restore access. Nothing to retry.",
		"plan_upgrade_required":                 "This feature is not available on the workspace's Slack plan (user groups, for example, need a paid plan). Nothing to retry; use another tool, or ask a workspace admin about the plan.",
		"paid_teams_only":                       "Slack offers this only to paid workspaces, and this workspace is on the free plan. Nothing to retry; use another tool.",
		"permission_denied":                     "Slack denied permission: the user's role or a workspace setting does not allow this (some actions are limited to admins or owners). Nothing was done; ask a workspace admin, or use a token of a user who may do it.",
		"rate_limited":                          "Slack refused the message because the app has posted too many messages recently; it was not posted. Wait a minute before posting again.",
		"enterprise_is_restricted":              "The Enterprise Grid organisation restricts this method for this app.",
		"fatal_error":                           "Slack had a temporary internal error; retry in a moment.",
		"internal_error":                        "Slack had a temporary internal error; retry in a moment.",
		"service_unavailable":                   "Slack is temporarily unavailable; retry in a moment.",
		"request_timeout":                       "Slack timed out handling the request; retry in a moment.",
		"channel_is_archived":                   "The channel is archived: it cannot be posted to or changed. Pick another channel or unarchive it in Slack.",
		"too_many_emoji":                        "The message already carries the maximum number of distinct reactions.",
		"too_many_reactions":                    "The message already carries the maximum number of reactions.",
		"invalid_limit":                         "The limit is out of range for this method; use a smaller page size.",
		"method_not_supported_for_channel_type": "This operation is not supported for this kind of conversation (for example DMs).",
		"missing_argument":                      "A required argument is missing from the request.",
		"invalid_arguments":                     "The request has invalid arguments.",
		// Canvases (canvases.*, conversations.canvases.create).
		"canvas_not_found":                             "The canvas was not found or is not visible to this token (standalone canvases are visible to their owner and to whom they were shared with). Check the canvas ID.",
		"canvas_creation_failed":                       "Slack could not create the canvas from this Markdown (for example headings deeper than ###, or a list inside a quote). Simplify the Markdown and retry.",
		"canvas_editing_failed":                        "Slack could not apply the change to the canvas: the section may no longer exist (read the canvas again to find it) or the Markdown is not supported there (for example headings deeper than ###). Nothing was changed.",
		"canvas_disabled_user_team":                    "Canvases are turned off for this workspace. Nothing to retry; ask a workspace admin.",
		"channel_canvas_already_exists":                "The channel already has its channel canvas. Edit that one with canvases_update (its ID is in Slack under the channel's canvas tab), or create a standalone canvas without channel_id.",
		"free_teams_cannot_create_non_tabbed_canvases": "On a free Slack plan a canvas must belong to a channel: give channel_id to create the channel's canvas.",
		"free_teams_cannot_edit_standalone_canvases":   "On a free Slack plan standalone canvases cannot be edited; only channel canvases can.",
		"team_tier_cannot_create_channel_canvases":     "The workspace's Slack plan does not allow creating channel canvases.",
		"canvas_tab_creation_failed":                   "Slack created no canvas tab in the channel; retry in a moment.",
		"channel_canvas_creation_failed":               "Slack could not create the channel canvas; retry in a moment.",
	}
})

func missingScope(se slack.SlackErrorResponse) string {
	needed := strings.TrimSpace(se.Needed)
	if needed == "" {
		return "The token lacks an OAuth scope this call needs (Slack did not say which). Check the Slack app's scopes, reinstall it, and retry."
	}
	return fmt.Sprintf("The token lacks the OAuth scope %s needed for this call. Add it to the Slack app (or use a token that has it), reinstall, and retry.", needed)
}

// notDone says, for writes, that a rate-limited call changed nothing: a
// 429 means Slack did not process the request, so retrying never posts a
// message twice.
func notDone(method string) string {
	switch method {
	case "chat.postMessage", "chat.postEphemeral", "chat.meMessage":
		return " and the message was NOT posted"
	case "chat.update", "chat.delete", "reactions.add", "reactions.remove", "conversations.mark",
		"usergroups.create", "usergroups.update", "usergroups.users.update",
		"canvases.create", "canvases.edit", "conversations.canvases.create":
		return " and nothing was changed"
	}
	return ""
}

func retryIn(d time.Duration) string {
	if d < 0 {
		return "wait about a minute"
	}
	return fmt.Sprintf("retry in %d seconds", int(roundUpSecond(d)/time.Second))
}

// Explain turns err into a sentence for the model and says whether it is
// about something the user or model can act on (userFacing). Slack errors,
// rate limits and download limits are user-facing; network, context and
// other internal errors are not, and get a short generic sentence (log the
// error itself with the request ID). No message contains a token.
func Explain(err error) (message string, userFacing bool) {
	if err == nil {
		return "", false
	}
	msg, user := explain(err)
	return redactTokens(msg), user
}

func explain(err error) (string, bool) {
	var choice *TeamChoiceError
	if errors.As(err, &choice) {
		return choice.Error(), true
	}
	var ours *RateLimitError
	if errors.As(err, &ours) {
		return fmt.Sprintf("Slack is rate limiting %s for this workspace%s; %s.", ours.Method, notDone(ours.Method), retryIn(ours.RetryAfter)), true
	}
	if se, ok := slackError(err); ok {
		code := se.Err
		if code == "missing_scope" {
			return missingScope(se), true
		}
		if code == "ratelimited" {
			if d, ok := rateLimited(err); ok && d >= 0 {
				return fmt.Sprintf("Slack is rate limiting this call; %s.", retryIn(d)), true
			}
		}
		if s, ok := errorTable()[code]; ok {
			if strings.Contains(s, "%s") {
				s = fmt.Sprintf(s, code)
			}
			return s, true
		}
		if code == "" {
			code = "an error"
		}
		return "Slack returned " + code + ".", true
	}
	if d, ok := rateLimited(err); ok {
		return fmt.Sprintf("Slack is rate limiting this call; %s.", retryIn(d)), true
	}
	switch {
	case errors.Is(err, ErrTooLarge):
		return "The file is larger than the allowed download size.", true
	case errors.Is(err, ErrLoginPage):
		return "Slack refused the file download (it answered with a sign-in page): this token cannot read the file, or it lacks the files:read scope.", true
	case errors.Is(err, errNotSlackHost):
		return "The URL is not a Slack file URL; only files hosted by Slack can be downloaded.", true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code >= 500:
			return fmt.Sprintf("Slack is temporarily unavailable (HTTP %d); retry in a moment.", sc.Code), true
		case sc.Code == http.StatusNotFound:
			return "Slack answered HTTP 404: not found.", true
		case sc.Code == http.StatusForbidden || sc.Code == http.StatusUnauthorized:
			return fmt.Sprintf("Slack refused access (HTTP %d): this token cannot read it.", sc.Code), true
		default:
			return fmt.Sprintf("Slack answered HTTP %d.", sc.Code), true
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "The request to Slack was cancelled.", false
	case errors.Is(err, context.DeadlineExceeded):
		return "The request to Slack timed out.", false
	}
	return "The request to Slack failed.", false
}

var tokenPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9%._/+=-]*`)
})

// redactTokens replaces anything shaped like a Slack token or xoxd cookie.
func redactTokens(s string) string {
	if !strings.Contains(s, "xox") {
		return s
	}
	return tokenPattern().ReplaceAllString(s, "[redacted]")
}

func statusError(resp *http.Response) error {
	return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
}
