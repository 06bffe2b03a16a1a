package slackemu

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/require"
)

func filesFixture() *Workspace {
	w := fixture()
	w.AddFile(File{ID: "F0NOTES", Name: "notes v1.txt", Title: "Notes", Mimetype: "text/plain", Filetype: "text", User: uBob,
		Content: []byte("hello file"), Channels: []string{cGeneral}, Created: 1700000000})
	w.AddFile(File{ID: "F0BIG", Name: "big.bin", Mimetype: "application/octet-stream", Filetype: "binary", User: uBob,
		Content: []byte("tiny"), ReportedSize: 50 << 20, Channels: []string{cPrivate}})
	w.AddFile(File{ID: "F0HIDDEN", Name: "h.txt", Mimetype: "text/plain", User: uBob, Content: []byte("no"), Channels: []string{cHidden}})
	w.AddFile(File{ID: "F0EVIL", Name: "evil.txt", Mimetype: "text/plain", User: uBob, Content: []byte("x"), Channels: []string{cGeneral},
		RedirectTo: "https://attacker.example/collect"})
	return w
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestFilesInfo(t *testing.T) {
	t.Parallel()
	srv := start(t, filesFixture(), Options{})
	c := client(srv, tokAlice)
	f, _, _, err := c.GetFileInfo("F0NOTES", 0, 0)
	require.NoError(t, err)
	require.Equal(t, "notes v1.txt", f.Name)
	require.Equal(t, 10, f.Size)
	require.Equal(t, "text/plain", f.Mimetype)
	require.Equal(t, []string{cGeneral}, f.Channels)
	require.Equal(t, srv.URL+"/files-pri/"+tTeam+"-F0NOTES/notes%20v1.txt", f.URLPrivate)
	require.Equal(t, srv.URL+"/files-pri/"+tTeam+"-F0NOTES/download/notes%20v1.txt", f.URLPrivateDownload)

	big, _, _, err := c.GetFileInfo("F0BIG", 0, 0)
	require.NoError(t, err)
	require.Equal(t, 50<<20, big.Size)
	require.Equal(t, []string{cPrivate}, big.Groups)

	for _, id := range []string{"F0HIDDEN", "F0NOPE"} {
		_, _, _, err = c.GetFileInfo(id, 0, 0)
		requireSlackErr(t, err, "file_not_found")
	}
	_, _, _, err = client(srv, tokReader).GetFileInfo("F0NOTES", 0, 0)
	requireSlackErr(t, err, "missing_scope")
}

func TestFileDownload(t *testing.T) {
	t.Parallel()
	w := filesFixture()
	w.AddToken("xoxp-carol-live", Token{UserID: uCarol, Scopes: AllUserScopes()})
	srv := start(t, w, Options{})
	f, _, _, err := client(srv, tokAlice).GetFileInfo("F0NOTES", 0, 0)
	require.NoError(t, err)

	for _, u := range []string{f.URLPrivate, f.URLPrivateDownload} {
		var buf bytes.Buffer
		require.NoError(t, client(srv, tokAlice).GetFile(u, &buf))
		require.Equal(t, "hello file", buf.String())
	}

	// Without a usable token files.slack.com sends you to sign in.
	resp, err := noRedirect().Get(f.URLPrivate)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "/files-pri/"+tTeam+"-F0NOTES/notes v1.txt", loc.Query().Get("redir"))

	// slack-go recognises the sign-in redirect.
	var buf bytes.Buffer
	err = client(srv, "xoxp-bogus").GetFile(f.URLPrivate, &buf)
	require.ErrorContains(t, err, "sign-in page")
	require.Zero(t, buf.Len())

	// A valid token that cannot see the file is redirected as well.
	hidden := srv.URL + "/files-pri/" + tTeam + "-F0HIDDEN/h.txt"
	require.ErrorContains(t, client(srv, tokAlice).GetFile(hidden, &buf), "sign-in page")

	// RedirectTo answers 302 to the configured URL.
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/files-pri/"+tTeam+"-F0EVIL/evil.txt", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tokAlice)
	resp, err = noRedirect().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "https://attacker.example/collect", resp.Header.Get("Location"))

	// Wrong team or name is a 404.
	for _, p := range []string{"/files-pri/T0OTHER-F0NOTES/notes%20v1.txt", "/files-pri/" + tTeam + "-F0NOTES/other.txt"} {
		resp, err = http.Get(srv.URL + p)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNotFound, resp.StatusCode, p)
	}
	require.Equal(t, 8, srv.Calls("files.download"))
}

