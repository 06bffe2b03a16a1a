package confirm

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
)

// Request is what a write tool tells the person before it acts.
type Request struct {
	// Action says what will happen: "Post a message", "Delete a message".
	Action string
	// Where names the place: "#general (C0123ABCD)".
	Where string
	// As names who Slack will show as the author: "@alice in Acme".
	As string
	// Text is what will be posted or written, if anything; long text is
	// shortened in the question.
	Text string
}

// ErrDeclined is returned by Ask when the person declined or dismissed
// the question: nothing may change.
var ErrDeclined = errors.New("the person declined the change; nothing was changed in Slack")

// InputRequired is returned by Ask when the client must ask the person and
// call again: the tool returns Result as it is.
type InputRequired struct {
	Result *mcp.CallToolResult
}

func (e *InputRequired) Error() string { return "confirmation required" }

// Mode is SLACK_MCP_CONFIRM_WRITES.
type Mode int

const (
	// Elicit asks through elicitation when the client supports it.
	Elicit Mode = iota
	// Off never asks.
	Off
)

// ParseMode reads SLACK_MCP_CONFIRM_WRITES: elicit (default) or off.
func ParseMode(v string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "elicit":
		return Elicit, nil
	case "off", "false", "0", "no":
		return Off, nil
	}
	return Off, fmt.Errorf("SLACK_MCP_CONFIRM_WRITES %q: use elicit (ask the person when the client supports elicitation) or off", v)
}

// answerID keys our question in the multi round-trip maps.
const answerID = "confirm_write"

// stateTTL bounds how long a question may stay unanswered.
const stateTTL = 15 * time.Minute

// maxShown is how much of Text the question quotes.
const maxShown = 1500

// Asker asks for confirmation. The zero value never asks; build one with New.
type Asker struct {
	mode Mode
	key  [32]byte
	now  func() time.Time
}

// New returns an Asker. key signs the request state that clients of
// protocol 2026-07-28 echo back; replicas that share it finish each
// other's questions. An empty key is random (one process).
func New(mode Mode, key []byte) *Asker {
	a := &Asker{mode: mode, now: time.Now}
	if len(key) == 0 {
		_, _ = rand.Read(a.key[:])
	} else {
		a.key = sha256.Sum256(append([]byte("slack-mcp-server confirm writes v1|"), key...))
	}
	return a
}

type callKey struct{}

type call struct {
	tool  string
	args  map[string]any
	round mcp.MultiRoundTripParams
}

// WithCall records the tool call being served, so Ask can bind its
// question to these exact arguments and read the answer of a retry.
func WithCall(ctx context.Context, tool string, args map[string]any, round mcp.MultiRoundTripParams) context.Context {
	return context.WithValue(ctx, callKey{}, &call{tool: tool, args: args, round: round})
}

// Ask returns nil when the change may go ahead (the person accepted, the
// client cannot be asked, or asking is off), ErrDeclined when it must not,
// and *InputRequired when the client must ask and call again.
func (a *Asker) Ask(ctx context.Context, r Request) error {
	if a == nil || a.mode == Off || !canElicit(ctx) {
		return nil
	}
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil {
		return nil // not an MCP tool call (unit tests of handlers)
	}
	digest, err := a.digest(c)
	if err != nil {
		return err
	}
	if ans := mcpserver.ElicitationResponse(c.round.InputResponses, answerID); ans != nil && a.valid(c.round.RequestState, digest) {
		if ans.Action == mcp.ElicitationResponseActionAccept {
			return nil
		}
		return ErrDeclined
	}
	// No answer yet, or one for other arguments or too old: ask.
	b := mcpserver.NewInputRequestBuilder(a.state(digest)).Elicit(answerID, mcp.ElicitationParams{
		Message:         r.question(),
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{}},
	})
	return &InputRequired{Result: b.ToolResult()}
}

// question is the text the person reads.
func (r Request) question() string {
	var b strings.Builder
	b.WriteString(r.Action)
	if r.Where != "" {
		b.WriteString(" in " + r.Where)
	}
	if r.As != "" {
		b.WriteString(" as " + r.As)
	}
	b.WriteString("?")
	if r.Text != "" {
		t := r.Text
		if utf8.RuneCountInString(t) > maxShown {
			t = string([]rune(t)[:maxShown]) + "…"
		}
		b.WriteString("\n\n" + t)
	}
	b.WriteString("\n\nAccept to go ahead; decline and nothing changes.")
	return b.String()
}

// canElicit reports whether the client declared form elicitation, per
// request (protocol 2026-07-28) or at initialize (earlier versions).
func canElicit(ctx context.Context) bool {
	var caps *mcp.ElicitationCapability
	if info := mcpserver.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		if info.ClientCapabilities != nil {
			caps = info.ClientCapabilities.Elicitation
		}
	} else if s, ok := mcpserver.ClientSessionFromContext(ctx).(mcpserver.SessionWithClientInfo); ok {
		// mcp-go's SSE sessions cannot send elicitation/create: there the
		// client is treated as one without elicitation.
		if _, asks := s.(mcpserver.SessionWithElicitation); asks {
			caps = s.GetClientCapabilities().Elicitation
		}
	}
	// An empty elicitation object means form mode (spec 2025-11-25).
	return caps != nil && (caps.Form != nil || caps.URL == nil)
}

// digest binds a question to the tool and its exact arguments, so an
// answer cannot approve something other than what the person read.
func (a *Asker) digest(c *call) ([]byte, error) {
	args, err := json.Marshal(c.args) // map keys marshal sorted: canonical
	if err != nil {
		return nil, fmt.Errorf("confirm: arguments: %w", err)
	}
	h := sha256.New()
	h.Write([]byte(c.tool))
	h.Write([]byte{0})
	h.Write(args)
	return h.Sum(nil), nil
}

func (a *Asker) mac(expiry uint64, digest []byte) []byte {
	m := hmac.New(sha256.New, a.key[:])
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], expiry)
	m.Write(e[:])
	m.Write(digest)
	return m.Sum(nil)
}

// state is expiry||mac, base64url.
func (a *Asker) state(digest []byte) string {
	expiry := uint64(a.now().Add(stateTTL).Unix())
	var e [8]byte
	binary.BigEndian.PutUint64(e[:], expiry)
	return base64.RawURLEncoding.EncodeToString(append(e[:], a.mac(expiry, digest)...))
}

func (a *Asker) valid(state string, digest []byte) bool {
	raw, err := base64.RawURLEncoding.DecodeString(state)
	if err != nil || len(raw) != 8+sha256.Size {
		return false
	}
	expiry := binary.BigEndian.Uint64(raw[:8])
	if int64(expiry) < a.now().Unix() {
		return false
	}
	return hmac.Equal(raw[8:], a.mac(expiry, digest))
}
