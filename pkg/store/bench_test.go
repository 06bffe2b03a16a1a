package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-mcp-server/slack-mcp-server/pkg/store"
)

// BenchmarkGetPAT is the per-request lookup of a personal access token
// (hash -> installation) on a file database holding 1,000 tenants.
func BenchmarkGetPAT(b *testing.B) {
	ctx := context.Background()
	s := openSQLite(b, filepath.Join(b.TempDir(), "bench.db"))
	defer func() { _ = s.Close() }()
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
func BenchmarkConsumePending(b *testing.B) {
	ctx := context.Background()
	s := openSQLite(b, filepath.Join(b.TempDir(), "bench.db"))
	defer func() { _ = s.Close() }()
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
