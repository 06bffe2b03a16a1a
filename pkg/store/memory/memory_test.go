package memory

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

var clock = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

func open() *Memory { return New(store.Options{Now: func() time.Time { return clock }}) }

func TestMemory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) store.Store { return open() })
}

func TestMemoryAuthServer(t *testing.T) {
	t.Parallel()
	storetest.RunAuthServer(t, func(*testing.T) store.AuthServerStore { return open() })
}

// TestMemoryDurable: a restart of a memory store loses everything by
// design, so "reopening" here is a new handle on the same data. That
// still checks that Close disturbs nothing, and that what is kept is
// exactly what the store was given (hashes and sealed values only).
func TestMemoryDurable(t *testing.T) {
	t.Parallel()
	storetest.RunDurable(t, func(*testing.T) storetest.Durable {
		data := newDB()
		return storetest.Durable{
			Open: func(*testing.T) store.Store {
				return &Memory{now: func() time.Time { return clock }, db: data}
			},
			Dump: func(*testing.T) []byte { return data.dump() },
		}
	})
}

// dump prints every value held, as a database file would hold it.
func (d *db) dump() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b []byte
	for _, v := range []any{d.pending, d.installs, d.identities, d.pats, d.audit,
		d.clients, d.txns, d.codes, d.tokens, d.sessions, d.consents, d.families} {
		b = fmt.Appendf(b, "%+v\n", v)
	}
	return b
}

// TestMemoryCopies: changing a slice after handing it over, or one that
// came back, changes nothing stored.
func TestMemoryCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open()

	scopes := []string{"channels:history", "users:read"}
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1", Scopes: scopes, AccessToken: "sealed"})
	require.NoError(t, err)
	scopes[0] = "changed-in"
	in.Scopes[1] = "changed-out"
	got, err := s.GetInstallation(ctx, in.ID)
	require.NoError(t, err)
	assert.Equal(t, []string{"channels:history", "users:read"}, got.Scopes)
	got.Scopes[0] = "changed-get"
	page, err := s.SealedInstallations(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, []string{"channels:history", "users:read"}, page[0].Scopes)

	p := store.Pending{StateHash: "s", NonceHash: "n", Metadata: []byte(`{"a":1}`), Scopes: []string{"x"}, ExpiresAt: clock.Add(time.Hour)}
	require.NoError(t, s.CreatePending(ctx, p))
	p.Metadata[0], p.Scopes[0] = '!', "y"
	gotP, err := s.ConsumePending(ctx, "s", clock)
	require.NoError(t, err)
	assert.Equal(t, []byte(`{"a":1}`), gotP.Metadata)
	assert.Equal(t, []string{"x"}, gotP.Scopes)

	c := store.Client{ID: "c", Kind: store.ClientDynamic, RedirectURIs: []string{"http://127.0.0.1/cb"}, Metadata: []byte(`{}`)}
	require.NoError(t, s.PutClient(ctx, c))
	c.RedirectURIs[0], c.Metadata[0] = "http://evil/", '!'
	gotC, err := s.GetClient(ctx, "c")
	require.NoError(t, err)
	gotC.RedirectURIs[0], gotC.Metadata[0] = "http://evil/", '!'
	gotC, err = s.GetClient(ctx, "c")
	require.NoError(t, err)
	assert.Equal(t, []string{"http://127.0.0.1/cb"}, gotC.RedirectURIs)
	assert.Equal(t, []byte(`{}`), gotC.Metadata)
}

// TestMemoryClock: defaults come from Options.Now, kept to the
// millisecond.
func TestMemoryClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 678_901_234, time.FixedZone("x", 3600))
	s := New(store.Options{Now: func() time.Time { return now }})
	want := now.Truncate(time.Millisecond).UTC()

	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	assert.Equal(t, want, in.InstalledAt)
	require.NoError(t, s.CreatePAT(ctx, store.PAT{Hash: "h", InstallationID: in.ID}))
	pat, err := s.GetPAT(ctx, "h")
	require.NoError(t, err)
	assert.Equal(t, want, pat.CreatedAt)
	require.NoError(t, s.AppendAudit(ctx, store.AuditEvent{Event: "e"}))
	ev, err := s.ListAudit(ctx, store.AuditFilter{})
	require.NoError(t, err)
	assert.Equal(t, want, ev[0].At)
	require.NoError(t, s.PutClient(ctx, store.Client{ID: "c", Kind: store.ClientStatic}))
	c, err := s.GetClient(ctx, "c")
	require.NoError(t, err)
	assert.Equal(t, want, c.CreatedAt)
	require.NoError(t, s.CreateToken(ctx, store.Token{Hash: "t", Kind: store.TokenAccess, FamilyID: "f",
		InstallationID: in.ID, ExpiresAt: now.Add(time.Hour)}))
	tok, err := s.GetToken(ctx, "t", now)
	require.NoError(t, err)
	assert.Equal(t, want, tok.CreatedAt)
}

// TestMemoryClosed: after Close every call fails, as on a closed
// database, so a test that uses a store after its cleanup notices.
func TestMemoryClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open()
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1"})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is fine")
	_, err = s.GetInstallation(ctx, in.ID)
	require.ErrorIs(t, err, ErrClosed)
	_, err = s.GetToken(ctx, "t", clock)
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, s.CreatePending(ctx, store.Pending{StateHash: "s", NonceHash: "n", ExpiresAt: clock}), ErrClosed)
}
