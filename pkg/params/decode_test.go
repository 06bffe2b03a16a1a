package params

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type decodeInput struct {
	Channel string        `json:"channel_id"`
	TS      TSArgument    `json:"timestamp"`
	Emoji   EmojiArgument `json:"emoji"`
	Note    string        `json:"note,omitempty"`
}

func TestDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    map[string]any
		want    decodeInput
		wantErr string
	}{
		{name: "all given", args: map[string]any{"channel_id": "#general", "timestamp": "1700000000.000100", "emoji": ":tada:", "note": "n"},
			want: decodeInput{Channel: "#general", TS: "1700000000.000100", Emoji: "tada", Note: "n"}},
		{name: "a number sent for a string", args: map[string]any{"channel_id": 42.0, "timestamp": "1700000000.000100", "emoji": "tada"},
			want: decodeInput{Channel: "42", TS: "1700000000.000100", Emoji: "tada"}},
		{name: "an object for a single value", args: map[string]any{"channel_id": map[string]any{"id": "C1"}}, wantErr: `"channel_id" must be a single value, not an object`},
		{name: "a list for a single value", args: map[string]any{"channel_id": []any{"C1"}}, wantErr: `"channel_id" must be a single value, not a list`},
		{name: "required timestamp missing", args: map[string]any{"channel_id": "C1"}, wantErr: "timestamp"},
		{name: "bad timestamp", args: map[string]any{"channel_id": "C1", "timestamp": "yesterday"}, wantErr: "timestamp"},
		{name: "bad emoji", args: map[string]any{"channel_id": "C1", "timestamp": "1700000000.000100", "emoji": "no spaces allowed"}, wantErr: "emoji"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got decodeInput
			err := Decode(tc.args, &got)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDecodeRefusesWhatItCannotFill(t *testing.T) {
	t.Parallel()
	var notStruct string
	require.Error(t, Decode(nil, &notStruct))
	var bad struct {
		N chan int `json:"n"`
	}
	require.ErrorContains(t, Decode(map[string]any{}, &bad), "cannot be decoded")
}

func FuzzDecode(f *testing.F) {
	f.Add("C1", "1700000000.000100", "tada")
	f.Add("", "p1700000000000100", ":+1:")
	f.Fuzz(func(t *testing.T, channel, ts, emoji string) {
		var in decodeInput
		err := Decode(map[string]any{"channel_id": channel, "timestamp": ts, "emoji": emoji}, &in)
		if err == nil && (in.TS == "" || in.Emoji == "") {
			t.Fatalf("accepted without a timestamp or emoji: %+v", in)
		}
	})
}
