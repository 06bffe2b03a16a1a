package authn

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/tenant"
)

// DefaultMaxPeekBytes is Options.MaxPeekBytes when unset: a tool call's
// arguments are small, and only callers with a restricted grant pay for
// the read.
const DefaultMaxPeekBytes = 1 << 20

const (
	msgBodyTooLarge = "the request body is too large to check against the token's scopes"
	msgBodyUnread   = "the request body could not be read"
)

// allowCalls checks the tools a POSTed JSON-RPC body calls against the
// caller's grant. It reports true when the request may go on (its body
// restored for the next handler) and answers 403, 413 or 400 itself
// otherwise.
func (o *Options) allowCalls(w http.ResponseWriter, r *http.Request, tok string, c *tenant.Caller) bool {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return true
	}
	limit := o.MaxPeekBytes
	if limit <= 0 {
		limit = DefaultMaxPeekBytes
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || int64(len(body)) > limit:
		o.Logger.Info().Ctx(r.Context()).Str("reason", CodeBodyTooLarge).Str("path", r.URL.Path).Str("token", Fingerprint(tok)).Msg("request refused")
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: msgBodyTooLarge, Code: CodeBodyTooLarge})
		return false
	case err != nil:
		o.Logger.Debug().Ctx(r.Context()).Err(err).Str("path", r.URL.Path).Msg("request body unreadable")
		writeJSON(w, http.StatusBadRequest, errorBody{Error: msgBodyUnread, Code: CodeInvalidRequest})
		return false
	}
	r.Body = restoredBody{Reader: bytes.NewReader(body), Closer: r.Body}

	needRead, needWrite, tool := false, false, ""
	for _, call := range toolCalls(body) {
		readOnly, known := false, false
		if call.named {
			readOnly, known = o.Tool(call.name)
		}
		switch {
		case call.named && !known:
			// Not a tool of ours: the server answers "tool not found".
		case readOnly:
			needRead = needRead || !c.Allows(tenant.ScopeRead)
		default:
			// A write tool, or a call whose name cannot be read: the
			// server would refuse the latter, but decide as if it wrote.
			if !needWrite {
				tool = call.name
			}
			needWrite = true
		}
	}
	if !needRead && !needWrite {
		return true
	}
	scope, msg := tenant.ScopeRead, msgNeedRead
	if needWrite {
		scope, msg = tenant.ScopeRead+" "+tenant.ScopeWrite, msgNeedWrite
	}
	o.Logger.Info().Ctx(r.Context()).Str("reason", CodeInsufficient).Str("path", r.URL.Path).Str("token", Fingerprint(tok)).
		Str("tool", tool).Strs("granted", c.Scopes).Str("needed", scope).Msg("request refused")
	w.Header().Set("WWW-Authenticate", o.challenge(scope, "insufficient_scope", msg))
	writeJSON(w, http.StatusForbidden, errorBody{Error: msg, Code: CodeInsufficient, Scope: scope})
	return false
}

// The sentences of 403 answers. They name the scopes, never request data,
// and contain no "name=" that a naive challenge parser could mistake for a
// parameter.
const (
	msgNeedRead  = "this token was not granted the " + tenant.ScopeRead + " scope that reading Slack needs; authorize again and approve read access"
	msgNeedWrite = "this tool writes to Slack and needs the " + tenant.ScopeWrite + " scope, which this token was not granted; authorize again and approve write access"
)

// restoredBody replays the bytes read while peeking and closes the
// original body.
type restoredBody struct {
	io.Reader
	io.Closer
}

// toolCall is one JSON-RPC tools/call found in a request body; named is
// false when its params.name is missing or not a string.
type toolCall struct {
	name  string
	named bool
}

// toolCalls returns the tools/call requests of a JSON-RPC message or batch.
//
// It reads the body the way mcp-go does, so the two cannot disagree about
// what gets called: only the first JSON value counts (the SSE transport
// decodes with a json.Decoder, which ignores trailing bytes), and fields
// are matched by encoding/json struct decoding (case-insensitive names,
// the last duplicate wins), never through a map. A body that is not JSON
// calls nothing, as mcp-go refuses it too. A message whose method decodes
// as tools/call counts even when the rest of it does not decode.
func toolCalls(body []byte) []toolCall {
	var first json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&first); err != nil {
		return nil
	}
	first = bytes.TrimSpace(first)
	if len(first) == 0 {
		return nil
	}
	if first[0] != '[' {
		if c, ok := toolCallOf(first); ok {
			return []toolCall{c}
		}
		return nil
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(first, &batch); err != nil {
		return nil
	}
	var calls []toolCall
	for _, m := range batch {
		if c, ok := toolCallOf(m); ok {
			calls = append(calls, c)
		}
	}
	return calls
}

// toolCallOf reads one JSON-RPC message; ok is false unless its method is
// tools/call.
func toolCallOf(msg json.RawMessage) (toolCall, bool) {
	var m struct {
		Method string          `json:"method"`
		Params json.RawMessage `json:"params"`
	}
	// A type error elsewhere still leaves the fields that did decode set.
	_ = json.Unmarshal(msg, &m)
	if m.Method != "tools/call" {
		return toolCall{}, false
	}
	var p struct {
		Name json.RawMessage `json:"name"`
	}
	_ = json.Unmarshal(m.Params, &p)
	var name string
	if t := bytes.TrimSpace(p.Name); len(t) == 0 || t[0] != '"' || json.Unmarshal(t, &name) != nil {
		return toolCall{}, true
	}
	return toolCall{name: name, named: true}, true
}
