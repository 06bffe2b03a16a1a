package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackemu"
)

// freePort returns a loopback port nobody listens on right now. The flag
// under test takes an address, so the port is closed before the emulator
// binds it; a collision fails the test loudly rather than silently.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// start runs the emulator's main logic and returns its first stdout line
// and a function that stops it and returns run's error.
func start(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, io.Discard)
		_ = pw.CloseWithError(errors.New("run returned"))
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no first line: %v (run: %v)", err, <-done)
	}
	var (
		once    sync.Once
		stopErr error
	)
	stop := func() error {
		once.Do(func() {
			cancel()
			go func() { _, _ = io.Copy(io.Discard, pr) }()
			stopErr = <-done
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return strings.TrimSpace(line), stop
}

// TestFixedAddress: --addr serves the emulator where the docs' "try it
// locally" steps point a server (SLACK_MCP_SLACK_URL) and the OAuth app's
// redirect URL, with an OAuth app registered from the command line.
func TestFixedAddress(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	redirect := "http://127.0.0.1:8080/oauth/callback"
	line, stop := start(t, "--addr", addr, "--oauth-client-id", "local.app", "--oauth-client-secret", "local-secret",
		"--oauth-redirect", redirect, "--oauth-auto-approve")
	base, token, ok := strings.Cut(line, " ")
	require.True(t, ok, line)
	require.Equal(t, "http://"+addr, base)
	require.Equal(t, slackemu.SandboxUserToken, token)

	// The Web API answers there with the printed token.
	at, err := slack.New(token, slack.OptionAPIURL(base+"/api/")).AuthTest()
	require.NoError(t, err)
	require.Equal(t, slackemu.SandboxTeamID, at.TeamID)

	// The OAuth app is registered: authorize sends the browser back to
	// the redirect URL with a code.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {"local.app"}, "redirect_uri": {redirect}, "user_scope": {"channels:history"}, "state": {"s1"}}
	resp, err := noFollow.Get(base + "/oauth/v2/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, redirect, loc.Scheme+"://"+loc.Host+loc.Path)
	require.NotEmpty(t, loc.Query().Get("code"))

	require.NoError(t, stop())
	_, err = net.Dial("tcp", addr)
	require.Error(t, err, "stopped: nothing listens any more")
}

// TestTwoWorkspaces: --workspaces 2 serves the sandbox and Sandbox Labs
// behind one URL; the authorize page asks which workspace to sign in to,
// and each workspace's token reaches its own workspace there.
func TestTwoWorkspaces(t *testing.T) {
	t.Parallel()
	redirect := "http://127.0.0.1:8080/oauth/callback"
	line, stop := start(t, "--workspaces", "2", "--oauth-client-id", "local.app", "--oauth-client-secret", "local-secret",
		"--oauth-redirect", redirect, "--oauth-auto-approve")
	base, token, _ := strings.Cut(line, " ")
	at, err := slack.New(token, slack.OptionAPIURL(base+"/api/")).AuthTest()
	require.NoError(t, err)
	require.Equal(t, slackemu.SandboxTeamID, at.TeamID)

	q := url.Values{"client_id": {"local.app"}, "redirect_uri": {redirect}, "user_scope": {"channels:read"}, "state": {"s1"}}
	resp, err := http.Get(base + "/oauth/v2/authorize?" + q.Encode())
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(page), `id="team-T0SBLABS"`, "the workspace chooser")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q.Set("team", slackemu.SandboxLabsTeamID)
	resp, err = noFollow.Get(base + "/oauth/v2/authorize?" + q.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	code := loc.Query().Get("code")
	require.NotEmpty(t, code)
	tok, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, "local.app", "local-secret", code, redirect,
		slack.OAuthOptionAPIURL(base+"/api/"))
	require.NoError(t, err)
	labs, err := slack.New(tok.AuthedUser.AccessToken, slack.OptionAPIURL(base+"/api/")).AuthTest()
	require.NoError(t, err)
	require.Equal(t, slackemu.SandboxLabsTeamID, labs.TeamID, "the token's own workspace answers")
	require.NoError(t, stop())
}

// TestBadCommandLine: a taken or malformed address, an unknown flag or a
// stray argument is an error before anything is served.
func TestBadCommandLine(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = taken.Close() })
	for _, tc := range []struct {
		name string
		args []string
		want string
		is   error
	}{
		{"address in use", []string{"--addr", taken.Addr().String()}, "listen on " + taken.Addr().String(), nil},
		{"malformed address", []string{"--addr", "nowhere"}, "listen on nowhere", nil},
		{"unknown flag", []string{"--port", "9999"}, "", errUsage},
		{"stray argument", []string{"9999"}, "", errUsage},
		{"three workspaces", []string{"--workspaces", "3"}, "", errUsage},
		{"address in use, two workspaces", []string{"--workspaces", "2", "--addr", taken.Addr().String()}, "listen on " + taken.Addr().String(), nil},
		{"help", []string{"-h"}, "", flag.ErrHelp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stderr strings.Builder
			err := run(context.Background(), tc.args, io.Discard, &stderr)
			require.Error(t, err)
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			} else {
				require.ErrorContains(t, err, tc.want)
			}
			if tc.name == "help" {
				require.Contains(t, stderr.String(), "-addr")
			}
		})
	}
}
