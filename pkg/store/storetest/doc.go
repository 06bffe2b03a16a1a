// Package storetest is the conformance suite every store.Store backend
// runs. A backend's test calls [Run] with a function that opens a fresh,
// empty store, and [RunDurable] with a function that prepares a fresh
// database it can open more than once and dump raw. A backend that is also
// a store.AuthServer calls [RunAuthServer] too; [RunDurable] then also
// checks that the authorization server's rows survive a restart and that
// only hashes of its secrets are at rest. The SQLite backend and package
// memory run all three. The tests are in one file per resource.
//
// The suite passes times explicitly wherever the API takes them, so it
// needs no sleeps; it expects backends to keep times to the millisecond in
// UTC and to return nil (not empty) slices for absent scopes and metadata.
package storetest
