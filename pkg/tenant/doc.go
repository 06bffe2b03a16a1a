// Package tenant is the vocabulary of who is calling, shared by every
// layer: the authenticated caller a request carries through its context
// with the scopes of the grant behind it, the prefixes of the tokens this
// server issues, and KeyOf, the one hash a token is cached and stored by.
// pkg/caller decides who the caller is; tenant only carries it. It is a
// leaf package.
package tenant
