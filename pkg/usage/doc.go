// Package usage counts tool calls and Slack 429s per workspace in memory
// and adds them to the store every interval, so the admin page shows
// totals over every replica at one write a minute per replica (not one
// per tool call).
package usage
