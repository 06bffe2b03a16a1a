package slackapi

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

// fakeClock is an injected clock whose Sleep advances time at once.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

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
