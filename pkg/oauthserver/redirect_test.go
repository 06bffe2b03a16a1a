package oauthserver

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/loopback"
)

func TestCheckRedirectURI(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		uri string
		ok  bool
	}{
		{"https://claude.ai/api/mcp/auth_callback", true},
		{"https://vscode.dev/redirect", true},
		{"http://127.0.0.1/", true},
		{"http://127.0.0.1:33418/", true},
		{"http://localhost:8787/callback", true},
		{"http://[::1]:8080/cb", true},
		{"cursor://anysphere.cursor-mcp/oauth/callback", true},
		{"vscode://vscode.github-authentication/did-authenticate", true},
		{"claude://callback", true},
		{"com.example.app:/oauth2redirect", true},
		{"http://example.com/cb", false},
		{"http://127.0.0.1.evil.com/cb", false},
		{"javascript:alert(1)", false},
		{"JavaScript:alert(1)", false},
		{"data:text/html,x", false},
		{"file:///etc/passwd", false},
		{"https://a.example/cb#frag", false},
		{"https://a.example/cb#", false},
		{"https://user@a.example/cb", false},
		{"https:///cb", false},
		{"/relative", false},
		{"https://a.example/c b", false},
		{"https://a.example/\\evil", false},
		{"c:/windows", false},
		{"", false},
	} {
		_, err := checkRedirectURI(tc.uri)
		require.Equal(t, tc.ok, err == nil, "%q: %v", tc.uri, err)
	}
}

func TestMatchRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		registered, requested string
		ok                    bool
	}{
		{"https://claude.ai/cb", "https://claude.ai/cb", true},
		{"https://claude.ai/cb", "https://claude.ai/cb/", false},
		{"https://claude.ai/cb", "https://claude.ai:444/cb", false},
		{"https://claude.ai/cb", "https://CLAUDE.ai/cb", false},
		{"cursor://anysphere.cursor-mcp/oauth/callback", "cursor://anysphere.cursor-mcp/oauth/callback", true},
		{"cursor://anysphere.cursor-mcp/oauth/callback", "cursor://anysphere.cursor-mcp/oauth/callback2", false},
		{"http://localhost/callback", "http://localhost:51234/callback", true},
		{"http://127.0.0.1/callback", "http://127.0.0.1:51234/callback", true},
		{"http://127.0.0.1:33418/", "http://127.0.0.1:40000/", true},
		{"http://127.0.0.1", "http://127.0.0.1:40000/", true},
		{"http://[::1]/cb", "http://[::1]:8080/cb", true},
		{"http://127.0.0.1/callback", "http://localhost:51234/callback", false},
		{"http://127.0.0.1/callback", "http://127.0.0.1:51234/other", false},
		{"http://127.0.0.1/callback", "http://127.0.0.1:51234/callback?x=1", false},
		{"http://127.0.0.1/callback", "https://127.0.0.1:51234/callback", false},
		{"http://127.0.0.1/callback", "http://127.0.0.1:51234/callback#x", false},
		{"http://127.0.0.1/callback", "http://u@127.0.0.1:51234/callback", false},
		{"http://127.0.0.1/callback", "http://127.0.0.1:/callback", false},
		{"https://a.example/cb", "https://a.example:1/cb", false},
	} {
		require.Equal(t, tc.ok, matchRedirect(tc.registered, tc.requested), "%q vs %q", tc.registered, tc.requested)
	}
}

func TestWithParams(t *testing.T) {
	t.Parallel()
	v := url.Values{"code": {"c"}}
	require.Equal(t, "https://a/cb?code=c", withParams("https://a/cb", v))
	require.Equal(t, "https://a/cb?x=1&code=c", withParams("https://a/cb?x=1", v))
	require.Equal(t, "cursor://x/cb?code=c", withParams("cursor://x/cb", v))
}

func TestParseScope(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"":                       "slack:read",
		"slack:read":             "slack:read",
		"slack:write":            "slack:read slack:write",
		"slack:write slack:read": "slack:read slack:write",
		"  slack:read  ":         "slack:read",
	} {
		got, ok := parseScope(raw)
		require.True(t, ok, raw)
		require.Equal(t, want, joinScope(got), raw)
	}
	for _, raw := range []string{"admin", "slack:read admin", "offline_access", "slack:read\nslack:write"} {
		_, ok := parseScope(raw)
		require.False(t, ok, raw)
	}
}

