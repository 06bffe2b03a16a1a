package params

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scope   CursorScope
		payload string
	}{
		{CursorScope{Tool: "channels_list"}, "100"},
		{CursorScope{Tool: "conversations_search_messages", Filter: "a b in:#x|20"}, "3"},
		{CursorScope{Tool: "conversations_history", Channel: "C0123"}, "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"},
		{CursorScope{Tool: "conversations_replies", Channel: "C0123", Thread: "1700000000.000100"}, ""},
		{CursorScope{Tool: "x"}, "ünïcödé\x00|bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.scope.Tool+"/"+tc.payload, func(t *testing.T) {
			t.Parallel()
			c := tc.scope.Encode(tc.payload)
			assert.NotContains(t, c, "=")
			got, err := tc.scope.Decode(c)
			require.NoError(t, err)
			assert.Equal(t, tc.payload, got)
		})
	}
}

func TestCursorKeepsTheQueryOut(t *testing.T) {
	t.Parallel()
	c := CursorScope{Tool: "conversations_search_messages", Filter: "salary review"}.Encode("2")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "salary")
}

func TestCursorDecodeRejects(t *testing.T) {
	t.Parallel()
	history := CursorScope{Tool: "conversations_history", Channel: "C0GENERAL"}
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, cursor string
		scope        CursorScope
		want         string
	}{
		{"other tool", CursorScope{Tool: "channels_list"}.Encode("5"), history,
			`cursor was issued by "channels_list", not conversations_history: pass it to "channels_list", or omit cursor to start from the beginning`},
		{"other channel", CursorScope{Tool: "conversations_history", Channel: "C0RANDOM"}.Encode("x"), history,
			`cursor pages through channel "C0RANDOM", not C0GENERAL: use it with channel_id "C0RANDOM", or omit cursor to start from the beginning`},
		{"other thread", CursorScope{Tool: "conversations_replies", Channel: "C1", Thread: "1.000001"}.Encode("x"),
			CursorScope{Tool: "conversations_replies", Channel: "C1", Thread: "2.000002"}, `cursor pages through the thread "1.000001", not 2.000002`},
		{"other query", CursorScope{Tool: "s", Filter: "a"}.Encode("2"), CursorScope{Tool: "s", Filter: "b"},
			"cursor belongs to a s call with other arguments (query, filters or page size)"},
		{"incumbent next_ts cursor", "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz", history, "cursor is a raw Slack cursor, not one this server issued"},
		{"slack user cursor", "dXNlcjpVMDYxTkZUVDI=", history, "raw Slack cursor"},
		{"old version", raw("v1|channels|100"), history, "cursor comes from an older version of this server; omit cursor"},
		{"padded", base64.URLEncoding.EncodeToString([]byte("v2|conversations_history|C0GENERAL|||x")), history, "cursor is malformed"},
		{"not base64", "!!!", history, "cursor is malformed: pass next_cursor from the previous conversations_history result exactly as given"},
		{"too few fields", raw("v2|conversations_history|C0GENERAL"), history, "cursor is malformed"},
		{"empty tool", raw("v2||C0GENERAL|||x"), history, "cursor is malformed"},
		{"too long", history.Encode(string(make([]byte, 5000))), history, "cursor is malformed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.scope.Decode(tc.cursor)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestCursorDecodeEmpty(t *testing.T) {
	t.Parallel()
	p, err := CursorScope{Tool: "channels_list"}.Decode("  ")
	require.NoError(t, err)
	assert.Empty(t, p)
}

func TestSlackCursor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"empty", "", "", false},
		{"blank", "  ", "", false},
		{"padded", "dXNlcjpVMDYxTkZUVDI=", "dXNlcjpVMDYxTkZUVDI=", false},
		{"unpadded", "dXNlcjpVMDYxTkZUVDI", "dXNlcjpVMDYxTkZUVDI", false},
		{"spaces trimmed", " dXNlcjpVMDYxTkZUVDI= ", "dXNlcjpVMDYxTkZUVDI=", false},
		{"next_ts form", base64.StdEncoding.EncodeToString([]byte("next_ts:1700000000123456")), base64.StdEncoding.EncodeToString([]byte("next_ts:1700000000123456")), false},
		{"no colon", base64.StdEncoding.EncodeToString([]byte("user")), "", true},
		{"binary", base64.StdEncoding.EncodeToString([]byte("a:\x00\xff")), "", true},
		{"not base64", "hello world", "", true},
		{"url alphabet", "dXNlcjpV_-", "", true},
		{"too much padding", "dXNlcjpVMDYxTkZUVDI===", "", true},
		{"wrong padding", "dXNlcjpVMDYxTkZUVDI==", "", true},
		{"our own cursor", CursorScope{Tool: "channels_list"}.Encode("x"), "", true},
		{"too long", base64.StdEncoding.EncodeToString(make([]byte, 4000)), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := SlackCursor(tc.in)
			if tc.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "pass the next_cursor value from the previous result exactly as given, or omit it")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
