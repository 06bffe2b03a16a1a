// Package testkit holds what tests across the repository share: a fake
// clock to inject where code takes a now func (expiry without sleeps), a
// goroutine-safe buffer to capture logs, a keyring of a fresh random key
// for tests that seal tokens, and a browser-like HTTP client (cookies, no
// redirects followed) with Do and Response for walking login flows. Only
// tests import it. It imports nothing that imports it back (slackemu's
// own tests use it, so it cannot start an emulator).
package testkit