func TestVerifyPKCE(t *testing.T) {
	t.Parallel()
	v, ch := pkce()
	require.True(t, verifyPKCE(v, ch))
	require.False(t, verifyPKCE(v+"x", ch))
	require.False(t, verifyPKCE(v, ""))
	require.False(t, verifyPKCE(strings.Repeat("a", 42), ch), "too short")
	require.False(t, verifyPKCE(strings.Repeat("a", 129), ch), "too long")
	require.False(t, verifyPKCE(strings.Repeat("a", 42)+"!", ch), "reserved character")
}

// FuzzMatchRedirect: a match is either the exact string or a loopback
// http redirect with the same host, path and query; nothing else slips
// through.
func FuzzMatchRedirect(f *testing.F) {
	for _, s := range [][2]string{
		{"http://127.0.0.1/callback", "http://127.0.0.1:5555/callback"},
		{"http://localhost/cb", "http://localhost:1/cb"},
		{"https://a.example/cb", "https://a.example/cb"},
		{"cursor://x/cb", "cursor://x/cb"},
		{"http://127.0.0.1/cb", "http://127.0.0.1.evil.com/cb"},
		{"http://[::1]/cb", "http://[::1]:80/cb"},
		{"http://127.0.0.1/cb", "http://127.0.0.1:5555@evil.com/cb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, registered, requested string) {
		if !matchRedirect(registered, requested) || registered == requested {
			return
		}
		ru, err1 := url.Parse(registered)
		qu, err2 := url.Parse(requested)
		if err1 != nil || err2 != nil {
			t.Fatalf("matched unparsable %q %q", registered, requested)
		}
		if ru.Scheme != "http" || qu.Scheme != "http" || !loopback.IsHost(ru.Hostname()) {
			t.Fatalf("non-exact match outside loopback http: %q %q", registered, requested)
		}
		if ru.Hostname() != qu.Hostname() || qu.User != nil || qu.Fragment != "" || ru.RawQuery != qu.RawQuery {
			t.Fatalf("loopback match with different host/userinfo/fragment/query: %q %q", registered, requested)
		}
		if _, err := checkRedirectURI(requested); err != nil {
			t.Fatalf("matched an invalid redirect %q: %v", requested, err)
		}
	})
}

// FuzzParseTokenRequest: the token request parser never panics, never
// accepts a repeated parameter, and Basic credentials never coexist with
// a form secret.
func FuzzParseTokenRequest(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "", "grant_type=authorization_code&code=abc&code_verifier=x&client_id=mcpc_1")
	f.Add("application/x-www-form-urlencoded; charset=utf-8", "Basic bWNwY18xOnNlY3JldA==", "grant_type=refresh_token&refresh_token=mcp_rt_x")
	f.Add("application/x-www-form-urlencoded", "Basic bWNwY18xOnNlY3JldA==", "client_secret=x")
	f.Add("application/json", "", `{"grant_type":"x"}`)
	f.Add("application/x-www-form-urlencoded", "Bearer x", "a=1&a=2")
	f.Add("application/x-www-form-urlencoded", "Basic %%%", "%zz")
	f.Fuzz(func(t *testing.T, ct, authz, body string) {
		req, terr := parseTokenRequest(ct, authz, []byte(body))
		if terr != nil {
			if terr.code == "" || terr.status < 400 {
				t.Fatalf("bad error %+v", terr)
			}
			return
		}
		vals, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("accepted an unparsable body %q", body)
		}
		for k, vs := range vals {
			if len(vs) > 1 {
				t.Fatalf("accepted repeated parameter %q", k)
			}
			if req.form[k] != vs[0] {
				t.Fatalf("parameter %q: got %q want %q", k, req.form[k], vs[0])
			}
		}
		if req.basic {
			if req.basicID == "" {
				t.Fatal("basic with empty client id")
			}
			if _, ok := req.form["client_secret"]; ok {
				t.Fatal("two client authentication methods accepted")
			}
		}
	})
}
