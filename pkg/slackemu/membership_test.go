package slackemu

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConversationsJoinLeave(t *testing.T) {
	t.Parallel()
	w := fixture()
	w.AddChannel(Channel{ID: "C0SOLO", Name: "solo", IsPrivate: true, Members: []string{uAlice}})
	srv := start(t, w, Options{})
	form := func(tok, ch string) url.Values { return url.Values{"token": {tok}, "channel": {ch}} }
	// In order: each step sees the workspace the previous one left.
	for _, tc := range []struct {
		name, method, token, channel string
		want                         map[string]any // fields of the answer
	}{
		{"join a public channel", "conversations.join", tokAlice, cLonely, map[string]any{"ok": true}},
		{"join again warns", "conversations.join", tokAlice, cLonely, map[string]any{"ok": true, "warning": "already_in_channel"}},
		{"leave it", "conversations.leave", tokAlice, cLonely, map[string]any{"ok": true}},
		{"leave again: ok false, no error", "conversations.leave", tokAlice, cLonely, map[string]any{"ok": false, "not_in_channel": true, "error": nil}},
		{"general", "conversations.leave", tokAlice, cGeneral, map[string]any{"ok": false, "error": "cant_leave_general"}},
		{"join a DM", "conversations.join", tokAlice, dAliceB, map[string]any{"ok": false, "error": "method_not_supported_for_channel_type"}},
		{"leave a DM", "conversations.leave", tokAlice, dAliceB, map[string]any{"ok": false, "error": "method_not_supported_for_channel_type"}},
		{"join a group DM", "conversations.join", tokAlice, gTrio, map[string]any{"ok": false, "error": "method_not_supported_for_channel_type"}},
		{"archived", "conversations.join", tokAlice, cOld, map[string]any{"ok": false, "error": "is_archived"}},
		{"leave archived", "conversations.leave", tokAlice, cOld, map[string]any{"ok": false, "error": "is_archived"}},
		{"invisible private channel", "conversations.join", tokAlice, cHidden, map[string]any{"ok": false, "error": "channel_not_found"}},
		{"last member", "conversations.leave", tokAlice, "C0SOLO", map[string]any{"ok": false, "error": "last_member"}},
		{"no scope", "conversations.join", tokReader, cLonely, map[string]any{"ok": false, "error": "missing_scope"}},
		{"bot without channels:join", "conversations.join", tokBot, cLonely, map[string]any{"ok": false, "error": "missing_scope", "needed": "channels:join"}},
	} {
		_, got := rawCall(t, srv, tc.method, nil, form(tc.token, tc.channel))
		for k, v := range tc.want {
			require.Equal(t, v, got[k], "%s: %s in %v", tc.name, k, got)
		}
	}
	ch, _ := w.Channel(cLonely)
	require.Equal(t, []string{uBob}, ch.Members, "joined and left again")
	var notices []string
	for _, m := range w.Messages(cLonely) {
		notices = append(notices, m.Subtype)
	}
	require.Equal(t, []string{"channel_join", "channel_leave"}, notices)
}

func TestPostMessageBlocks(t *testing.T) {
	t.Parallel()
	srv := start(t, fixture(), Options{})
	fifty := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, maxMessageBlocks), ",") + "]"
	tooMany := "[" + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, maxMessageBlocks+1), ",") + "]"
	for _, tc := range []struct {
		name, blocks, err string
	}{
		{"fifty blocks", fifty, ""},
		{"with text fallback", `[{"type":"section","text":{"type":"mrkdwn","text":"*x*"}}]`, ""},
		{"fifty-one", tooMany, "invalid_blocks"},
		{"not an array", `{"type":"divider"}`, "invalid_blocks"},
		{"element not an object", `["divider"]`, "invalid_blocks"},
		{"no type", `[{"text":"x"}]`, "invalid_blocks"},
		{"bad JSON", `[{`, "invalid_blocks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, got := rawCall(t, srv, "chat.postMessage", nil, url.Values{"token": {tokAlice}, "channel": {cGeneral}, "text": {"fallback"}, "blocks": {tc.blocks}})
			if tc.err == "" {
				require.Equal(t, true, got["ok"], got)
				return
			}
			require.Equal(t, tc.err, got["error"], got)
		})
	}
}
