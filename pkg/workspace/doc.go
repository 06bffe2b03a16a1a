// Package workspace owns the per-workspace users and channels directories.
//
// A directory answers at once: Start loads a cache file if one exists,
// returns, and warms or refreshes in the background (a full users.list or
// conversations.list sweep), then refreshes every TTL. While a sweep runs,
// readers keep seeing the previous data; the new data replaces it in one
// swap at the end, and every completed sweep is written to the cache file
// (mode 0600, in a 0700 directory, written to a temporary file and renamed).
// A lookup that misses the cache falls back to a targeted call
// (users.info, users.lookupByEmail, conversations.info, conversations.open)
// rather than failing, and concurrent misses for one key share one call.
//
// The types hold no global state: the server keeps one Users per workspace
// (shared by every user of it) and one Channels per (workspace, user),
// since the conversations a user sees are their own. A caller reads a
// shared Users through a View that applies its own Slack permissions (no
// emails without users:read.email, nobody without users:read).
//
// Both directories stand on one core (core.go): the background refresher,
// the one-time start, targeted calls shared by concurrent callers, and the
// cache file; each keeps its own index and lock. With Options.Shared,
// sweeps are shared between replicas (shared.go): a fresh snapshot
// another replica took is installed instead of a Slack sweep, and a sweep
// is claimed so one replica pages through Slack while the others wait
// for its snapshot.
//
// Imports point one way: workspace depends only on slack-go and small
// libraries; tools and server depend on it.
package workspace
