package slackapi

import (
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/testkit"
)

// fakeClock is an injected clock whose Sleep advances time at once.
type fakeClock = testkit.Clock

func newFakeClock() *fakeClock { return testkit.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// syncBuffer is a goroutine-safe log sink.
type syncBuffer = testkit.LogBuffer

// newTestFactory builds a Factory on baseURL with a fake clock and a debug
// logger writing to the returned buffer.
func newTestFactory(t *testing.T, baseURL string, mod func(*Options)) (*Factory, *fakeClock, *syncBuffer) {
	t.Helper()
	clock := newFakeClock()
	logs := &syncBuffer{}
	o := Options{
		BaseURL: baseURL,
		Logger:  zerolog.New(logs).Level(zerolog.DebugLevel),
		Sleep:   clock.Sleep,
		Now:     clock.Now,
	}
	if mod != nil {
		mod(&o)
	}
	f, err := NewFactory(o)
	require.NoError(t, err)
	return f, clock, logs
}

const (
	testUserToken    = "xoxp-1111-2222-3333-abcdefabcdef"
	testBotToken     = "xoxb-1111-2222-abcdefabcdef"
	testSessionToken = "xoxc-1111-2222-3333-sessionsecret"
	testCookieRaw    = "xoxd-abc/def+ghi="
	testCookieEnc    = "xoxd-abc%2Fdef%2Bghi%3D"
)
