package params

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// String returns args[key] as a string. It returns "" when the key is absent
// or null. Numbers are formatted without exponent or trailing zeros (12,
// 1700000000.123456), booleans as "true"/"false", and a list of scalars is
// joined with commas (so ["im","mpim"] reads as "im,mpim"). Other values
// (objects, nested lists) read as "". Strings are returned unchanged; trim
// them where spaces do not matter.
func String(args map[string]any, key string) string {
	v, ok := args[key]
	if !ok {
		return ""
	}
	if s, ok := scalarString(v); ok {
		return s
	}
	var parts []string
	switch x := v.(type) {
	case []string:
		parts = x
	case []any:
		parts = make([]string, 0, len(x))
		for _, e := range x {
			s, ok := scalarString(e)
			if !ok {
				return ""
			}
			parts = append(parts, s)
		}
	default:
		return ""
	}
	return strings.Join(parts, ",")
}

// Scalar returns args[key] as String does, but refuses objects and lists:
// for an argument that holds one value, {"n":5} or [5] is a mistake to
// report, not an absent argument (String reads an object as "").
func Scalar(args map[string]any, key string) (string, error) {
	v, ok := args[key]
	if !ok {
		return "", nil
	}
	if s, ok := scalarString(v); ok {
		return s, nil
	}
	switch v.(type) {
	case map[string]any:
		return "", fmt.Errorf("%q must be a single value, not an object", key)
	case []any, []string:
		return "", fmt.Errorf("%q must be a single value, not a list", key)
	}
	return "", fmt.Errorf("%q must be a single value such as a number or a string", key)
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true
	case int:
		return strconv.Itoa(x), true
	case int8:
		return strconv.FormatInt(int64(x), 10), true
	case int16:
		return strconv.FormatInt(int64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case uint:
		return strconv.FormatUint(uint64(x), 10), true
	case uint8:
		return strconv.FormatUint(uint64(x), 10), true
	case uint16:
		return strconv.FormatUint(uint64(x), 10), true
	case uint32:
		return strconv.FormatUint(uint64(x), 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// Int returns args[key] as an int. present is false (and err nil) when the
// key is absent, null or an empty string. It accepts JSON numbers that are
// whole (float64 12, json.Number "12") and strings holding a whole number,
// with surrounding spaces allowed ("12", " 12 ", "12.0"). Fractions
// (1.5), booleans, non-numeric strings and values out of int range are
// errors naming key.
func Int(args map[string]any, key string) (n int, present bool, err error) {
	v, ok := args[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	switch x := v.(type) {
	case int:
		return x, true, nil
	case int8:
		return int(x), true, nil
	case int16:
		return int(x), true, nil
	case int32:
		return int(x), true, nil
	case int64:
		if int64(int(x)) != x {
			return 0, true, rangeErr(key)
		}
		return int(x), true, nil
	case uint:
		if x > math.MaxInt {
			return 0, true, rangeErr(key)
		}
		return int(x), true, nil
	case uint8:
		return int(x), true, nil
	case uint16:
		return int(x), true, nil
	case uint32:
		if uint64(x) > math.MaxInt {
			return 0, true, rangeErr(key)
		}
		return int(x), true, nil
	case uint64:
		if x > math.MaxInt {
			return 0, true, rangeErr(key)
		}
		return int(x), true, nil
	case float64:
		n, err := floatInt(x, key)
		return n, true, err
	case float32:
		n, err := floatInt(float64(x), key)
		return n, true, err
	case json.Number:
		n, err := parseWhole(string(x), key)
		return n, true, err
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, false, nil
		}
		n, err := parseWhole(s, key)
		return n, true, err
	case bool:
		return 0, true, fmt.Errorf("%q must be a whole number such as 20, not %t", key, x)
	default:
		return 0, true, fmt.Errorf("%q must be a whole number such as 20", key)
	}
}

// parseWhole parses a trimmed decimal whole number, also accepting a float
// spelling of one ("12.0", "1e3").
func parseWhole(s, key string) (int, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	} else if isDigits(strings.TrimLeft(s, "+-")) {
		return 0, rangeErr(key)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !looksDecimal(s) {
		return 0, fmt.Errorf("%q must be a whole number such as 20; got %s", key, quote(s))
	}
	return floatInt(f, key)
}

// looksDecimal rejects spellings ParseFloat accepts but people do not mean
// as numbers here: "inf", "nan", hexadecimal and underscores.
func looksDecimal(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
			return false
		}
	}
	return true
}

func floatInt(f float64, key string) (int, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q must be a whole number such as 20", key)
	}
	if f != math.Trunc(f) {
		return 0, fmt.Errorf("%q must be a whole number such as 20, not a fraction (%s)", key, strconv.FormatFloat(f, 'f', -1, 64))
	}
	if f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, rangeErr(key)
	}
	return int(f), nil
}

func rangeErr(key string) error {
	return fmt.Errorf("%q is too large; pass a smaller whole number", key)
}

// Bool returns args[key] as a bool, or def when the key is absent, null or an
// empty string. It accepts JSON booleans, the numbers 1 and 0, and the
// strings "true", "false", "1", "0", "yes" and "no" in any case with
// surrounding spaces. Anything else is an error naming key.
func Bool(args map[string]any, key string, def bool) (bool, error) {
	v, ok := args[key]
	if !ok || v == nil {
		return def, nil
	}
	switch x := v.(type) {
	case bool:
		return x, nil
	case float64:
		return numBool(x, key)
	case float32:
		return numBool(float64(x), key)
	case int:
		return numBool(float64(x), key)
	case int64:
		return numBool(float64(x), key)
	case json.Number:
		return strBool(string(x), def, key)
	case string:
		return strBool(x, def, key)
	}
	return false, fmt.Errorf("%q must be true or false", key)
}

func numBool(f float64, key string) (bool, error) {
	switch f {
	case 1:
		return true, nil
	case 0:
		return false, nil
	}
	return false, fmt.Errorf("%q must be true or false (or 1 or 0); got %s", key, strconv.FormatFloat(f, 'f', -1, 64))
}

func strBool(s string, def bool, key string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return def, nil
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("%q must be true or false; got %s", key, quote(strings.TrimSpace(s)))
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// quote renders a short, printable excerpt of an argument value for an error
// message, so a huge or binary argument cannot flood the message.
func quote(s string) string {
	const maxRunes = 40
	if utf8.RuneCountInString(s) > maxRunes {
		r := []rune(s)
		return strconv.Quote(string(r[:maxRunes])) + "…"
	}
	return strconv.Quote(s)
}
