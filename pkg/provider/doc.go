// Package provider hands tool handlers the caller's Slack session. In
// single-user ("legacy") mode that is one client built from the env token
// at start, with warm directories; the OAuth mode adds per-user sessions
// behind the same tools.Provider interface.
package provider
