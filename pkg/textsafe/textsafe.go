package textsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// hidden reports whether r is removed.
func hidden(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r >= 0x7f && r <= 0x9f: // DEL and the C1 controls
		return true
	case r == 0x00ad, r == 0x034f, r == 0x061c, r == 0x115f, r == 0x1160, r == 0x17b4, r == 0x17b5, r == 0x180e, r == 0x3164, r == 0xffa0:
		return true // soft hyphen, grapheme joiner, Arabic letter mark, fillers, Mongolian vowel separator
	case r >= 0x200b && r <= 0x200f: // zero-width space, non-joiner, marks; not U+200D (ZWJ)
		return r != 0x200d
	case r >= 0x202a && r <= 0x202e: // bidirectional embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x206f: // word joiner, invisible operators, isolates, deprecated format
		return true
	case r == 0xfeff: // zero-width no-break space (BOM)
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotations
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tag characters ("ASCII smuggling")
		return true
	}
	return false
}

// Dirty reports whether s holds a character Clean removes.
func Dirty(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if hidden(r) {
			return true
		}
		i += n
	}
	return false
}

// Clean returns s without the characters a person cannot see; a clean s
// comes back as is.
func Clean(s string) string {
	if !Dirty(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if hidden(r) {
			return -1
		}
		return r
	}, s)
}

// CleanJSON returns the JSON document raw with Clean applied to every
// string in it (keys included), and whether anything changed. A document
// with nothing to clean is returned as is; one that does not parse too.
func CleanJSON(raw []byte) ([]byte, bool) {
	// encoding/json writes control characters as \u00XX escapes and leaves
	// the rest raw: either sign means a string may need cleaning.
	if !Dirty(string(raw)) && !bytes.Contains(raw, []byte(`\u00`)) {
		return raw, false
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return raw, false
	}
	out, err := json.Marshal(cleanValue(v))
	if err != nil || bytes.Equal(out, raw) {
		return raw, false
	}
	return out, true
}

func cleanValue(v any) any {
	switch x := v.(type) {
	case string:
		return Clean(x)
	case []any:
		for i := range x {
			x[i] = cleanValue(x[i])
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[Clean(k)] = cleanValue(val)
		}
		return out
	}
	return v
}
