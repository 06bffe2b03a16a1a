package authn

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
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

// FuzzToolCalls: the tools/call peek never panics, and it never misses a
// call mcp-go would run. The oracle decodes the body as mcp-go's
// transports do (the first JSON value; the base message, then
// mcp.CallToolRequest); whenever that yields a tools/call of tool N, the
// peek must report N or an unnamed call (which is treated as a write).
func FuzzToolCalls(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"reactions_add","arguments":{"x":1}}}`,
		`[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]`,
		`{"METHOD":"tools/call","PARAMS":{"Name":"a"}}`,
		`{"method":"tools/list","method":"tools/call","params":{"name":"a","name":"b"}}`,
		`{"method":"tools/call","params":{"name":null}}`,
		`{"method":"tools/call","params":{"name":"a"}} trailing`,
		`{"method":"tools\/call","params":{"name":"\u0061"}}`,
		`{"method":"tools/call","params":[]}`,
		`[[{"method":"tools/call","params":{"name":"a"}}]]`,
		`"tools/call"`, `null`, `[]`, `{}`, ``, `{`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		calls := toolCalls(body)
		for _, c := range calls {
			if !c.named && c.name != "" {
				t.Fatalf("unnamed call carries name %q", c.name)
			}
		}
		var raw json.RawMessage
		if json.NewDecoder(bytes.NewReader(body)).Decode(&raw) != nil {
			if len(calls) != 0 {
				t.Fatalf("calls %v found in a body mcp-go cannot decode", calls)
			}
			return
		}
		var base struct {
			JSONRPC string        `json:"jsonrpc"`
			Method  mcp.MCPMethod `json:"method"`
			ID      any           `json:"id,omitempty"`
			Result  any           `json:"result,omitempty"`
		}
		if json.Unmarshal(raw, &base) != nil || base.Method != mcp.MethodToolsCall {
			return
		}
		var req mcp.CallToolRequest
		if json.Unmarshal(raw, &req) != nil {
			return
		}
		for _, c := range calls {
			if !c.named || c.name == req.Params.Name {
				return
			}
		}
		t.Fatalf("mcp-go would call %q; the peek found %v", req.Params.Name, calls)
	})
}
