package authn

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseBearer: ParseBearer never panics, accepts only well-formed
// tokens that round-trip, and its errors are fixed sentences that never
// echo the header.
func FuzzParseBearer(f *testing.F) {
	for _, s := range []string{
		"", "Bearer", "Bearer ", "Bearer xoxp-1-2-abc", "bearer smcp_AbC", "BEARER  x==",
		"Basic dXNlcjpwdw==", "Bearer a b", "Bearer \x00", "Bearer ==", "Bearer " + strings.Repeat("a", MaxTokenBytes+1),
		"Bearer xoxe.xoxp-1", "Bearer\txoxp", "Bearer é",
	} {
		f.Add(s)
	}
	known := map[string]bool{msgNoHeader: true, msgWrongScheme: true, msgEmpty: true, msgTooLong: true, msgMalformed: true}
	f.Fuzz(func(t *testing.T, header string) {
		tok, err := ParseBearer(header)
		if err != nil {
			if tok != "" {
				t.Fatalf("token %q returned with error %v", tok, err)
			}
			if !errors.Is(err, ErrMissingToken) && !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			if !known[err.Error()] {
				t.Fatalf("unexpected error sentence %q", err.Error())
			}
			return
		}
		if tok == "" || len(tok) > MaxTokenBytes || !isB64Token(tok) {
			t.Fatalf("accepted bad token %q", tok)
		}
		if !strings.Contains(header, tok) {
			t.Fatalf("token %q is not part of header %q", tok, header)
		}
		again, err := ParseBearer("Bearer " + tok)
		if err != nil || again != tok {
			t.Fatalf("round trip of %q: %q, %v", tok, again, err)
		}
	})
}
