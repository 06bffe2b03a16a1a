package slackemu

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExternalUpload(t *testing.T) {
	t.Parallel()
	w, ts := historyFixture(1)
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)

	f, err := alice.UploadFileContext(t.Context(), slack.UploadFileParameters{
		Filename: "notes.md", Title: "Notes", Content: "# hello", FileSize: 7,
		Channel: cGeneral, InitialComment: "the notes", ThreadTimestamp: ts[0],
	})
	require.NoError(t, err)
	assert.Equal(t, "Notes", f.Title)
	info, _, _, err := alice.GetFileInfo(f.ID, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, "notes.md", info.Name)
	assert.Equal(t, []string{cGeneral}, info.Channels)
	replies, _, _, err := alice.GetConversationReplies(&slack.GetConversationRepliesParameters{ChannelID: cGeneral, Timestamp: ts[0]})
	require.NoError(t, err)
	last := replies[len(replies)-1]
	assert.Equal(t, "the notes", last.Text)
	require.Len(t, last.Files, 1)
	assert.Equal(t, f.ID, last.Files[0].ID)

	// Completing twice, or a file never uploaded, fails.
	_, err = alice.CompleteUploadExternalContext(t.Context(), slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: f.ID}}})
	requireSlackErr(t, err, "file_not_found")
	u, err := alice.GetUploadURLExternalContext(t.Context(), slack.GetUploadURLExternalParameters{FileName: "a.txt", FileSize: 3})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(u.UploadURL, srv.URL+uploadPath))
	_, err = alice.CompleteUploadExternalContext(t.Context(), slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}})
	requireSlackErr(t, err, "file_not_found")

	for _, tc := range []struct {
		name, token, channel, want string
		size                       int
	}{
		{"too large", tokAlice, cGeneral, "file_too_large", maxUploadBytes + 1},
		{"no scope", tokReader, cGeneral, "missing_scope", 3},
		{"not a member", tokAlice, cLonely, "not_in_channel", 3},
		{"archived", tokAlice, cOld, "is_archived", 3},
		{"invisible", tokAlice, cHidden, "channel_not_found", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client(srv, tc.token).UploadFileContext(t.Context(), slack.UploadFileParameters{
				Filename: "a.txt", Content: "abc", FileSize: tc.size, Channel: tc.channel})
			requireSlackErr(t, err, tc.want)
		})
	}
}

func TestFilesListAndSearch(t *testing.T) {
	t.Parallel()
	w, _ := historyFixture(1)
	w.AddFile(File{ID: "F1", Name: "plan.pdf", Title: "Launch plan", Filetype: "pdf", Mimetype: "application/pdf", User: uAlice, Channels: []string{cGeneral}, Created: 100})
	w.AddFile(File{ID: "F2", Name: "cat.png", Title: "Cat", Filetype: "png", Mimetype: "image/png", User: uBob, Channels: []string{cGeneral}, Created: 200})
	w.AddFile(File{ID: "F3", Name: "secret.txt", Title: "Secret", Filetype: "text", Mimetype: "text/plain", User: uBob, Channels: []string{cHidden}, Created: 300, Content: []byte("launch codes")})
	w.AddToken("xoxp-bob", Token{UserID: uBob, Kind: UserToken, Scopes: AllUserScopes()})
	srv := start(t, w, Options{})
	alice := client(srv, tokAlice)
	ids := func(fs []slack.File) (out []string) {
		for _, f := range fs {
			out = append(out, f.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		p    slack.GetFilesParameters
		want []string
	}{
		{"all visible, newest first", slack.GetFilesParameters{}, []string{"F2", "F1"}},
		{"images", slack.GetFilesParameters{Types: "images"}, []string{"F2"}},
		{"by user", slack.GetFilesParameters{User: uAlice}, []string{"F1"}},
		{"time range", slack.GetFilesParameters{TimestampFrom: 150, TimestampTo: 250}, []string{"F2"}},
		{"page 2 of 1 per page", slack.GetFilesParameters{Count: 1, Page: 2}, []string{"F1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, _, err := alice.GetFiles(tc.p)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ids(fs))
		})
	}
	_, _, err := alice.GetFiles(slack.GetFilesParameters{Types: "movies"})
	requireSlackErr(t, err, "unknown_type")

	res, err := alice.SearchFiles("launch", slack.SearchParameters{Count: 20, Page: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"F1"}, ids(res.Matches), "bob's hidden file stays hidden")
	res, err = client(srv, "xoxp-bob").SearchFiles("launch", slack.SearchParameters{Count: 20, Page: 1})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"F1", "F3"}, ids(res.Matches), "the content of a text file matches")
	_, err = client(srv, tokBot).SearchFiles("launch", slack.SearchParameters{Count: 20, Page: 1})
	requireSlackErr(t, err, "not_allowed_token_type")
	_, body := rawCall(t, srv, "files.getUploadURLExternal",
		http.Header{"Authorization": {"Bearer " + tokSession}, "Cookie": {"d=" + cookieD}},
		url.Values{"filename": {"a.txt"}, "length": {"3"}})
	assert.Equal(t, "not_allowed_token_type", body["error"], "browser-session tokens cannot use the external flow")
}
