package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
	"github.com/slack-mcp-server/slack-mcp-server/pkg/store/storetest"
)

// forBackends runs a store benchmark on an SQLite file and on PostgreSQL
// (when SLACK_MCP_TEST_POSTGRES_URL names a server; scripts/postgres
// starts one), each fresh.
func forBackends(b *testing.B, bench func(b *testing.B, s store.Backend)) {
	b.Run("sqlite", func(b *testing.B) {
		s := openSQLite(b, filepath.Join(b.TempDir(), "bench.db"))
		defer func() { _ = s.Close() }()
		bench(b, s)
	})
	b.Run("postgres", func(b *testing.B) {
		s := openPostgres(b, storetest.PostgresURL(b))
		defer func() { _ = s.Close() }()
		bench(b, s)
	})
}

// BenchmarkGetPAT is the per-request lookup of a personal access token
// (hash -> installation) on a file database holding 1,000 tenants.
func BenchmarkGetPAT(b *testing.B) { forBackends(b, benchGetPAT) }

func benchGetPAT(b *testing.B, s store.Backend) {
	ctx := context.Background()
	const tenants = 1000
	hashes := make([]string, tenants)
	for i := range tenants {
		in, err := s.UpsertInstallation(ctx, store.Installation{
			TeamID: fmt.Sprint("T", i%2), UserID: fmt.Sprint("U", i), AccessToken: "v1.k1.x", InstalledAt: clock,
		})
		if err != nil {
			b.Fatal(err)
		}
		hashes[i] = fmt.Sprintf("%064x", i)
		if err := s.CreatePAT(ctx, store.PAT{Hash: hashes[i], InstallationID: in.ID, CreatedAt: clock}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.GetPAT(ctx, hashes[i%tenants]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := s.GetPAT(ctx, hashes[i%tenants]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkConsumePending is the OAuth callback's atomic single-use
// consume on a file database; the pending rows are created untimed.
func BenchmarkConsumePending(b *testing.B) { forBackends(b, benchConsumePending) }

func benchConsumePending(b *testing.B, s store.Backend) {
	ctx := context.Background()
	for i := range b.N {
		err := s.CreatePending(ctx, store.Pending{
			StateHash: fmt.Sprintf("%064x", i), NonceHash: "n", Scopes: []string{"a:read", "b:read"},
			CreatedAt: clock, ExpiresAt: clock.Add(15 * time.Minute),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.ConsumePending(ctx, fmt.Sprintf("%064x", i), clock); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetToken is the per-request lookup of an access token our
// authorization server issued (hash -> token, joined with its
// installation's status) on a file database holding 1,000 tenants, each
// with an access and a refresh token.
func BenchmarkGetToken(b *testing.B) { forBackends(b, benchGetToken) }

func benchGetToken(b *testing.B, s store.Backend) {
	ctx := context.Background()
	const tenants = 1000
	hashes := make([]string, tenants)
	for i := range tenants {
		in, err := s.UpsertInstallation(ctx, store.Installation{
			TeamID: fmt.Sprint("T", i%2), UserID: fmt.Sprint("U", i), AccessToken: "v1.k1.x", InstalledAt: clock,
		})
		if err != nil {
			b.Fatal(err)
		}
		hashes[i] = fmt.Sprintf("%064x", i)
		for _, t := range []store.Token{
			{Hash: hashes[i], Kind: store.TokenAccess, ExpiresAt: clock.Add(time.Hour)},
			{Hash: fmt.Sprintf("r%063x", i), Kind: store.TokenRefresh, ExpiresAt: clock.Add(30 * 24 * time.Hour)},
		} {
			t.FamilyID, t.ClientID, t.InstallationID, t.Scope, t.CreatedAt = hashes[i], "mcpc_1", in.ID, "slack:read", clock
			if err := s.CreateToken(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.GetToken(ctx, hashes[i%tenants], clock); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, err := s.GetToken(ctx, hashes[i%tenants], clock); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkRotateRefresh is the refresh grant's atomic single-winner
// rotation on a file database; the refresh tokens are created untimed.
func BenchmarkRotateRefresh(b *testing.B) { forBackends(b, benchRotateRefresh) }

func benchRotateRefresh(b *testing.B, s store.Backend) {
	ctx := context.Background()
	in, err := s.UpsertInstallation(ctx, store.Installation{TeamID: "T1", UserID: "U1", InstalledAt: clock})
	if err != nil {
		b.Fatal(err)
	}
	for i := range b.N {
		err := s.CreateToken(ctx, store.Token{
			Hash: fmt.Sprintf("%064x", i), Kind: store.TokenRefresh, FamilyID: fmt.Sprint("f", i), ClientID: "mcpc_1",
			InstallationID: in.ID, Scope: "slack:read", CreatedAt: clock, ExpiresAt: clock.Add(30 * 24 * time.Hour),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := s.RotateRefresh(ctx, fmt.Sprintf("%064x", i), clock, nil); err != nil {
			b.Fatal(err)
		}
	}
}
