// Package tenant says who is calling: the authenticated caller a request
// carries through its context, and the scopes of the grant behind it. It is
// a leaf package every layer may use.
package tenant
