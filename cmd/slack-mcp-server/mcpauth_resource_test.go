package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMCPAuthAnotherResource: an authorization for another resource is
// refused at /authorize and a code for us is not exchanged for another
// resource at /token. The /authorize error goes back to the client only
// once this browser approved it: before, any registered redirect URI
// would make the server an open redirector (RFC 9700 §4.11.2).
func TestMCPAuthAnotherResource(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	rc := newRedirectCatcher(t)
	clientID := registerClient(t, e, rc.url)
	browser := newCookieBrowser(t)

	// Not approved yet: an error (JSON, as asked), no redirect.
	a := newRawAuthz(clientID, rc.url, "slack:read", "http://other.example/mcp")
	r := rawDo(t, http.MethodGet, a.url(e.base), "", "", "Accept", "application/json")
	require.Equal(t, http.StatusBadRequest, r.status, r.body)
	require.Equal(t, "invalid_target", r.json(t)["error"])

	// At /token: a code for us exchanged for another resource.
	a = newRawAuthz(clientID, rc.url, "slack:read", e.base+"/mcp")
	code := a.code(t, e, browser, rc)
	r = a.exchange(t, e, code, "http://other.example/mcp")
	require.Equal(t, http.StatusBadRequest, r.status, r.body)
	require.Equal(t, "invalid_target", r.json(t)["error"])

	// Approved in this browser: invalid_target back to the client with
	// its state, no consent page.
	a = newRawAuthz(clientID, rc.url, "slack:read", "http://other.example/mcp")
	out := walkAuthorization(t, e, browser, rc, a.url(e.base), "approve")
	require.False(t, out.consentShown)
	require.Equal(t, "invalid_target", out.query.Get("error"))
	require.Equal(t, a.state, out.query.Get("state"))
	require.Empty(t, out.query.Get("code"))
}
