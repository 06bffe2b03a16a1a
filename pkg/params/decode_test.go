package params

import (
	"reflect"
	"testing"
	"time"

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

type countInput struct {
	Query TextArgument  `json:"query"`
	Limit CountArgument `json:"limit,omitempty" jsonschema:"Maximum rows" count:"10,100"`
}

func TestDecodeCountAndText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    map[string]any
		want    countInput
		wantErr string
	}{
		{name: "defaults", args: map[string]any{}, want: countInput{Limit: 10}},
		{name: "zero means the default", args: map[string]any{"limit": 0.0}, want: countInput{Limit: 10}},
		{name: "a number as a string", args: map[string]any{"query": "ann", "limit": "25"}, want: countInput{Query: "ann", Limit: 25}},
		{name: "a list of words reads joined", args: map[string]any{"query": []any{"a", "b"}}, want: countInput{Query: "a,b", Limit: 10}},
		{name: "an object reads as no text", args: map[string]any{"query": map[string]any{"q": 1}}, want: countInput{Limit: 10}},
		{name: "above the max", args: map[string]any{"limit": 101.0}, wantErr: "limit"},
		{name: "negative", args: map[string]any{"limit": -1.0}, wantErr: "limit"},
		{name: "an object for a count", args: map[string]any{"limit": map[string]any{}}, wantErr: `"limit" must be a single value, not an object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got countInput
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

func TestCountSchema(t *testing.T) {
	t.Parallel()
	fields := Fields(reflect.TypeFor[countInput]())
	require.Len(t, fields, 2)
	assert.False(t, fields[1].Required)
	prop := map[string]any{"type": "integer", "description": "Maximum rows"}
	CountArgument(0).TuneSchema(prop, fields[1])
	assert.Equal(t, map[string]any{"type": "number", "default": 10, "minimum": 0, "maximum": 100,
		"description": "Maximum rows: 1-100 (default 10; 0 also means 10)."}, prop)
	assert.Panics(t, func() { countBounds(Field{Name: "n", Tag: `count:"x"`}) }, "a malformed tag is a declaration bug")
}

func TestDecodeBool(t *testing.T) {
	t.Parallel()
	type in struct {
		Off BoolArgument `json:"off,omitempty"`
		On  BoolArgument `json:"on,omitempty" default:"true"`
	}
	for _, tc := range []struct {
		name    string
		args    map[string]any
		want    in
		wantErr string
	}{
		{name: "defaults", args: map[string]any{}, want: in{On: true}},
		{name: "strings and numbers", args: map[string]any{"off": "true", "on": 0.0}, want: in{Off: true}},
		{name: "an object", args: map[string]any{"off": map[string]any{}}, wantErr: `"off" must be true or false`},
	} {
		var got in
		err := Decode(tc.args, &got)
		if tc.wantErr != "" {
			require.ErrorContains(t, err, tc.wantErr, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
	fields := Fields(reflect.TypeFor[in]())
	prop := map[string]any{"type": "boolean"}
	BoolArgument(false).TuneSchema(prop, fields[1])
	assert.Equal(t, true, prop["default"])
}

func TestTextSchemaDefault(t *testing.T) {
	t.Parallel()
	type in struct {
		Targets TextArgument `json:"query_targets,omitempty" default:"name"`
		Plain   TextArgument `json:"query,omitempty"`
	}
	fields := Fields(reflect.TypeFor[in]())
	withDefault, plain := map[string]any{}, map[string]any{}
	TextArgument("").TuneSchema(withDefault, fields[0])
	TextArgument("").TuneSchema(plain, fields[1])
	assert.Equal(t, map[string]any{"default": "name"}, withDefault)
	assert.Empty(t, plain)
}

func TestDecodeLimit(t *testing.T) {
	t.Parallel()
	type in struct {
		Limit LimitArgument `json:"limit,omitempty" default:"1d"`
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		args      map[string]any
		count     int
		since     time.Time
		decodeErr string
		parseErr  bool
	}{
		{args: map[string]any{"limit": 50.0}, count: 50},
		{args: map[string]any{"limit": "2d"}, count: 999, since: now.Add(-48 * time.Hour)}, // a window caps at max
		{args: map[string]any{"limit": []any{"1d"}}, decodeErr: "not a list"},
		{args: map[string]any{"limit": "forever"}, parseErr: true},
	} {
		var got in
		err := Decode(tc.args, &got)
		if tc.decodeErr != "" {
			require.ErrorContains(t, err, tc.decodeErr)
			continue
		}
		require.NoError(t, err)
		lim, err := got.Limit.Parse(0, 999, now)
		if tc.parseErr {
			require.Error(t, err)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.count, lim.Count)
		assert.True(t, tc.since.Equal(lim.Since), "since %v, want %v", lim.Since, tc.since)
	}
	prop := map[string]any{}
	LimitArgument("").TuneSchema(prop, Fields(reflect.TypeFor[in]())[0])
	assert.Equal(t, "1d", prop["default"])
}

func TestDecodeOptionalText(t *testing.T) {
	t.Parallel()
	type in struct {
		Desc OptionalText `json:"description,omitempty"`
	}
	for _, tc := range []struct {
		args map[string]any
		want OptionalText
	}{
		{args: map[string]any{}, want: OptionalText{}},
		{args: map[string]any{"description": nil}, want: OptionalText{}},
		{args: map[string]any{"description": ""}, want: OptionalText{Given: true}},
		{args: map[string]any{"description": "on call"}, want: OptionalText{Value: "on call", Given: true}},
	} {
		var got in
		require.NoError(t, Decode(tc.args, &got))
		assert.Equal(t, tc.want, got.Desc, "%v", tc.args)
	}
	prop := map[string]any{"type": "object", "properties": map[string]any{}, "description": "d"}
	OptionalText{}.TuneSchema(prop, Field{})
	assert.Equal(t, map[string]any{"type": "string", "description": "d"}, prop)
}

func TestDecodeOptionalBool(t *testing.T) {
	t.Parallel()
	type in struct {
		Muted OptionalBool `json:"include_muted,omitempty"`
	}
	for _, tc := range []struct {
		args    map[string]any
		want    OptionalBool
		wantErr bool
	}{
		{args: map[string]any{}, want: OptionalBool{}},
		{args: map[string]any{"include_muted": false}, want: OptionalBool{Given: true}},
		{args: map[string]any{"include_muted": "true"}, want: OptionalBool{Value: true, Given: true}},
		{args: map[string]any{"include_muted": "perhaps"}, wantErr: true},
	} {
		var got in
		err := Decode(tc.args, &got)
		if tc.wantErr {
			require.ErrorContains(t, err, "include_muted")
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got.Muted, "%v", tc.args)
	}
	prop := map[string]any{"type": "object", "description": "d"}
	OptionalBool{}.TuneSchema(prop, Field{})
	assert.Equal(t, map[string]any{"type": "boolean", "default": false, "description": "d"}, prop)
}

func TestDecodeChannel(t *testing.T) {
	t.Parallel()
	type in struct {
		Channel ChannelArgument `json:"channel_id"`
		Filter  ChannelArgument `json:"filter_in_channel,omitempty"`
	}
	for _, tc := range []struct {
		name    string
		args    map[string]any
		want    ChannelArgument
		wantErr string
	}{
		{name: "id", args: map[string]any{"channel_id": "C0123ABCD"}, want: ChannelArgument{Ref: ChannelRef{Kind: RefID, Value: "C0123ABCD"}, Given: true}},
		{name: "name", args: map[string]any{"channel_id": "#General"}, want: ChannelArgument{Ref: ChannelRef{Kind: RefName, Value: "general"}, Given: true}},
		{name: "dm", args: map[string]any{"channel_id": "@Jane Doe"}, want: ChannelArgument{Ref: ChannelRef{Kind: RefUser, Value: "Jane Doe"}, Given: true}},
		{name: "missing", args: map[string]any{}, wantErr: "channel_id is required: a channel ID"},
		{name: "blank", args: map[string]any{"channel_id": "  "}, wantErr: "channel_id is required"},
		{name: "a list", args: map[string]any{"channel_id": []any{"C1", "C2"}}, wantErr: "channel_id"},
		{name: "spaces in a name", args: map[string]any{"channel_id": "#team updates"}, wantErr: "contains spaces"},
		{name: "bare @", args: map[string]any{"channel_id": "@"}, wantErr: "a user name is needed after '@'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got in
			err := Decode(tc.args, &got)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Channel)
			assert.False(t, got.Filter.Given, "an optional channel left out is not given")
		})
	}
	prop := map[string]any{"type": "object", "description": "d"}
	ChannelArgument{}.TuneSchema(prop, Field{})
	assert.Equal(t, map[string]any{"type": "string", "description": "d"}, prop)
}

// FuzzDecodeChannel: any channel argument is accepted as a reference with
// a value or refused with an error, never a panic.
func FuzzDecodeChannel(f *testing.F) {
	for _, s := range []string{"C1", "#general", "@jane", "<#C0123ABCD|general>", "@", "#", "a b", "U0123ABCD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var in struct {
			Channel ChannelArgument `json:"channel_id"`
		}
		if err := Decode(map[string]any{"channel_id": s}, &in); err == nil && (!in.Channel.Given || in.Channel.Ref.Value == "") {
			t.Fatalf("accepted %q without a reference: %+v", s, in.Channel)
		}
	})
}
