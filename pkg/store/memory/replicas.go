package memory

import (
	"context"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// What replicas share besides logins: ended MCP sessions, Slack's 429
// pauses and directory snapshots (store.Backend's extras).

// EndSession implements store.EndedSessions: the first time is kept.
func (m *Memory) EndSession(ctx context.Context, idHash string, at time.Time) error {
	if err := store.CheckEndedSession(idHash); err != nil {
		return err
	}
	return m.tx(ctx, func(d *db) error {
		if _, ok := d.ended[idHash]; !ok {
			d.ended[idHash] = ms(at)
		}
		return nil
	})
}

// SessionEndedAt implements store.EndedSessions.
func (m *Memory) SessionEndedAt(ctx context.Context, idHash string) (at time.Time, ok bool, err error) {
	err = m.tx(ctx, func(d *db) error {
		at, ok = d.ended[idHash]
		return nil
	})
	return at, ok, err
}

// LoadSnapshot implements store.DirectorySnapshots.
func (m *Memory) LoadSnapshot(ctx context.Context, key string) (data []byte, at time.Time, ok bool, err error) {
	err = m.tx(ctx, func(d *db) error {
		s, found := d.snaps[key]
		if found && s.data != nil {
			data, at, ok = append([]byte(nil), s.data...), s.takenAt, true
		}
		return nil
	})
	return data, at, ok, err
}

// SaveSnapshot implements store.DirectorySnapshots: a newer one stays.
func (m *Memory) SaveSnapshot(ctx context.Context, key string, data []byte, takenAt time.Time) error {
	if err := store.CheckSnapshotKey(key); err != nil {
		return err
	}
	return m.tx(ctx, func(d *db) error {
		s := d.snaps[key]
		if s.data == nil || s.takenAt.Before(ms(takenAt)) {
			s.data, s.takenAt = append([]byte{}, data...), ms(takenAt)
			d.snaps[key] = s
		}
		return nil
	})
}

// ClaimSweep implements store.DirectorySnapshots.
func (m *Memory) ClaimSweep(ctx context.Context, key, holder string, until time.Time) (claimed bool, err error) {
	if err := store.CheckSnapshotKey(key); err != nil {
		return false, err
	}
	err = m.tx(ctx, func(d *db) error {
		s := d.snaps[key]
		if s.holder != "" && s.holder != holder && m.now().Before(s.claimUntil) {
			return nil
		}
		s.holder, s.claimUntil, claimed = holder, ms(until), true
		d.snaps[key] = s
		return nil
	})
	return claimed, err
}

// PauseSlack implements store.SlackPauses: the later end is kept.
func (m *Memory) PauseSlack(ctx context.Context, p store.SlackPause) error {
	if err := store.CheckSlackPause(p); err != nil {
		return err
	}
	return m.tx(ctx, func(d *db) error {
		k := pauseKey{p.Scope, p.Method, p.Channel}
		if until := ms(p.Until); until.After(d.pauses[k]) {
			d.pauses[k] = until
		}
		return nil
	})
}

// SlackPausesAfter implements store.SlackPauses.
func (m *Memory) SlackPausesAfter(ctx context.Context, t time.Time) (out []store.SlackPause, err error) {
	err = m.tx(ctx, func(d *db) error {
		for k, until := range d.pauses {
			if until.After(t) {
				out = append(out, store.SlackPause{Scope: k.scope, Method: k.method, Channel: k.channel, Until: until})
			}
		}
		return nil
	})
	return out, err
}
