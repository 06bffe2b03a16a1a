package confirm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// modern is a 2026-07-28 request from a client that can be asked.
func modern(elicit bool) context.Context {
	caps := &mcp.ClientCapabilities{}
	if elicit {
		caps.Elicitation = &mcp.ElicitationCapability{}
	}
	return mcpserver.WithRequestProtocolInfo(context.Background(), &mcpserver.RequestProtocolInfo{
		Modern: true, ProtocolVersion: "2026-07-28", ClientCapabilities: caps})
}

var post = Request{Action: "Post a message", Where: "#general (C1)", As: "@me in Acme", Text: "hello"}

// ask runs Ask for args and returns its pending question, if any.
func ask(t *testing.T, a *Asker, ctx context.Context, args map[string]any, round mcp.MultiRoundTripParams) (*mcp.CallToolResult, error) {
	t.Helper()
	err := a.Ask(WithCall(ctx, "conversations_add_message", args, round), post)
	var in *InputRequired
	if errors.As(err, &in) {
		return in.Result, nil
	}
	return nil, err
}

func answer(state string, action mcp.ElicitationResponseAction) mcp.MultiRoundTripParams {
	return mcp.MultiRoundTripParams{RequestState: state, InputResponses: mcp.InputResponses{
		answerID: mcp.NewElicitationInputResponse(mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action}}),
	}}
}

func TestAsk(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	a := New(Elicit, []byte("k"))
	a.now = func() time.Time { return now }
	args := map[string]any{"channel_id": "C1", "text": "hello"}
	first, err := ask(t, a, modern(true), args, mcp.MultiRoundTripParams{})
	require.NoError(t, err)
	require.NotNil(t, first, "a client that can be asked is asked first")
	q := first.InputRequests[answerID].Elicitation
	require.NotNil(t, q)
	assert.Equal(t, "Post a message in #general (C1) as @me in Acme?\n\nhello\n\nAccept to go ahead; decline and nothing changes.", q.Message)
	state := first.RequestState

	other := New(Elicit, []byte("k")) // another replica with the same key
	other.now = a.now
	tests := []struct {
		name    string
		asker   *Asker
		ctx     context.Context
		args    map[string]any
		round   mcp.MultiRoundTripParams
		wantErr error
		askedAg bool
	}{
		{"accepted", a, modern(true), args, answer(state, mcp.ElicitationResponseActionAccept), nil, false},
		{"accepted on another replica", other, modern(true), args, answer(state, mcp.ElicitationResponseActionAccept), nil, false},
		{"declined", a, modern(true), args, answer(state, mcp.ElicitationResponseActionDecline), ErrDeclined, false},
		{"dismissed", a, modern(true), args, answer(state, mcp.ElicitationResponseActionCancel), ErrDeclined, false},
		{"other arguments are asked again", a, modern(true), map[string]any{"channel_id": "C1", "text": "rm -rf"}, answer(state, mcp.ElicitationResponseActionAccept), nil, true},
		{"forged state is asked again", a, modern(true), args, answer(flipLast(state), mcp.ElicitationResponseActionAccept), nil, true},
		{"garbage state is asked again", a, modern(true), args, answer("%%%", mcp.ElicitationResponseActionAccept), nil, true},
		{"another key is asked again", New(Elicit, []byte("other")), modern(true), args, answer(state, mcp.ElicitationResponseActionAccept), nil, true},
		{"no capability: not asked", a, modern(false), args, mcp.MultiRoundTripParams{}, nil, false},
		{"off: not asked", New(Off, nil), modern(true), args, mcp.MultiRoundTripParams{}, nil, false},
		{"nil asker: not asked", nil, modern(true), args, mcp.MultiRoundTripParams{}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			again, err := ask(t, tc.asker, tc.ctx, tc.args, tc.round)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.askedAg, again != nil)
		})
	}

	t.Run("expired", func(t *testing.T) {
		t.Parallel()
		late := New(Elicit, []byte("k"))
		late.now = func() time.Time { return now.Add(stateTTL + time.Second) }
		again, err := ask(t, late, modern(true), args, answer(state, mcp.ElicitationResponseActionAccept))
		require.NoError(t, err)
		assert.NotNil(t, again, "an answer older than the question's lifetime is asked again")
	})
}

// flipLast changes the state's last character (inside the MAC).
func flipLast(s string) string {
	last := byte('A')
	if s[len(s)-1] == 'A' {
		last = 'B'
	}
	return s[:len(s)-1] + string(last)
}

func TestQuestionShortensLongText(t *testing.T) {
	t.Parallel()
	q := Request{Action: "Post a message", Text: strings.Repeat("é", maxShown+50)}.question()
	assert.Contains(t, q, strings.Repeat("é", maxShown)+"…")
	assert.NotContains(t, q, strings.Repeat("é", maxShown+1))
}

func TestParseMode(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Mode{"": Elicit, "elicit": Elicit, " ELICIT ": Elicit, "off": Off, "false": Off} {
		got, err := ParseMode(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseMode("always")
	require.ErrorContains(t, err, `SLACK_MCP_CONFIRM_WRITES "always"`)
}

// FuzzValid: a request state comes from the client; no input panics and
// none but our own passes.
func FuzzValid(f *testing.F) {
	a := New(Elicit, []byte("k"))
	digest := []byte("digest")
	f.Add(a.state(digest))
	f.Add("")
	f.Add("AAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, state string) {
		if a.valid(state, []byte("other digest")) {
			t.Fatalf("state %q passed for another digest", state)
		}
	})
}
