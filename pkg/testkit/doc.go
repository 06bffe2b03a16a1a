// Package testkit holds what tests across the repository share: a fake
// clock to inject where code takes a now func (expiry without sleeps) and
// a goroutine-safe buffer to capture logs, and a keyring of a fresh random
// key for tests that seal tokens. Only tests import it.
package testkit
