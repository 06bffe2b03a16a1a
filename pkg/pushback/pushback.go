package pushback

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/slackapi"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// DefaultEvery is how often a Sharer reads the other replicas' pauses.
const DefaultEvery = time.Second

// queued bounds the pauses waiting to be written; beyond it the newest are
// dropped (the replica itself honours them; others learn of the next).
const queued = 256

// Sharer shares one replica's pushbacks through the store. Told is its
// slackapi.Options.OnPushback; Run writes and reads until ctx ends.
type Sharer struct {
	store   store.SlackPauses
	log     zerolog.Logger
	every   time.Duration
	now     func() time.Time
	pending chan store.SlackPause
}

// New returns a Sharer on st that reads every every (DefaultEvery when 0).
func New(st store.SlackPauses, every time.Duration, log zerolog.Logger) *Sharer {
	if every <= 0 {
		every = DefaultEvery
	}
	return &Sharer{store: st, log: log, every: every, now: time.Now, pending: make(chan store.SlackPause, queued)}
}

// Told queues a pushback of this replica for the others; it never blocks
// the call that received the 429.
func (s *Sharer) Told(k slackapi.PauseKey, until time.Time) {
	select {
	case s.pending <- store.SlackPause{Scope: k.Scope, Method: k.Method, Channel: k.Channel, Until: until}:
	default:
		s.log.Warn().Str("method", k.Method).Msg("pushback: queue full; this pause is not shared")
	}
}

// Run writes this replica's pushbacks as they come and applies the
// others' to f every interval, until ctx ends.
func (s *Sharer) Run(ctx context.Context, f *slackapi.Factory) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-s.pending:
			if err := s.store.PauseSlack(ctx, p); err != nil && ctx.Err() == nil {
				s.log.Warn().Err(err).Str("method", p.Method).Msg("pushback: recording a Slack pause")
			}
		case <-t.C:
			s.apply(ctx, f)
		}
	}
}

// apply reads the pauses in force and applies them; applying one again is
// harmless (a pause only ever extends).
func (s *Sharer) apply(ctx context.Context, f *slackapi.Factory) {
	pauses, err := s.store.SlackPausesAfter(ctx, s.now())
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn().Err(err).Msg("pushback: reading Slack pauses")
		}
		return
	}
	for _, p := range pauses {
		f.Pause(slackapi.PauseKey{Scope: p.Scope, Method: p.Method, Channel: p.Channel}, p.Until)
	}
}
