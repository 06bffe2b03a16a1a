package params

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestString(t *testing.T) {
	t.Parallel()
	args := map[string]any{
		"s":      " hi ",
		"f":      float64(12),
		"frac":   1700000000.123456,
		"big":    float64(1e21),
		"num":    json.Number("42"),
		"int":    7,
		"bool":   true,
		"nil":    nil,
		"list":   []any{"im", "mpim", float64(3)},
		"strs":   []string{"a", "b"},
		"nested": []any{map[string]any{}},
		"obj":    map[string]any{"a": 1},
	}
	tests := []struct{ key, want string }{
		{"s", " hi "},
		{"f", "12"},
		{"frac", "1700000000.123456"},
		{"big", "1000000000000000000000"},
		{"num", "42"},
		{"int", "7"},
		{"bool", "true"},
		{"nil", ""},
		{"absent", ""},
		{"list", "im,mpim,3"},
		{"strs", "a,b"},
		{"nested", ""},
		{"obj", ""},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, String(args, tc.key))
		})
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       any
		want    int
		present bool
		errPart string
	}{
		{"absent", absent{}, 0, false, ""},
		{"nil", nil, 0, false, ""},
		{"empty string", "", 0, false, ""},
		{"blank string", "  ", 0, false, ""},
		{"float64", float64(12), 12, true, ""},
		{"negative float", float64(-3), -3, true, ""},
		{"json.Number", json.Number("12"), 12, true, ""},
		{"int", 5, 5, true, ""},
		{"int64", int64(9), 9, true, ""},
		{"uint64 too big", uint64(math.MaxUint64), 0, true, "too large"},
		{"string", "12", 12, true, ""},
		{"padded string", " 12 ", 12, true, ""},
		{"plus", "+12", 12, true, ""},
		{"float string", "12.0", 12, true, ""},
		{"exponent", "1e3", 1000, true, ""},
		{"letters", "abc", 0, true, `"n" must be a whole number such as 20; got "abc"`},
		{"fraction", 1.5, 0, true, "not a fraction (1.5)"},
		{"fraction string", "1.5", 0, true, "not a fraction"},
		{"bool", true, 0, true, `"n" must be a whole number such as 20, not true`},
		{"nan", math.NaN(), 0, true, "whole number"},
		{"inf string", "inf", 0, true, "whole number"},
		{"hex", "0x10", 0, true, "whole number"},
		{"huge digits", "99999999999999999999999", 0, true, "too large"},
		{"huge float", 1e300, 0, true, "too large"},
		{"object", map[string]any{}, 0, true, "whole number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := map[string]any{}
			if _, ok := tc.v.(absent); !ok {
				args["n"] = tc.v
			}
			n, present, err := Int(args, "n")
			assert.Equal(t, tc.present, present)
			if tc.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, n)
		})
	}
}

type absent struct{}

func TestBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       any
		def     bool
		want    bool
		wantErr string
	}{
		{"absent default true", absent{}, true, true, ""},
		{"nil", nil, true, true, ""},
		{"empty", "", true, true, ""},
		{"true", true, false, true, ""},
		{"false", false, true, false, ""},
		{"string true", "true", false, true, ""},
		{"string TRUE padded", " TRUE ", false, true, ""},
		{"string false", "false", true, false, ""},
		{"1", "1", false, true, ""},
		{"0", "0", true, false, ""},
		{"yes", "Yes", false, true, ""},
		{"no", "no", true, false, ""},
		{"number 1", float64(1), false, true, ""},
		{"number 0", float64(0), true, false, ""},
		{"json 1", json.Number("1"), false, true, ""},
		{"number 2", float64(2), false, false, `"b" must be true or false (or 1 or 0); got 2`},
		{"maybe", " maybe ", false, false, `"b" must be true or false; got "maybe"`},
		{"list", []any{}, false, false, `"b" must be true or false`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := map[string]any{}
			if _, ok := tc.v.(absent); !ok {
				args["b"] = tc.v
			}
			got, err := Bool(args, "b", tc.def)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tc.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestScalarAndTSArg(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       any
		scalar  string
		ts      string
		errPart string
	}{
		{"absent", nil, "", "", ""},
		{"string", "1700000000.123456", "1700000000.123456", "1700000000.123456", ""},
		{"bool", true, "true", "", "must be a Slack message timestamp"},
		{"object", map[string]any{"ts": "1"}, "", "", `"k" must be a single value, not an object`},
		{"list", []any{"1700000000.123456"}, "", "", `"k" must be a single value, not a list`},
		{"string list", []string{"a"}, "", "", "not a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := map[string]any{}
			if tc.v != nil {
				args["k"] = tc.v
			}
			s, serr := Scalar(args, "k")
			ts, terr := TSArg(args, "k", false)
			if tc.errPart != "" {
				require.Error(t, terr)
				assert.Contains(t, terr.Error(), tc.errPart)
				if serr != nil {
					assert.Contains(t, serr.Error(), tc.errPart)
					return
				}
			} else {
				require.NoError(t, terr)
				assert.Equal(t, tc.ts, ts)
			}
			require.NoError(t, serr)
			assert.Equal(t, tc.scalar, s)
		})
	}
	_, err := TSArg(map[string]any{}, "thread_ts", true)
	require.ErrorContains(t, err, `"thread_ts" is required`)
}
