package slackoauth

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// openRedirects are return_url values that must never be accepted.
var openRedirects = []string{
	"//evil.com",
	"//evil.com/path",
	"/\\evil.com",
	"\\\\evil.com",
	"/\t/evil.com",
	"/\n/evil.com",
	"https:evil.com",
	"https:/evil.com",
	"http://evil.com",
	"https://evil.com/done",
	"https://app.example.com.evil.com/",
	"https://app.example.com@evil.com/",
	"https://user:pass@app.example.com/",
	"http://app.example.com/", // scheme differs from the allow-listed origin
	"https://app.example.com:8443/",
	"javascript:alert(1)",
	"JavaScript:alert(document.cookie)",
	"data:text/html,<script>alert(1)</script>",
	"vbscript:msgbox",
	"done",
	"./done",
	"../done",
	"evil.com",
	" /done",
	"/done ",
	"/done\x00",
	"/\u2028evil",
	"ftp://app.example.com/",
	"https://",
	"https:///evil.com",
	"https://%65vil.com/",
}

var testAllowed = map[string]bool{"https://app.example.com": true, "http://127.0.0.1:8080": true}

func TestCheckReturnURL(t *testing.T) {
	t.Parallel()
	for _, v := range openRedirects {
		t.Run("refuse "+v, func(t *testing.T) {
			t.Parallel()
			_, err := checkReturnURL(v, testAllowed)
			require.Error(t, err, "%q", v)
		})
	}
	for _, v := range []string{
		"",
		"/",
		"/done?x=1",
		"/settings/integrations?tab=slack#top",
		"/%2F%2Fevil.com", // a path on this server, not a host
		"https://app.example.com",
		"https://app.example.com/settings",
		"https://APP.example.com/x",
		"http://127.0.0.1:8080/cb",
	} {
		t.Run("accept "+v, func(t *testing.T) {
			t.Parallel()
			got, err := checkReturnURL(v, testAllowed)
			require.NoError(t, err, "%q", v)
			require.Equal(t, v, got)
		})
	}
}

// landsOn resolves where a browser following target from our origin
// ends up, and reports whether that origin is ours or allowed.
func landsSafely(target string) bool {
	base, _ := url.Parse("https://mcp.example.org/oauth/callback")
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	abs := base.ResolveReference(u)
	origin := abs.Scheme + "://" + strings.ToLower(abs.Host)
	return origin == "https://mcp.example.org" || testAllowed[origin]
}

func FuzzCheckReturnURL(f *testing.F) {
	for _, v := range openRedirects {
		f.Add(v)
	}
	for _, v := range []string{"/done?x=1", "https://app.example.com/a?b=c#d", "/a/../../b", "/%5C%5Cevil", "/;evil", "/?//evil"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := checkReturnURL(raw, testAllowed)
		if err != nil {
			return
		}
		require.Equal(t, raw, got)
		if raw == "" {
			return
		}
		require.False(t, strings.ContainsAny(raw, "\\\t\r\n "), "%q", raw)
		require.True(t, landsSafely(raw), "accepted %q leads elsewhere", raw)
		// What the callback redirects to must land on the same origin.
		next := withQuery(raw, "status", "error", "error", CodeAccessDenied)
		require.True(t, landsSafely(next), "redirect %q leads elsewhere", next)
		require.False(t, strings.HasPrefix(next, "//"), "%q", next)
	})
}

func TestParseState(t *testing.T) {
	t.Parallel()
	s := newRandom()
	h, err := parseState(s)
	require.NoError(t, err)
	require.Equal(t, hashHex(s), h)
	require.Len(t, h, 64)
	for _, bad := range []string{"", "short", s + "A", s[:42], s[:42] + "=", s[:42] + "+", s[:42] + "/", strings.Repeat("A", 42) + "B", " " + s[1:]} {
		_, err := parseState(bad)
		require.Error(t, err, "%q", bad)
	}
	pat := newPAT()
	require.True(t, strings.HasPrefix(pat, "smcp_"))
	require.Len(t, pat, 48)
	ph, err := parsePAT(pat)
	require.NoError(t, err)
	require.Equal(t, hashHex(pat), ph)
	for _, bad := range []string{s, "smcp_" + s + "x", "xoxp-" + s, "smcp-" + s, "SMCP_" + s} {
		_, err := parsePAT(bad)
		require.Error(t, err, "%q", bad)
	}
}

