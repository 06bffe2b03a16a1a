// Package slackapi is the one Slack HTTP layer every Slack call goes through.
//
// It owns:
//   - one shared http.Client per Factory (proxy, extra CA roots, User-Agent),
//     so connections are reused across tenants;
//   - token kinds (xoxp/xoxb/xoxc with its xoxd cookie) and their wiring:
//     session tokens get the "d" cookie on requests to Slack hosts only;
//   - auth.test and re-pointing each Client at the workspace URL Slack
//     returns (how GovSlack and Enterprise Grid workspaces are reached);
//   - proactive pacing per (workspace, method) by Slack rate-limit tier and
//     429/Retry-After handling with a bounded retry budget, implemented as a
//     Doer handed to slack-go, so every slack-go call is covered;
//   - file downloads that send the token only to Slack hosts, re-check hosts
//     on redirects and cap the bytes read;
//   - the single table that turns Slack error codes into actionable
//     sentences for the model (Explain).
//
// Errors: slack-go returns Slack's error envelope as a slack.SlackErrorResponse
// value (errors.As into a slack.SlackErrorResponse variable); Connect's errors
// also match a *slack.SlackErrorResponse target. The envelope's Needed field
// carries the scope a missing_scope error names. Rate limits that outlast
// Options.MaxRetries or Options.RetryBudget surface as *RateLimitError.
// Use SlackErrorCode, IsAuthFailure and Explain rather than matching strings.
//
// Tokens never appear in errors or logs: logs carry Credentials.Fingerprint,
// transport errors lose their query strings. Message text is never logged.
//
// Import direction: pkg/workspace and pkg/tools import slackapi; slackapi
// imports nothing of ours.
package slackapi
