// Package provider hands tool handlers the caller's Slack session. In
// single-user ("legacy") mode that is one client built from the env token
// at start, with warm directories; the OAuth mode adds per-user sessions
// behind the same tools.Provider interface.
//
// In OAuth mode (Multi) who is calling is decided by pkg/caller: its
// Validator resolves the Bearer value and validates it with auth.test.
// Multi builds a session from each validation and releases it when the
// Validator drops that validation; it pools the directories behind
// sessions (directories.go, visibility.go): one users directory per
// workspace, one channels directory per Slack user and token kind.
package provider
