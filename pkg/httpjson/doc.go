// Package httpjson writes the JSON bodies of our HTTP answers (errors and
// documents alike) with one set of headers: every HTTP-facing package
// (transport, authn, resource, slackoauth, oauthserver) answers through
// it, so no endpoint forgets no-store or nosniff. It owns no body shapes:
// each package keeps the error vocabulary its clients expect.
package httpjson