func FuzzParseState(f *testing.F) {
	f.Add(newRandom())
	f.Add("")
	f.Add(strings.Repeat("A", 43))
	f.Add(strings.Repeat("_", 43))
	f.Add("smcp_" + newRandom())
	f.Add(strings.Repeat("=", 43))
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parseState(s)
		if err == nil {
			// Only canonical 256-bit values get through, one spelling each.
			require.Len(t, s, randomLen)
			require.Equal(t, hashHex(s), h)
		}
		ph, perr := parsePAT(s)
		if perr == nil {
			require.True(t, strings.HasPrefix(s, tenant.PATPrefix))
			require.Equal(t, hashHex(s), ph)
			_, err := parseState(strings.TrimPrefix(s, tenant.PATPrefix))
			require.NoError(t, err)
		}
	})
}

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := New(Options{
		RedirectURI:          "http://mcp.example.com/oauth/callback",
		UserScopes:           []string{"ok:scope", "bad,scope"},
		SlackURL:             "slack.com",
		AllowedReturnOrigins: []string{"https://ok.example.com", "javascript:x"},
		StateTTL:             -1,
	})
	require.Error(t, err)
	for _, want := range []string{"client ID", "client secret", "keyring", "store", "must use https", "Slack URL", `"bad,scope"`, "javascript:x", "state TTL"} {
		require.Contains(t, err.Error(), want)
	}

	tests := []struct {
		redirect string
		ok       bool
	}{
		{"https://mcp.example.com/oauth/callback", true},
		{"http://localhost:8080/oauth/callback", true},
		{"http://127.0.0.1:8080/oauth/callback", true},
		{"http://[::1]:8080/oauth/callback", true},
		{"http://mcp.example.com/oauth/callback", false},
		{"http://localhost.evil.com/oauth/callback", false},
		{"ftp://localhost/oauth/callback", false},
		{"/oauth/callback", false},
		{"", false},
		{"https://mcp.example.com/oauth/callback#frag", false},
	}
	for _, tc := range tests {
		_, err := checkRedirectURI(tc.redirect)
		require.Equal(t, tc.ok, err == nil, "%q: %v", tc.redirect, err)
	}

	svc, err := New(Options{ClientID: "c", ClientSecret: "s", RedirectURI: "https://mcp.example.com/oauth/callback",
		UserScopes: testScopes, Store: newTestStore(t, store.MemoryPath, newClock()), Keys: testKeys(t)})
	require.NoError(t, err)
	require.Equal(t, "https://mcp.example.com", svc.publicBase, "public URL defaults to the redirect URI's origin")
	require.Equal(t, DefaultStateTTL, svc.o.StateTTL)
	require.Equal(t, "https://slack.com/api/", svc.apiURL)
}

func TestPrefersHTML(t *testing.T) {
	t.Parallel()
	tests := []struct {
		accept string
		def    bool
		want   bool
	}{
		{"", true, true},
		{"", false, false},
		{"*/*", true, true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false, true},
		{"application/json", true, false},
		{"application/json, text/html;q=0.5", true, false},
		{"text/html;q=0.4, application/json;q=0.9", true, false},
		{"text/html, application/json", false, false},
		{"text/html;q=0, application/json;q=0", true, true},
		{"garbage;;", true, true},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, prefersHTML(tc.accept, tc.def), "%q def=%v", tc.accept, tc.def)
	}
}

func TestTouchThrottle(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tt := newTouchThrottle(time.Minute, 3)
	require.True(t, tt.due("a", now))
	require.False(t, tt.due("a", now.Add(59*time.Second)))
	require.True(t, tt.due("a", now.Add(time.Minute)))
	for i := range 10 {
		tt.due(string(rune('b'+i)), now)
	}
	require.LessOrEqual(t, len(tt.last), 3)
}
