package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// lifecycle is what every SQL backend does after open: sweep expired rows
// in the background and close once.
type lifecycle struct {
	mu      sync.Mutex // guards closed and sweeper.Add against Close
	closed  bool
	done    chan struct{}
	sweeper sync.WaitGroup
}

func newSQLStore(d dialect, o Options) *sqlStore {
	return &sqlStore{d: d, q: newQueries(d), now: o.Now, log: o.Logger, lifecycle: lifecycle{done: make(chan struct{})}}
}

// StartSweeper deletes expired pending authorizations and the
// authorization server's expired transactions, codes, tokens and browser
// sessions now and then every interval (a minute when every <= 0) until
// ctx ends or the store is closed. Counts are logged at debug, failures at
// warn.
func (s *sqlStore) StartSweeper(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = defaultSweepEvery
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.sweeper.Add(1)
	go func() {
		defer s.sweeper.Done()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-s.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			now := s.now()
			n, err := s.SweepPending(ctx, now)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn().Err(err).Msg("store: sweeping expired pending authorizations")
			case err == nil:
				s.log.Debug().Int("deleted", n).Msg("store: swept expired pending authorizations")
			}
			n, err = s.sweepAuthServer(ctx, now)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn().Err(err).Msg("store: sweeping expired authorization server rows")
			case err == nil:
				s.log.Debug().Int("deleted", n).Msg("store: swept expired authorization server rows")
			}
			n, err = s.sweepSlackPauses(ctx, now)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn().Err(err).Msg("store: sweeping ended Slack pauses")
			case err == nil:
				s.log.Debug().Int("deleted", n).Msg("store: swept ended Slack pauses")
			}
			n, err = s.sweepEndedSessions(ctx, now)
			switch {
			case err != nil && ctx.Err() == nil:
				s.log.Warn().Err(err).Msg("store: sweeping ended MCP sessions")
			case err == nil:
				s.log.Debug().Int("deleted", n).Msg("store: swept ended MCP sessions")
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Close stops sweepers and closes the database. It is safe to call more
// than once.
func (s *sqlStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.sweeper.Wait()
	return s.closeDBs()
}

func (s *sqlStore) closeDBs() error {
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: closing %s: %w", s.d.name, err)
	}
	return nil
}

// Ping reports whether the database answers (GET /readyz).
func (s *sqlStore) Ping(ctx context.Context) error { return s.w.PingContext(ctx) }
