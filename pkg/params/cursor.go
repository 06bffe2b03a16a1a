package params

import (
	"encoding/base64"
	"errors"
	"strings"
)

// The longest cursor, ours or Slack's, that we accept.
const maxCursorLen = 4096

// EncodeCursor returns an opaque pagination cursor for a listing of the given
// kind (for example "channels" or "search"): unpadded base64url of
// "v1|<kind>|<payload>". kind must not contain '|'; payload may be anything.
func EncodeCursor(kind, payload string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1|" + kind + "|" + payload))
}

// DecodeCursor reverses EncodeCursor and returns the payload. An empty cursor
// returns "" and no error: it means "start from the beginning". A cursor
// that is not strictly valid unpadded base64url, has another version, or was
// made for another kind is rejected with an error telling the model to omit
// it.
func DecodeCursor(s, kind string) (payload string, err error) {
	if s == "" {
		return "", nil
	}
	bad := errors.New("cursor is malformed or from another tool; omit it to start from the beginning")
	if len(s) > maxCursorLen {
		return "", bad
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return "", bad
	}
	rest, ok := strings.CutPrefix(string(raw), "v1|")
	if !ok {
		return "", bad
	}
	k, p, ok := strings.Cut(rest, "|")
	if !ok || k != kind {
		return "", bad
	}
	return p, nil
}

// SlackCursor validates a cursor that Slack issued (next_cursor in
// response_metadata) before it is passed back to Slack. Slack's cursors are
// base64 of "<kind>:<value>", for example dXNlcjpVMDYxTkZUVDI= for
// "user:U061NFTT2". Surrounding spaces are dropped and "" is returned as is
// (first page). Otherwise the cursor must be standard base64, with or without
// padding, decoding to printable ASCII that contains ':'.
func SlackCursor(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", nil
	}
	bad := errors.New("cursor is not a Slack pagination cursor; pass the next_cursor value from the previous result exactly as given, or omit it to start from the beginning")
	if len(t) > maxCursorLen {
		return "", bad
	}
	enc := base64.RawStdEncoding.Strict()
	body := strings.TrimRight(t, "=")
	if pad := len(t) - len(body); pad > 0 && (pad > 2 || len(t)%4 != 0) {
		return "", bad
	}
	raw, err := enc.DecodeString(body)
	if err != nil || len(raw) == 0 {
		return "", bad
	}
	colon := false
	for _, c := range raw {
		if c < 0x20 || c > 0x7e {
			return "", bad
		}
		colon = colon || c == ':'
	}
	if !colon {
		return "", bad
	}
	return t, nil
}
