package params

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct{ kind, payload string }{
		{"channels", "C0123456789"},
		{"search", "page=3|query=a b"},
		{"search", ""},
		{"users", "ünïcödé\x00bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.payload, func(t *testing.T) {
			t.Parallel()
			c := EncodeCursor(tc.kind, tc.payload)
			assert.NotContains(t, c, "=")
			got, err := DecodeCursor(c, tc.kind)
			require.NoError(t, err)
			assert.Equal(t, tc.payload, got)
		})
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	t.Parallel()
	const msg = "cursor is malformed or from another tool; omit it to start from the beginning"
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct{ name, cursor string }{
		{"other kind", EncodeCursor("users", "x")},
		{"kind prefix", EncodeCursor("channelsx", "x")},
		{"padded", base64.URLEncoding.EncodeToString([]byte("v1|channels|ab"))},
		{"std alphabet", base64.RawStdEncoding.EncodeToString([]byte("v1|channels|\xfb\xff"))},
		{"not base64", "!!!"},
		{"bad version", raw("v2|channels|x")},
		{"no version", raw("channels|x")},
		{"no payload separator", raw("v1|channels")},
		{"slack cursor", "dXNlcjpVMDYxTkZUVDI="},
		{"too long", EncodeCursor("channels", string(make([]byte, 5000)))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeCursor(tc.cursor, "channels")
			require.Error(t, err)
			assert.Equal(t, msg, err.Error())
		})
	}
}

func TestDecodeCursorEmpty(t *testing.T) {
	t.Parallel()
	p, err := DecodeCursor("", "channels")
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
		{"our own cursor", EncodeCursor("channels", "x"), "", true},
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
