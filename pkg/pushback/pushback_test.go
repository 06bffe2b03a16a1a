package pushback

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/memory"
)

// A 429 replica A receives pauses the method for the workspace on replica
// B, which then refuses the call without sending it; other methods and
// workspaces go on.
func TestPushbackReachesTheOtherReplica(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"messages":[]}`))
	}))
	t.Cleanup(slackAPI.Close)
	st := memory.New(store.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	replica := func() *slackapi.Factory {
		sh := New(st, 5*time.Millisecond, zerolog.Nop())
		f, err := slackapi.NewFactory(slackapi.Options{
			BaseURL: slackAPI.URL, Pacing: slackapi.PaceAfterPushback, MaxRetries: -1, RetryBudget: time.Second,
			OnPushback: sh.Told,
		})
		require.NoError(t, err)
		go sh.Run(ctx, f)
		return f
	}
	a, b := replica(), replica()
	history := func(f *slackapi.Factory, team string) error {
		c := f.NewClient(slackapi.Credentials{Token: "xoxp-1-2-3"}, slackapi.Identity{TeamID: team})
		_, err := c.GetConversationHistoryContext(context.Background(), &slack.GetConversationHistoryParameters{ChannelID: "C1"})
		return err
	}

	var rl *slackapi.RateLimitError
	require.ErrorAs(t, history(a, "T1"), &rl, "A meets Slack's 429")
	key := slackapi.PauseKey{Scope: "team:T1", Method: "conversations.history"}
	require.Eventually(t, func() bool { return b.PausedFor(key) > 20*time.Second }, 5*time.Second, 5*time.Millisecond, "B learns of it")

	err := history(b, "T1")
	require.True(t, errors.As(err, &rl), "B refuses without asking Slack: %v", err)
	assert.Equal(t, int32(1), calls.Load(), "only A's call reached Slack")
	require.NoError(t, history(b, "T2"), "another workspace goes on")
}

// A store that cannot be written or read is logged; calls go on.
func TestPushbackSurvivesAStoreOutage(t *testing.T) {
	t.Parallel()
	st := memory.New(store.Options{})
	require.NoError(t, st.Close()) // every call now fails
	sh := New(st, time.Millisecond, zerolog.Nop())
	f, err := slackapi.NewFactory(slackapi.Options{BaseURL: "http://127.0.0.1:1"})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	sh.Told(slackapi.PauseKey{Scope: "team:T1", Method: "users.list"}, time.Now().Add(time.Minute))
	sh.Run(ctx, f) // returns when ctx ends, having failed to write and read
	assert.Zero(t, f.PausedFor(slackapi.PauseKey{Scope: "team:T1", Method: "users.list"}))
}
