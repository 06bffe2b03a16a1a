package slackapi

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

func TestTrustedHostsValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		hosts []string
		bad   []string // entries the error must name; none = valid
	}{
		{name: "none"},
		{name: "host and port", hosts: []string{"127.0.0.1:8080", "slack-proxy.internal", "[::1]:9"}},
		{name: "scheme", hosts: []string{"http://127.0.0.1:8080"}, bad: []string{`"http://127.0.0.1:8080"`}},
		{name: "path", hosts: []string{"proxy.internal/api"}, bad: []string{`"proxy.internal/api"`}},
		{name: "empty", hosts: []string{""}, bad: []string{`""`}},
		{name: "user info", hosts: []string{"u:p@proxy.internal"}, bad: []string{`"u:p@proxy.internal"`}},
		{name: "every problem at once", hosts: []string{"ok.internal", "a/b", "c?d"}, bad: []string{`"a/b"`, `"c?d"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewFactory(Options{TrustedHosts: tc.hosts})
			if len(tc.bad) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, b := range tc.bad {
				assert.Contains(t, err.Error(), "TrustedHosts")
				assert.Contains(t, err.Error(), b)
			}
		})
	}
}

func TestTrustedHostsAPIURL(t *testing.T) {
	t.Parallel()
	f, err := NewFactory(Options{BaseURL: "http://127.0.0.1:9", TrustedHosts: []string{"127.0.0.1:10", "Proxy.Internal"}})
	require.NoError(t, err)
	for _, tc := range []struct{ url, want string }{
		{"http://127.0.0.1:10/", "http://127.0.0.1:10/api/"},
		{"https://127.0.0.1:10/", "https://127.0.0.1:10/api/"},
		{"https://proxy.internal/", "https://proxy.internal/api/"},
		{"http://127.0.0.1:11/", "http://127.0.0.1:9/api/"},
		{"http://127.0.0.1/", "http://127.0.0.1:9/api/"},
		{"ftp://127.0.0.1:10/", "http://127.0.0.1:9/api/"},
		{"http://u:p@127.0.0.1:10/", "http://127.0.0.1:9/api/"},
		{"https://acme.slack.com/", "https://acme.slack.com/api/"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			c := f.NewClient(Credentials{Token: testUserToken}, Identity{TeamID: "T1", URL: tc.url})
			assert.Equal(t, tc.want, c.APIURL())
		})
	}
}

// TestTrustedHostsRouting: auth.test on one emulator names another as the
// workspace URL; calls land there only when that host is trusted.
func TestTrustedHostsRouting(t *testing.T) {
	t.Parallel()
	for _, trusted := range []bool{true, false} {
		t.Run(map[bool]string{true: "trusted", false: "untrusted"}[trusted], func(t *testing.T) {
			t.Parallel()
			ws := newEmu(t, slackemu.Options{})
			login := newEmu(t, slackemu.Options{WorkspaceURL: ws.URL + "/"})
			o := Options{BaseURL: login.URL}
			if trusted {
				u, err := url.Parse(ws.URL)
				require.NoError(t, err)
				o.TrustedHosts = []string{u.Host}
			}
			f, err := NewFactory(o)
			require.NoError(t, err)
			c, err := f.Connect(context.Background(), Credentials{Token: testUserToken})
			require.NoError(t, err)
			_, err = c.AuthTestContext(context.Background())
			require.NoError(t, err)
			if trusted {
				assert.Equal(t, ws.URL+"/api/", c.APIURL())
				assert.Equal(t, 1, login.Calls("auth.test"))
				assert.Equal(t, 1, ws.Calls("auth.test"), "the second call went to the workspace URL")
			} else {
				assert.Equal(t, login.URL+"/api/", c.APIURL())
				assert.Equal(t, 2, login.Calls("auth.test"))
				assert.Zero(t, ws.Calls("auth.test"))
			}
		})
	}
}
