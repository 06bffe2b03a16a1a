// Package connections serves a person's view of what they connected: the
// JSON API under /api/connections (list, live test, disconnect, revoke one
// client or one personal access token), authenticated by the person's
// personal access token or their browser session. It never shows or takes
// another person's installation: an ID that is not the caller's is
// answered as unknown.
package connections
