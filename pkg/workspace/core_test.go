package workspace

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type thing struct{ ID string }

func TestTargeted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		answer  *thing
		err     error
		want    string
		wantErr string
	}{
		{name: "found", answer: &thing{ID: "X1"}, want: "X1"},
		{name: "nothing returned", wantErr: "not found: things.info returned no thing"},
		{name: "empty object", answer: &thing{}, wantErr: "not found: things.info returned no thing"},
		{name: "slack error", err: errors.New("boom"), wantErr: "boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCore("things", Options{})
			got, err := targeted(context.Background(), &c, "things.info", "k", "k", "thing", nil,
				func(context.Context) (*thing, error) { return tc.answer, tc.err },
				func(s *thing) (string, bool) { return s.ID, s.ID != "" })
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestTargetedOutlivesACallerGivingUp(t *testing.T) {
	t.Parallel()
	c := newCore("things", Options{})
	var calls atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	call := func(ctx context.Context) (*thing, error) {
		if calls.Add(1) == 1 {
			close(started)
		}
		<-release
		return &thing{ID: "X1"}, ctx.Err() // nil: the flight is not the first caller's
	}
	found := func(s *thing) (string, bool) { return s.ID, true }

	impatient, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := targeted(impatient, &c, "things.info", "k", "k", "thing", nil, call, found)
		gaveUp <- err
	}()
	<-started
	var wg sync.WaitGroup
	patient := make(chan string, 1)
	wg.Go(func() {
		got, err := targeted(context.Background(), &c, "things.info", "k", "k", "thing", nil, call, found)
		assert.NoError(t, err)
		patient <- got
	})
	cancel()
	require.ErrorIs(t, <-gaveUp, context.Canceled, "the caller that gave up gets its own cancellation")
	close(release)
	wg.Wait()
	assert.Equal(t, "X1", <-patient, "the flight finished for the caller still waiting")
	assert.LessOrEqual(t, calls.Load(), int32(2))
}

func TestTargetedAsksTheDirectoryInsideTheFlight(t *testing.T) {
	t.Parallel()
	c := newCore("things", Options{})
	calls := 0
	got, err := targeted(context.Background(), &c, "things.info", "k", "k", "thing",
		func() (string, bool) { return "X1", true },
		func(context.Context) (*thing, error) { calls++; return &thing{ID: "X2"}, nil },
		func(s *thing) (string, bool) { return s.ID, true })
	require.NoError(t, err)
	assert.Equal(t, "X1", got, "an answer installed by an earlier flight")
	assert.Zero(t, calls, "no second Slack call")
}