func TestUserGroups(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddUserGroup(UserGroup{ID: "S0ONCALL", Handle: "oncall", Name: "On-call", Description: "Pager holders", Users: []string{uAlice, uBob}, Created: 1600000000, CreatedBy: uAlice})
	w.AddUserGroup(UserGroup{ID: "S0OLD", Handle: "old", Name: "Old", Disabled: true})
	srv := start(t, w, Options{})
	c := client(srv, tokAlice)

	groups, err := c.GetUserGroups()
	require.NoError(t, err)
	require.Len(t, groups, 1)
	require.Equal(t, "oncall", groups[0].Handle)
	require.Empty(t, groups[0].Users)

	groups, err = c.GetUserGroups(slack.GetUserGroupsOptionIncludeUsers(true), slack.GetUserGroupsOptionIncludeDisabled(true), slack.GetUserGroupsOptionIncludeCount(true))
	require.NoError(t, err)
	require.Len(t, groups, 2)
	require.Equal(t, []string{uAlice, uBob}, groups[0].Users)
	require.Equal(t, 2, groups[0].UserCount)
	require.NotZero(t, groups[1].DateDelete)

	members, err := c.GetUserGroupMembers("S0ONCALL")
	require.NoError(t, err)
	require.Equal(t, []string{uAlice, uBob}, members)
	_, err = c.GetUserGroupMembers("S0NOPE")
	requireSlackErr(t, err, "no_such_subteam")

	g, err := c.UpdateUserGroupMembers("S0ONCALL", uBob)
	require.NoError(t, err)
	require.Equal(t, []string{uBob}, g.Users)
	_, err = c.UpdateUserGroupMembers("S0ONCALL", "U0NOBODY")
	requireSlackErr(t, err, "invalid_users")

	created, err := c.CreateUserGroup(slack.UserGroup{Name: "Release Team", Description: "ships"})
	require.NoError(t, err)
	require.Equal(t, "release-team", created.Handle)
	require.True(t, strings.HasPrefix(created.ID, "S"))
	_, err = c.CreateUserGroup(slack.UserGroup{Name: "On-call"})
	requireSlackErr(t, err, "name_already_exists")

	updated, err := c.UpdateUserGroup(created.ID, slack.UpdateUserGroupsOptionDescription(ptr("ships weekly")), slack.UpdateUserGroupsOptionHandle("release"))
	require.NoError(t, err)
	require.Equal(t, "release", updated.Handle)
	require.Equal(t, "ships weekly", updated.Description)
	_, err = c.UpdateUserGroup(created.ID, slack.UpdateUserGroupsOptionHandle("oncall"))
	requireSlackErr(t, err, "handle_already_exists")

	_, err = client(srv, tokReader).GetUserGroups()
	requireSlackErr(t, err, "missing_scope")
	_, err = client(srv, tokBot).CreateUserGroup(slack.UserGroup{Name: "Bots"})
	requireSlackErr(t, err, "missing_scope")
}

func ptr[T any](v T) *T { return &v }

func TestTeamInfo(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	team, err := client(srv, tokAlice).GetTeamInfo()
	require.NoError(t, err)
	require.Equal(t, tTeam, team.ID)
	require.Equal(t, "Fixture", team.Name)
	require.Equal(t, "fixture", team.Domain)
	_, err = client(srv, tokReader).GetTeamInfo()
	requireSlackErr(t, err, "missing_scope")
}

func TestSandboxPNG(t *testing.T) {
	t.Parallel()
	img, err := png.Decode(bytes.NewReader(sandboxPNG()))
	require.NoError(t, err)
	require.Equal(t, 16, img.Bounds().Dx())
}
