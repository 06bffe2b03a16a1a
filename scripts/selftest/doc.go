// Package selftest tests the repository's shell scripts (scripts/test):
// which suites they run or skip, and that CI never skips one.
package selftest
