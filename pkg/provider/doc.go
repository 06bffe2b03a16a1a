// Package provider hands tool handlers the caller's Slack session. In
// single-user ("legacy") mode that is one client built from the env token
// at start, with warm directories; the OAuth mode adds per-user sessions
// behind the same tools.Provider interface.
//
// In OAuth mode (Multi) what a Bearer value stands for is decided by
// pkg/caller; Multi validates the resulting Slack credentials with one
// auth.test per ValidationTTL (concurrent first uses share it), keeps
// the session of each validated token (bounded, idle ones dropped) and
// pools the directories behind sessions (directories.go, visibility.go):
// one users directory per workspace, one channels directory per Slack
// user and token kind.
package provider
