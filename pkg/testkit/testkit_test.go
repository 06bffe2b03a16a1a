package testkit

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		step func(c *Clock) error
		want time.Time
	}{
		{"stands still", func(*Clock) error { return nil }, start},
		{"advance", func(c *Clock) error { c.Advance(time.Hour); return nil }, start.Add(time.Hour)},
		{"sleep advances", func(c *Clock) error { return c.Sleep(context.Background(), time.Minute) }, start.Add(time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := NewClock(start)
			require.NoError(t, tc.step(c))
			require.Equal(t, tc.want, c.Now())
		})
	}
}

func TestClockSleepRecordsAndHonoursContext(t *testing.T) {
	t.Parallel()
	c := NewClock(time.Unix(0, 0))
	require.NoError(t, c.Sleep(context.Background(), time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, c.Sleep(ctx, time.Hour), context.Canceled)
	require.Equal(t, []time.Duration{time.Second}, c.Sleeps())
	require.Equal(t, time.Unix(1, 0), c.Now(), "a cancelled sleep does not move the clock")
}

func TestLogBufferConcurrentWrites(t *testing.T) {
	t.Parallel()
	var b LogBuffer
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = fmt.Fprintf(&b, "line %d\n", i)
			_ = b.String()
		}()
	}
	wg.Wait()
	require.Equal(t, 20, strings.Count(b.String(), "\n"))
}

func TestKeyringSealsAndOpens(t *testing.T) {
	t.Parallel()
	a, b := Keyring(t), Keyring(t)
	sealed, err := a.Seal([]byte("xoxp-secret"), []byte("T1|U1"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Open(sealed, []byte("T1|U1"))
	if err != nil || string(got) != "xoxp-secret" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open(sealed, []byte("T1|U1")); err == nil {
		t.Fatal("two keyrings share a key")
	}
}

func TestBrowserAndDo(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "s", Value: "1", Path: "/"})
			http.Redirect(w, r, "/next?x=1", http.StatusFound)
			return
		}
		c, err := r.Cookie("s")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"cookie":%t,"h":%q}`, err == nil && c.Value == "1", r.Header.Get("X-Test"))
	}))
	defer srv.Close()
	b := Browser(t)
	r := Do(t, b, http.MethodGet, srv.URL+"/set", nil)
	if r.Status != http.StatusFound || r.Location(t).Query().Get("x") != "1" {
		t.Fatalf("redirect followed or lost: %+v", r)
	}
	got := Do(t, b, http.MethodGet, srv.URL+"/next", nil, "X-Test", "yes").JSON(t)
	if got["cookie"] != true || got["h"] != "yes" {
		t.Fatalf("cookie or header lost: %v", got)
	}
}
